// A stop's part for the jobs in flight, on a real queue (a SQLite file) and the daemon's own
// workers and job runner, with time driven by a ManualClock: jobs get the drain to finish; those
// still running are cancelled through their signal and handed back to the queue, attempt
// refunded, so the next start runs them; one that ignores its signal stays leased, and the next
// start re-queues it. Never failed, never lost.
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonCounters } from '../../../src/daemon/counters';
import { DiskFullState } from '../../../src/daemon/health/disk-full';
import { CompletionGroup } from '../../../src/daemon/queue/completion-scope';
import { RetryAlarm } from '../../../src/daemon/queue/retry-alarm';
import { JobCancelledError } from '../../../src/daemon/scheduling/dispatcher';
import { type JobHandler, JobRunner } from '../../../src/daemon/scheduling/job-runner';
import { WorkerLoops } from '../../../src/daemon/scheduling/worker-loops';
import { DamageWatch } from '../../../src/daemon/store/damage-watch';
import { defaultSettings } from '../../../src/shared/settings';
import { type QueueFixture, queueFixture, row, text } from '../queue/fixtures';

const DRAIN_MS = 10_000;
const GRACE_MS = 1_000;
const fixtures: QueueFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

/** The daemon's workers over a real queue, with `capture` jobs run by `handle`. */
function workersOver(f: QueueFixture, handle: JobHandler) {
  const counters = new DaemonCounters();
  const retryAlarm = new RetryAlarm({ clock: f.clock, log: f.log, earliestRetryAt: (after) => f.queue.view.nextRetryAfter(after), onDue: () => {} });
  const runner = new JobRunner({
    queue: f.queue,
    completions: new CompletionGroup(f.db, f.queue),
    counters,
    diskFull: new DiskFullState(f.dir, () => f.clock.now(), () => {}),
    damage: new DamageWatch(f.log),
    retryAlarm,
    onStarted: () => {},
  });
  const settings = { ...defaultSettings(), spawnJitterMs: [0, 0] as [number, number] };
  const workers = new WorkerLoops({
    handlers: [['capture', handle]],
    queue: f.queue,
    runner,
    clock: f.clock,
    log: f.log,
    settings: () => settings,
    cadence: { pollFloorMs: 250, pollCeilingMs: 30_000, backoffMultiplier: 1.5, backoffEnabled: true, suspendEnabled: true, suspendAfterMs: 300_000 },
    onTicked: () => {},
  });
  return { workers, counters, retryAlarm };
}

/** A handler with many units of work that checks its signal between them; each unit waits for `step()`. */
function stepwiseHandler() {
  let next: (() => void) | null = null;
  const seen: { signal: AbortSignal | null; units: number } = { signal: null, units: 0 };
  const handle: JobHandler = async (_job, _commit, signal) => {
    seen.signal = signal;
    for (;;) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        next = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      seen.units++;
    }
  };
  return { handle, seen, step: () => next?.() };
}

async function startOneJob(f: QueueFixture, handle: JobHandler) {
  const id = f.queue.enqueue(text('long job'));
  const w = workersOver(f, handle);
  w.workers.start();
  await f.clock.flush();
  expect(row(f.db, id)).toMatchObject({ state: 'leased', attempts: 1 }); // precondition: the job is in flight
  expect(w.workers.inFlight).toBe(1);
  return { id, ...w };
}

describe('stop and the jobs in flight', () => {
  it('stop aborts an in-flight job that outlives the drain, and the job stays queued for the next start', async () => {
    const f = queueFixture();
    fixtures.push(f);
    const h = stepwiseHandler();
    const { id, workers, counters } = await startOneJob(f, h.handle);
    h.step();
    await f.clock.flush();
    expect(h.seen.units).toBe(1);

    await workers.stopStarting();
    let outcome: string | undefined;
    void workers.finish({ drainMs: DRAIN_MS, cancelGraceMs: GRACE_MS }).then((o) => (outcome = o));
    await f.clock.advance(DRAIN_MS - 1);
    // The drain gives the job its time: not cancelled yet.
    expect(h.seen.signal!.aborted).toBe(false);
    expect(outcome).toBeUndefined();
    await f.clock.advance(1);
    expect(h.seen.signal!.aborted).toBe(true);
    expect(h.seen.signal!.reason).toBeInstanceOf(JobCancelledError);
    expect(outcome).toBe('cancelled');

    // Back in the queue with its attempt refunded: not failed, not dead, not lost.
    expect(row(f.db, id)).toMatchObject({ state: 'queued', attempts: 0, lease_token: null });
    expect(counters.jobsFailed).toBe(0);
    expect(f.queue.view.counts).toMatchObject({ queued: 1, leased: 0, retrying: 0, dead: 0 });
    expect(f.log.lines.some((l) => l.includes(`job ${id} cancelled`) && l.includes('back in the queue'))).toBe(true);
    workers.dispose();

    // The next start leases and runs it.
    const next = f.reopen();
    fixtures.push(next);
    expect(next.queue.recoverLeased()).toBe(0);
    expect(next.queue.lease('capture', 1).map((j) => j.id)).toEqual([id]);
  });

  it('a job that finishes within the drain completes, and stop cancels nothing', async () => {
    const f = queueFixture();
    fixtures.push(f);
    let signal: AbortSignal | null = null;
    let finish!: () => void;
    const { id, workers, counters } = await startOneJob(f, async (_job, _commit, s) => {
      signal = s;
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await workers.stopStarting();
    let outcome: string | undefined;
    void workers.finish({ drainMs: DRAIN_MS, cancelGraceMs: GRACE_MS }).then((o) => (outcome = o));
    await f.clock.advance(DRAIN_MS / 2);
    finish();
    await f.clock.flush();
    expect(outcome).toBe('drained');
    expect(signal!.aborted).toBe(false);
    f.queue.flushCompletions();
    expect(row(f.db, id)).toMatchObject({ state: 'done' });
    expect(counters.jobsCompleted).toBe(1);
    expect(f.clock.activeTimers).toBe(0); // the drain deadline went with the drain
  });

  it('a job that ignores its cancellation stays leased through the stop, and the next start re-queues it', async () => {
    const f = queueFixture();
    fixtures.push(f);
    const { id, workers } = await startOneJob(f, () => new Promise<void>(() => {}));
    await workers.stopStarting();
    let outcome: string | undefined;
    void workers.finish({ drainMs: DRAIN_MS, cancelGraceMs: GRACE_MS }).then((o) => (outcome = o));
    await f.clock.advance(DRAIN_MS + GRACE_MS);
    expect(outcome).toBe('left-leased');
    expect(row(f.db, id)).toMatchObject({ state: 'leased' });

    const next = f.reopen();
    fixtures.push(next);
    expect(next.queue.recoverLeased()).toBe(1);
    expect(row(next.db, id)).toMatchObject({ state: 'queued' });
  });
});
