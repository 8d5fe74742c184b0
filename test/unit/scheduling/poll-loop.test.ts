import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/shared/event';
import { memoryLogger } from '../../../src/shared/logger';
import type { LoopSnapshot } from '../../../src/daemon/scheduling/loop-snapshot';
import type { CadenceOptions } from '../../../src/daemon/scheduling/cadence';
import { ManualClock } from '../../../src/shared/clock';
import { PollLoop, type TickEvent, type TickResult } from '../../../src/daemon/scheduling/poll-loop';

const base: CadenceOptions = {
  pollFloorMs: 100,
  pollCeilingMs: 1_000,
  backoffMultiplier: 1.5,
  backoffEnabled: true,
  suspendEnabled: true,
  suspendAfterMs: 10_000,
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function harness(cadence: Partial<CadenceOptions> = {}, canSuspend?: () => boolean) {
  const clock = new ManualClock();
  const log = memoryLogger();
  const h = {
    clock,
    log,
    ticks: 0,
    active: 0,
    maxActive: 0,
    next: async (): Promise<TickResult> => ({ outcome: 'idle' }),
    events: [] as TickEvent[],
    states: [] as LoopSnapshot['state'][],
    delays: () => h.events.map((e) => e.nextDelayMs),
    loop: undefined as unknown as PollLoop,
  };
  h.loop = new PollLoop({
    name: 'test',
    clock,
    log,
    canSuspend,
    cadence: { ...base, ...cadence },
    tick: async () => {
      h.ticks++;
      h.active++;
      h.maxActive = Math.max(h.maxActive, h.active);
      try {
        return await h.next();
      } finally {
        h.active--;
      }
    },
  });
  h.loop.onDidTick((e) => h.events.push(e));
  h.loop.onDidChangeState((s) => h.states.push(s.state));
  return h;
}

/** Starts the loop and runs `n` ticks (the first at once, then each at its armed delay). */
async function runTicks(h: ReturnType<typeof harness>, n: number): Promise<void> {
  h.loop.start();
  const target = h.ticks + n;
  while (h.ticks < target) {
    if (!(await h.clock.runNext())) break;
  }
}

describe('PollLoop cadence', () => {
  it('real work snaps the delay to the floor; an empty tick multiplies it by 1.5 up to the ceiling', async () => {
    const h = harness();
    await runTicks(h, 8);
    expect(h.delays()).toEqual([150, 225, 337, 505, 757, 1000, 1000, 1000]);
    h.next = async () => ({ outcome: 'work' });
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(100);
    expect(h.clock.pendingDelays()).toEqual([100]);
  });

  it('a suspended loop arms no timer at all', async () => {
    const h = harness({ suspendAfterMs: 1_000 });
    await runTicks(h, 100);
    expect(h.loop.snapshot().state).toBe('suspended');
    expect(h.clock.activeTimers).toBe(0);
    const ticks = h.ticks;
    await h.clock.advance(3_600_000);
    expect(h.ticks).toBe(ticks);
  });

  it('the loop suspends when the idle accumulator passes suspendAfterMs', async () => {
    // Waits: 0 (start), 200, 400, 800 -> 1400 >= 1000 after the 4th empty tick.
    const h = harness({ backoffMultiplier: 2, suspendAfterMs: 1_000 });
    const suspended = waitFor(h.loop.onDidChangeState, (s) => s.state === 'suspended');
    await runTicks(h, 10);
    const snap = await suspended;
    expect(h.ticks).toBe(4);
    expect(h.delays()).toEqual([200, 400, 800, null]);
    expect(snap.nextPollAt).toBeNull();
    expect(snap.nextPollDueMono).toBeNull();
  });

  it('a canSuspend veto keeps the backed-off cadence instead of suspending', async () => {
    let allow = false;
    const h = harness({ suspendAfterMs: 1_000 }, () => allow);
    await runTicks(h, 20);
    expect(h.loop.snapshot().state).toBe('backing-off');
    expect(h.clock.pendingDelays()).toEqual([1_000]);
    allow = true;
    await runTicks(h, 1);
    expect(h.loop.snapshot().state).toBe('suspended');
    expect(h.clock.activeTimers).toBe(0);
  });

  it('a canSuspend that throws counts as a veto', async () => {
    const h = harness({ suspendAfterMs: 1_000 }, () => {
      throw new Error('queue unreadable');
    });
    await runTicks(h, 20);
    expect(h.loop.snapshot().state).toBe('backing-off');
    expect(h.log.lines.some((l) => l.includes('canSuspend failed: queue unreadable'))).toBe(true);
  });

  it('suspendAfterMs 0 never hibernates', async () => {
    const h = harness({ suspendAfterMs: 0 });
    await runTicks(h, 50);
    expect(h.loop.snapshot().state).toBe('backing-off');
    expect(h.clock.pendingDelays()).toEqual([1_000]);
  });

  it('suspendEnabled false keeps a steady backoff forever', async () => {
    const h = harness({ suspendEnabled: false, suspendAfterMs: 500 });
    await runTicks(h, 50);
    expect(h.loop.snapshot().state).toBe('backing-off');
    expect(h.delays().slice(-5)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(h.loop.suspend('editor idle')).toBe(false);
  });

  it('backoffEnabled false polls at a flat floor cadence', async () => {
    const h = harness({ backoffEnabled: false, suspendAfterMs: 500 });
    await runTicks(h, 30);
    expect(new Set(h.delays())).toEqual(new Set([100]));
    expect(h.loop.snapshot().state).toBe('running');
  });

  it('the next delay is clamped to the nextDeadline, never below the minimum', async () => {
    const h = harness();
    await runTicks(h, 6); // backed off to 1000
    h.next = async () => ({ outcome: 'idle', nextDeadline: h.clock.now() + 300 });
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(300);
    h.next = async () => ({ outcome: 'idle', nextDeadline: h.clock.now() - 10_000 });
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(5);
  });

  it('saturated leaves idle backoff untouched', async () => {
    const h = harness();
    await runTicks(h, 3);
    expect(h.delays().at(-1)).toBe(337);
    h.next = async () => ({ outcome: 'saturated' });
    await runTicks(h, 3);
    expect(h.delays().slice(-3)).toEqual([337, 337, 337]);
  });
});

describe('PollLoop wake', () => {
  it('wake resets the backoff and runs a tick at once on a hibernated loop', async () => {
    const h = harness({ suspendAfterMs: 1_000 });
    await runTicks(h, 100);
    expect(h.loop.snapshot().state).toBe('suspended');
    const ticks = h.ticks;
    h.loop.wake('file saved');
    expect(h.clock.pendingDelays()).toEqual([0]);
    expect(h.loop.snapshot().state).toBe('running');
    await h.clock.flush();
    expect(h.ticks).toBe(ticks + 1);
    expect(h.delays().at(-1)).toBe(150); // backoff restarted from the floor
  });

  it('wake pulls a merely backed-off loop’s pending timer forward', async () => {
    const h = harness();
    await runTicks(h, 6);
    expect(h.clock.pendingDelays()).toEqual([1_000]);
    const ticks = h.ticks;
    h.loop.wake('recall request');
    expect(h.clock.pendingDelays()).toEqual([0]);
    await h.clock.flush();
    expect(h.ticks).toBe(ticks + 1);
    expect(h.clock.pendingDelays()).toEqual([150]);
  });

  it('wake is a no-op on a never-started or stopped loop', async () => {
    const h = harness();
    h.loop.wake('early');
    expect(h.clock.activeTimers).toBe(0);
    await h.clock.advance(1_000);
    expect(h.ticks).toBe(0);
    h.loop.start();
    await h.clock.flush();
    await h.loop.stop();
    h.loop.wake('late');
    expect(h.clock.activeTimers).toBe(0);
    await h.clock.advance(10_000);
    expect(h.ticks).toBe(1);
  });

  it('many wakes arm one timer and run one tick', async () => {
    const h = harness();
    await runTicks(h, 4);
    const ticks = h.ticks;
    for (let i = 0; i < 10; i++) h.loop.wake(`burst ${i}`);
    expect(h.clock.activeTimers).toBe(1);
    await h.clock.flush();
    expect(h.ticks).toBe(ticks + 1);
    expect(h.clock.activeTimers).toBe(1);
  });

  it('wake during an in-flight tick is not lost', async () => {
    const h = harness();
    await runTicks(h, 5); // backed off
    const gate = deferred<TickResult>();
    h.next = () => gate.promise;
    await h.clock.runNext();
    expect(h.loop.snapshot().inFlight).toBe(true);
    h.loop.wake('job enqueued mid-tick');
    expect(h.clock.activeTimers).toBe(0); // nothing armed while the tick is in flight
    h.next = async () => ({ outcome: 'idle' });
    const after = waitFor(h.loop.onDidTick);
    gate.resolve({ outcome: 'idle' });
    // Its idle outcome must not re-apply backoff over the wake: another tick runs at once.
    expect((await after).nextDelayMs).toBe(0);
    const ticks = h.ticks;
    await h.clock.flush();
    expect(h.ticks).toBe(ticks + 1);
    expect(h.delays().at(-1)).toBe(150);
  });

  it('a wake during a failing tick is not delayed by error backoff', async () => {
    const h = harness();
    await runTicks(h, 5); // backed off
    const gate = deferred<TickResult>();
    h.next = () => gate.promise;
    await h.clock.runNext();
    h.loop.wake('job enqueued mid-tick');
    const after = waitFor(h.loop.onDidTick);
    gate.reject(new Error('db busy'));
    const event = await after;
    // The error is recorded and logged, but the wake's tick runs at once, not 2 x floor later.
    expect(event).toMatchObject({ outcome: 'error', nextDelayMs: 0 });
    expect(h.log.lines.some((l) => l.includes('tick failed') && l.includes('db busy'))).toBe(true);
    expect(h.loop.snapshot()).toMatchObject({ state: 'running', consecutiveErrors: 1 });
    expect(h.clock.pendingDelays()).toEqual([0]);
    // Without a pending wake, a failure still backs off (the count continues: 2 errors, 4 x floor).
    h.next = async () => {
      throw new Error('db still busy');
    };
    const ticks = h.ticks;
    await h.clock.flush();
    expect(h.ticks).toBe(ticks + 1);
    expect(h.delays().at(-1)).toBe(400);
    expect(h.loop.snapshot()).toMatchObject({ state: 'backing-off', consecutiveErrors: 2 });
  });
});

describe('PollLoop lifecycle', () => {
  it('start is idempotent', async () => {
    const h = harness();
    h.loop.start();
    h.loop.start();
    expect(h.clock.activeTimers).toBe(1);
    await h.clock.flush();
    expect(h.ticks).toBe(1);
  });

  it('ticks never overlap', async () => {
    const h = harness();
    const gates: Array<(r: TickResult) => void> = [];
    h.next = () => new Promise((resolve) => gates.push(resolve));
    h.loop.start();
    await h.clock.flush();
    for (let i = 0; i < 5; i++) {
      h.loop.wake('storm');
      await h.clock.advance(1_000);
    }
    expect(h.ticks).toBe(1);
    gates.shift()?.({ outcome: 'work' });
    await h.clock.flush();
    expect(h.ticks).toBe(2);
    expect(h.maxActive).toBe(1);
  });

  it('a tick that throws applies error backoff, is logged, and the loop keeps going', async () => {
    const h = harness();
    let n = 0;
    h.next = () => {
      n++;
      if (n % 2) throw new Error(`boom ${n}`); // synchronous throw
      return Promise.reject(new Error(`rejected ${n}`));
    };
    await runTicks(h, 4);
    expect(h.events.map((e) => e.outcome)).toEqual(['error', 'error', 'error', 'error']);
    expect(h.delays()).toEqual([200, 400, 800, 1_600]);
    expect(h.log.lines.filter((l) => l.includes('tick failed'))).toHaveLength(4);
    expect(h.loop.snapshot()).toMatchObject({ state: 'backing-off', consecutiveErrors: 4 });
    h.next = async () => ({ outcome: 'work' });
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(100);
    expect(h.loop.snapshot()).toMatchObject({ state: 'running', consecutiveErrors: 0 });
  });

  it('error backoff caps at 60 s', async () => {
    const h = harness();
    h.next = async () => {
      throw new Error('db locked');
    };
    await runTicks(h, 12);
    expect(Math.max(...h.delays().map(Number))).toBe(60_000);
    expect(h.delays().at(-1)).toBe(60_000);
  });

  it('error backoff is separate from idle backoff', async () => {
    const h = harness();
    await runTicks(h, 3); // idle delay 337
    h.next = async () => {
      throw new Error('transient');
    };
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(200); // error backoff starts from the floor, not from 337
    h.next = async () => ({ outcome: 'idle' });
    await runTicks(h, 1);
    expect(h.delays().at(-1)).toBe(505); // idle backoff resumes where it was
  });

  it('stop waits for the in-flight tick, is safe twice, and arms nothing after', async () => {
    const h = harness();
    const gate = deferred<TickResult>();
    h.next = () => gate.promise;
    h.loop.start();
    await h.clock.flush();
    let stopped = false;
    const stopping = h.loop.stop().then(() => (stopped = true));
    await h.clock.flush();
    expect(stopped).toBe(false);
    gate.resolve({ outcome: 'work' });
    await stopping;
    await h.loop.stop();
    expect(h.clock.activeTimers).toBe(0);
    expect(h.events.at(-1)?.nextDelayMs).toBeNull();
    expect(h.loop.snapshot().state).toBe('stopped');
  });

  it('suspend hibernates now, but not while a tick is in flight or vetoed', async () => {
    let allow = true;
    const h = harness({}, () => allow);
    await runTicks(h, 2);
    allow = false;
    expect(h.loop.suspend('editor idle')).toBe(false);
    expect(h.clock.activeTimers).toBe(1);
    allow = true;
    const gate = deferred<TickResult>();
    h.next = () => gate.promise;
    await h.clock.runNext();
    expect(h.loop.suspend('editor idle')).toBe(false);
    gate.resolve({ outcome: 'idle' });
    await h.clock.flush();
    expect(h.loop.suspend('editor idle')).toBe(true);
    expect(h.clock.activeTimers).toBe(0);
    expect(h.loop.snapshot()).toMatchObject({ state: 'suspended', nextPollAt: null, nextPollDueMono: null });
  });

  it('updateCadence re-arms the pending timer by the new cadence', async () => {
    const h = harness();
    await runTicks(h, 6);
    expect(h.clock.pendingDelays()).toEqual([1_000]);
    await h.clock.advance(100);
    h.loop.updateCadence({ ...base, pollCeilingMs: 400 });
    expect(h.clock.activeTimers).toBe(1);
    expect(h.clock.pendingDelays()).toEqual([300]); // 400 since it was armed, 100 already waited
    expect(h.loop.snapshot().intervalMs).toBe(400);
  });

  it('updateCadence keeps a suspended loop suspended unless the new settings forbid suspension', async () => {
    const h = harness({ suspendAfterMs: 1_000 });
    await runTicks(h, 100);
    h.loop.updateCadence({ ...base, suspendAfterMs: 2_000 });
    expect(h.loop.snapshot().state).toBe('suspended');
    expect(h.clock.activeTimers).toBe(0);
    h.loop.updateCadence({ ...base, suspendEnabled: false });
    expect(h.loop.snapshot().state).toBe('backing-off');
    expect(h.clock.activeTimers).toBe(1);
  });
});

describe('PollLoop snapshot', () => {
  it('records lastPollStarted before the tick awaits and lastPollCompleted when it settles', async () => {
    const h = harness();
    const gate = deferred<TickResult>();
    h.next = () => gate.promise;
    h.loop.start();
    await h.clock.flush();
    const startedMono = h.clock.monotonicNow();
    const inFlight = h.loop.snapshot();
    expect(inFlight).toMatchObject({
      state: 'running',
      inFlight: true,
      polls: 1,
      lastPollStartedAt: h.clock.now(),
      lastPollStartedMono: startedMono,
      lastPollCompletedAt: null,
      nextPollAt: null,
      nextPollDueMono: null,
    });
    await h.clock.advance(40);
    gate.resolve({ outcome: 'idle' });
    await h.clock.flush();
    const done = h.loop.snapshot();
    expect(done).toMatchObject({
      state: 'backing-off',
      inFlight: false,
      intervalMs: 150,
      lastPollCompletedMono: startedMono + 40,
      lastPollCompletedAt: h.clock.now(),
      nextPollAt: h.clock.now() + 150,
      nextPollDueMono: startedMono + 40 + 150,
    });
  });

  it('state is running at the floor, backing-off above it, stopped before start and after stop', async () => {
    const h = harness();
    expect(h.loop.snapshot().state).toBe('stopped');
    h.next = async () => ({ outcome: 'work' });
    await runTicks(h, 1);
    expect(h.loop.snapshot()).toMatchObject({ state: 'running', intervalMs: 100 });
    h.next = async () => ({ outcome: 'idle' });
    await runTicks(h, 1);
    expect(h.loop.snapshot()).toMatchObject({ state: 'backing-off', intervalMs: 150 });
    await h.loop.stop();
    expect(h.loop.snapshot()).toMatchObject({ state: 'stopped', nextPollAt: null, nextPollDueMono: null });
  });

  it('onDidChangeState fires on transitions only, not every tick', async () => {
    const h = harness({ suspendAfterMs: 2_000 });
    await runTicks(h, 100);
    h.loop.wake('save');
    await h.clock.flush();
    await h.loop.stop();
    expect(h.states).toEqual(['running', 'backing-off', 'suspended', 'running', 'backing-off', 'stopped']);
  });
});
