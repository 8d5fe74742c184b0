// The watchdog's cadence rules (probe-cadence.ts) through the clock-driven Watchdog: time moves
// only when the test says so, and the probe is a function the test answers, or never answers.
import { describe, expect, it } from 'vitest';
import { Watchdog } from '../../../src/extension/daemon/watchdog';
import { ManualClock } from '../../../src/shared/clock';
import { defaultSettings } from '../../../src/shared/settings';
import type { DaemonState, DaemonStatus, LoopStatus } from '../../../src/shared/status';

const FLOOR = 5000;
const CEILING = 30_000;
const TIMEOUT = 2000;
const FAILURES = 3;

function loop(over: Partial<LoopStatus> = {}): LoopStatus {
  return {
    name: 'capture', state: 'suspended', intervalMs: 250, polls: 1, lastPollStartedAt: null, lastPollCompletedAt: null,
    nextPollAt: null, stale: false, inFlight: false, consecutiveErrors: 0, ...over,
  };
}

function status(state: DaemonState, over: { queued?: number; leased?: number; inFlight?: boolean } = {}): DaemonStatus {
  return {
    pid: 4242, version: '0.1.0', uptimeMs: 60_000, socket: '/tmp/dormouse.sock', state,
    loops: [loop({ state: state === 'awake' ? 'running' : state === 'hibernating' ? 'suspended' : 'backing-off', inFlight: over.inFlight ?? false })],
    queue: { queued: over.queued ?? 0, leased: over.leased ?? 0, retrying: 0, dead: 0, done: 5 },
    health: { pollStale: false, stuckQueue: false, stuckSince: null, staleLoops: [] },
    counters: { sqlStatements: 0, wakes: 0, jobsCompleted: 0, capturesStored: 0, capturesSkipped: 0, jobsFailed: 0, skipsByReason: {}, memoriesForgotten: 0, memoriesImported: 0, timersArmed: 0 },
    config: defaultSettings(), pendingRestart: [], database: { path: '/tmp/db.sqlite', quarantined: null },
    dataDir: '/tmp', clients: 1, connections: { open: 1, refused: 0, max: 1024, openFileLimit: null }, foreground: false, lastActivityAt: null, capture: { paused: false, until: null },
  };
}

/** A daemon the test controls: `answer` is what each probe gets, `hung` makes probes wait until they time out. */
function setup(initial: DaemonStatus | null) {
  const clock = new ManualClock();
  const pending: (() => void)[] = [];
  const daemon = {
    answer: initial ?? status('awake'),
    hung: false,
    /** Probes wait until answerPending(). */
    deferred: false,
    answerPending: () => pending.splice(0).forEach((answer) => answer()),
  };
  const probesAt: number[] = [];
  const events: string[] = [];
  let unresponsiveAt: number | null = null;
  const start = clock.monotonicNow();
  const watchdog = new Watchdog({
    clock,
    cadence: { floorMs: FLOOR, ceilingMs: CEILING },
    timeoutMs: TIMEOUT,
    failuresBeforeUnresponsive: FAILURES,
    initial,
    probe: (signal) => {
      probesAt.push(clock.monotonicNow() - start);
      if (daemon.deferred) return new Promise((resolve) => pending.push(() => resolve(daemon.answer)));
      if (!daemon.hung) return Promise.resolve(daemon.answer);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    },
    onStatus: (s) => events.push(`status ${s.state}`),
    onProbeFailed: (n) => events.push(`failed ${n}`),
    onUnresponsive: (n) => {
      unresponsiveAt = clock.monotonicNow() - start;
      events.push(`unresponsive ${n}`);
    },
  });
  return { clock, daemon, probesAt, events, watchdog, elapsed: () => clock.monotonicNow() - start, unresponsiveAt: () => unresponsiveAt };
}

describe('Watchdog probe cadence', () => {
  it('no probe is armed while the daemon hibernates', async () => {
    const { clock, probesAt } = setup(status('hibernating'));
    expect(clock.activeTimers).toBe(0);
    await clock.advance(60 * 60_000);
    expect(probesAt).toEqual([]);
    expect(clock.activeTimers).toBe(0);
  });

  it('a daemon with work in flight is probed at the floor', async () => {
    const { clock, probesAt } = setup(status('awake'));
    await clock.advance(4 * FLOOR);
    expect(probesAt).toEqual([FLOOR, 2 * FLOOR, 3 * FLOOR, 4 * FLOOR]);
  });

  it.each([
    ['jobs queued', status('backing-off', { queued: 1 })],
    ['jobs leased', status('hibernating', { leased: 1 })],
    ['a tick in flight', status('backing-off', { inFlight: true })],
  ])('%s count as work in flight: probed at the floor', async (_name, s) => {
    const { clock, probesAt, daemon } = setup(s);
    daemon.answer = s;
    await clock.advance(2 * FLOOR);
    expect(probesAt).toEqual([FLOOR, 2 * FLOOR]);
  });

  it('a daemon backing off with nothing to do is probed ever less often, down to the ceiling', async () => {
    const { clock, probesAt } = setup(status('backing-off'));
    await clock.advance(5 * 60_000);
    const gaps = probesAt.map((t, i) => t - (probesAt[i - 1] ?? 0));
    expect(gaps.slice(0, 5)).toEqual([5000, 10_000, 20_000, 30_000, 30_000]);
    expect(Math.max(...gaps)).toBe(CEILING);
  });

  it('a status event saying the daemon hibernates disarms the probe', async () => {
    const { clock, watchdog, probesAt } = setup(status('awake'));
    expect(clock.activeTimers).toBe(1);
    watchdog.observe(status('hibernating'));
    expect(clock.activeTimers).toBe(0);
    await clock.advance(10 * 60_000);
    expect(probesAt).toEqual([]);
  });

  it('a probe answered "hibernating" arms nothing more', async () => {
    const { clock, daemon, probesAt } = setup(status('awake'));
    daemon.answer = status('hibernating');
    await clock.advance(FLOOR);
    expect(probesAt).toEqual([FLOOR]);
    expect(clock.activeTimers).toBe(0);
    await clock.advance(10 * 60_000);
    expect(probesAt).toEqual([FLOOR]);
  });

  it('a status event saying the daemon is awake re-arms the probe at the floor', async () => {
    const { clock, watchdog, daemon, probesAt } = setup(status('hibernating'));
    await clock.advance(60_000);
    daemon.answer = status('awake');
    watchdog.observe(status('awake'));
    expect(clock.pendingDelays()).toEqual([FLOOR]);
    await clock.advance(FLOOR);
    expect(probesAt).toEqual([60_000 + FLOOR]);
  });

  it('work seen while backing off brings the probe forward to the floor', async () => {
    const { clock, watchdog } = setup(status('backing-off'));
    await clock.advance(FLOOR + 10_000 + 1000); // the third probe is armed 20 s out
    expect(clock.pendingDelays()).toEqual([19_000]);
    watchdog.observe(status('awake'));
    expect(clock.pendingDelays()).toEqual([FLOOR]);
  });

  it('a request sent to a hibernating daemon owes one probe at the floor, then none', async () => {
    const { clock, watchdog, probesAt } = setup(status('hibernating'));
    await clock.advance(60_000);
    watchdog.requestSent();
    watchdog.requestSent(); // a burst owes one probe, not one each
    expect(clock.pendingDelays()).toEqual([FLOOR]);
    await clock.advance(10 * 60_000);
    expect(probesAt).toEqual([60_000 + FLOOR]);
    expect(clock.activeTimers).toBe(0);
  });

  it('a request sent while a probe is in flight owes another probe', async () => {
    const { clock, watchdog, daemon, probesAt } = setup(status('awake'));
    daemon.answer = status('hibernating');
    daemon.deferred = true;
    await clock.advance(FLOOR); // the probe is in flight
    watchdog.requestSent(); // sent after it: its answer does not vouch for this request
    daemon.answerPending();
    await clock.flush();
    expect(clock.pendingDelays()).toEqual([FLOOR]);
    daemon.deferred = false;
    await clock.advance(10 * 60_000);
    expect(probesAt).toEqual([FLOOR, 2 * FLOOR]);
    expect(clock.activeTimers).toBe(0);
  });

  it(`a hung daemon with work in flight is found within ${(FLOOR + TIMEOUT) * FAILURES / 1000} s`, async () => {
    const { clock, daemon, events, unresponsiveAt } = setup(status('awake'));
    daemon.hung = true; // right after the handshake: the worst case is a full interval before the first probe
    await clock.advance(60_000);
    expect(events).toEqual(['failed 1', 'failed 2', 'failed 3', 'unresponsive 3']);
    expect(unresponsiveAt()).toBe(FAILURES * (FLOOR + TIMEOUT));
    expect(clock.activeTimers).toBe(0);
  });

  it(`a hung daemon backing off is found within ${(CEILING + TIMEOUT + (FAILURES - 1) * (FLOOR + TIMEOUT)) / 1000} s: failed probes return to the floor`, async () => {
    const { clock, daemon, events, probesAt, unresponsiveAt } = setup(status('backing-off'));
    await clock.advance(FLOOR + 10_000 + 20_000 + 30_000); // probes relaxed to the ceiling
    const hungAt = probesAt[probesAt.length - 1]!;
    daemon.hung = true;
    await clock.advance(5 * 60_000);
    expect(events.filter((e) => !e.startsWith('status'))).toEqual(['failed 1', 'failed 2', 'failed 3', 'unresponsive 3']);
    expect(unresponsiveAt()! - hungAt).toBe(CEILING + TIMEOUT + (FAILURES - 1) * (FLOOR + TIMEOUT));
  });

  it(`a daemon that hung while hibernating is found within ${(FLOOR + TIMEOUT) * FAILURES / 1000} s of the next request`, async () => {
    const { clock, watchdog, daemon, events, elapsed, unresponsiveAt } = setup(status('hibernating'));
    daemon.hung = true;
    await clock.advance(30 * 60_000);
    expect(events).toEqual([]);
    const sentAt = elapsed();
    watchdog.requestSent();
    await clock.advance(60_000);
    expect(events).toEqual(['failed 1', 'failed 2', 'failed 3', 'unresponsive 3']);
    expect(unresponsiveAt()! - sentAt).toBe(FAILURES * (FLOOR + TIMEOUT));
  });

  it('one answered probe clears the failures', async () => {
    const { clock, daemon, events } = setup(status('awake'));
    daemon.hung = true;
    await clock.advance(2 * (FLOOR + TIMEOUT));
    daemon.hung = false;
    await clock.advance(FLOOR);
    daemon.hung = true;
    await clock.advance(2 * (FLOOR + TIMEOUT));
    expect(events).toEqual(['failed 1', 'failed 2', 'status awake', 'failed 1', 'failed 2']);
  });

  it('a disposed watchdog arms nothing and reports nothing', async () => {
    const { clock, watchdog, daemon, events } = setup(status('awake'));
    daemon.hung = true;
    await clock.advance(FLOOR);
    watchdog.dispose();
    await clock.advance(60_000);
    watchdog.requestSent();
    watchdog.observe(status('awake'));
    expect(events).toEqual([]);
    expect(clock.activeTimers).toBe(0);
  });
});
