import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/shared/logger';
import { type Clock, ManualClock, timeoutSignal } from '../../../src/shared/clock';
import { type DispatchOptions, Dispatcher, type DispatcherOptions, JobCancelledError } from '../../../src/daemon/scheduling/dispatcher';
import { PollLoop } from '../../../src/daemon/scheduling/poll-loop';

interface Job {
  id: number;
}

/** A signal that never aborts: drain waits as long as the jobs take. */
const never = (): AbortSignal => new AbortController().signal;
/** A signal that aborts `ms` from now on the clock. */
const within = (clock: Clock, ms: number): AbortSignal => timeoutSignal(clock, ms, 'test deadline').signal;

/** A dispatcher over an in-memory queue; `overrides` replaces any of its constructor options. */
function harness(options: Partial<DispatchOptions> = {}, queue: number[] = [], overrides: Partial<DispatcherOptions<Job>> = {}) {
  const clock = new ManualClock();
  const log = memoryLogger();
  const h = {
    clock,
    log,
    queue: queue.map((id) => ({ id })),
    leaseCalls: [] as number[],
    started: [] as number[],
    finish: new Map<number, { resolve: () => void; reject: (e: unknown) => void }>(),
    freed: 0,
    options: { spawnsPerTick: 4, maxConcurrent: 4, spawnJitterMs: [0, 0] as [number, number], ...options },
    random: 0.5,
    dispatcher: undefined as unknown as Dispatcher<Job>,
  };
  h.dispatcher = new Dispatcher<Job>({
    name: 'capture',
    clock,
    log,
    options: () => h.options,
    // Paced by default here: the jitter rules below are about paced work.
    pacing: 'paced',
    random: () => h.random,
    onSlotFreed: () => void h.freed++,
    lease: (max) => {
      h.leaseCalls.push(max);
      return h.queue.splice(0, max);
    },
    run: (job) => {
      h.started.push(job.id);
      return new Promise<void>((resolve, reject) => h.finish.set(job.id, { resolve, reject }));
    },
    ...overrides,
  });
  return h;
}

describe('Dispatcher', () => {
  it('an empty queue is idle', async () => {
    const h = harness();
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'idle' });
    expect(h.leaseCalls).toEqual([4]);
  });

  it('leases min(free slots, spawnsPerTick) and starts them without awaiting completion', async () => {
    const h = harness({ spawnsPerTick: 2, maxConcurrent: 3 }, [1, 2, 3, 4, 5]);
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'work' });
    expect(h.started).toEqual([1, 2]);
    expect(h.dispatcher.inFlight).toBe(2);
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'work' });
    expect(h.leaseCalls).toEqual([2, 1]);
    expect(h.started).toEqual([1, 2, 3]);
    expect(h.dispatcher.inFlight).toBe(3);
  });

  it('a full pool is saturated without calling lease', async () => {
    const h = harness({ maxConcurrent: 2 }, [1, 2, 3]);
    await h.dispatcher.tick();
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'saturated' });
    expect(h.leaseCalls).toEqual([2]);
  });

  it('maxConcurrent 0 dispatches nothing and, with nothing in flight, is idle rather than saturated', async () => {
    const h = harness({ maxConcurrent: 0 }, [1]);
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'idle' });
    expect(h.leaseCalls).toEqual([]);
  });

  it('a pool shrunk below its jobs in flight is saturated, not idle', async () => {
    const h = harness({ maxConcurrent: 2 }, [1, 2, 3]);
    await h.dispatcher.tick();
    h.options.maxConcurrent = 0; // live reload while two jobs run
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'saturated' });
    expect(h.leaseCalls).toEqual([2]);
  });

  it('with maxConcurrent 0 and nothing in flight the loop backs off instead of polling at the floor', async () => {
    const h = harness({ maxConcurrent: 0 }, [1, 2]);
    const delays: Array<number | null> = [];
    const loop = new PollLoop({
      name: 'capture',
      clock: h.clock,
      log: h.log,
      tick: () => h.dispatcher.tick(),
      // suspendEnabled false: hibernation is the daemon's canSuspend concern; this is the cadence.
      cadence: { pollFloorMs: 250, pollCeilingMs: 30_000, backoffMultiplier: 1.5, backoffEnabled: true, suspendEnabled: false, suspendAfterMs: 300_000 },
    });
    loop.onDidTick((e) => delays.push(e.nextDelayMs));
    loop.start();
    for (let i = 0; i < 4; i++) await h.clock.runNext();
    expect(delays).toEqual([375, 562, 843, 1264]);
    expect(loop.snapshot().state).toBe('backing-off');
    expect(h.leaseCalls).toEqual([]);
    expect(h.started).toEqual([]);
    await loop.stop();
  });

  it('logs each start as start job <id> slot <k>/<n>', async () => {
    const h = harness({}, [7, 8, 9]);
    await h.dispatcher.tick();
    expect(h.log.lines.filter((l) => l.includes('start job')).map((l) => l.replace(/^.*INFO {2}/, ''))).toEqual([
      'start job 7 slot 1/3',
      'start job 8 slot 2/3',
      'start job 9 slot 3/3',
    ]);
  });

  it('unpaced work starts its whole batch at once, whatever spawnJitterMs says, and logs each slot', async () => {
    const h = harness({ spawnJitterMs: [100, 300] }, [1, 2, 3, 4], { pacing: 'unpaced' });
    const tick = h.dispatcher.tick();
    expect(h.clock.activeTimers).toBe(0);
    expect(await tick).toEqual({ outcome: 'work' });
    expect(h.started).toEqual([1, 2, 3, 4]);
    expect(h.clock.activeTimers).toBe(0);
    expect(h.log.lines.filter((l) => l.includes('start job')).map((l) => l.replace(/^.*INFO {2}/, ''))).toEqual([
      'start job 1 slot 1/4', 'start job 2 slot 2/4', 'start job 3 slot 3/4', 'start job 4 slot 4/4',
    ]);
  });

  it('paced work with jitter [0,0] pauses not at all', async () => {
    const h = harness({ spawnJitterMs: [0, 0] }, [1, 2, 3, 4]);
    const tick = h.dispatcher.tick();
    expect(h.clock.activeTimers).toBe(0);
    await tick;
    expect(h.started).toEqual([1, 2, 3, 4]);
    expect(h.clock.activeTimers).toBe(0);
  });

  it('paced work: a non-zero jitter pauses between successive starts, not before the first', async () => {
    const h = harness({ spawnJitterMs: [100, 300] }, [1, 2, 3]);
    h.random = 0.5; // 200 ms
    let result: unknown;
    void h.dispatcher.tick().then((r) => (result = r));
    expect(h.started).toEqual([1]);
    expect(h.dispatcher.inFlight).toBe(3); // the batch owns its slots while it starts
    await h.clock.advance(199);
    expect(h.started).toEqual([1]);
    await h.clock.advance(1);
    expect(h.started).toEqual([1, 2]);
    await h.clock.advance(200);
    expect(h.started).toEqual([1, 2, 3]);
    expect(result).toEqual({ outcome: 'work' });
  });

  it('a settled job frees its slot and calls onSlotFreed, whether it resolves or rejects', async () => {
    const h = harness({}, [1, 2]);
    await h.dispatcher.tick();
    h.finish.get(1)?.resolve();
    h.finish.get(2)?.reject(new Error('worker crashed'));
    await h.clock.flush();
    expect(h.dispatcher.inFlight).toBe(0);
    expect(h.freed).toBe(2);
    expect(h.log.lines.some((l) => l.includes('job 2 failed: worker crashed'))).toBe(true);
  });

  it('a run that throws synchronously still frees its slot', async () => {
    const h = harness({}, [1], {
      run: () => {
        throw new Error('sync');
      },
    });
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'work' });
    await h.clock.flush();
    expect(h.dispatcher.inFlight).toBe(0);
    expect(h.freed).toBe(1);
  });

  it('drain resolves true when in-flight jobs finish in time', async () => {
    const h = harness({}, [1, 2]);
    expect(await h.dispatcher.drain(never())).toBe(true); // nothing in flight
    await h.dispatcher.tick();
    let drained: boolean | undefined;
    void h.dispatcher.drain(never()).then((v) => (drained = v));
    await h.clock.advance(500);
    h.finish.get(1)?.resolve();
    await h.clock.flush();
    expect(drained).toBeUndefined();
    h.finish.get(2)?.resolve();
    await h.clock.flush();
    expect(drained).toBe(true);
    expect(h.clock.activeTimers).toBe(0);
  });

  it('drain resolves false when its signal aborts first', async () => {
    const h = harness({}, [1]);
    await h.dispatcher.tick();
    let drained: boolean | undefined;
    void h.dispatcher.drain(within(h.clock, 1_000)).then((v) => (drained = v));
    await h.clock.advance(999);
    expect(drained).toBeUndefined();
    await h.clock.advance(1);
    expect(drained).toBe(false);
  });

  it('cancel aborts the signal every started job was given, and drain then sees them settle', async () => {
    const signals: AbortSignal[] = [];
    const h = harness({}, [1, 2], {
      run: (job, signal) => {
        signals.push(signal);
        h.started.push(job.id);
        // A handler that stops early: it settles as soon as its signal aborts.
        return new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    await h.dispatcher.tick();
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
    let drained: boolean | undefined;
    void h.dispatcher.drain(never()).then((v) => (drained = v));
    h.dispatcher.cancel('stop timed out');
    await h.clock.flush();
    expect(signals.every((s) => s.aborted && s.reason instanceof JobCancelledError)).toBe(true);
    expect(drained).toBe(true);
    expect(h.dispatcher.inFlight).toBe(0);
  });

  it('jobs waiting in the jitter pause are not started after stop and are handed back', async () => {
    const abandoned: number[][] = [];
    // random 0.5: 200 ms between starts.
    const h = harness({ spawnJitterMs: [100, 300] }, [1, 2, 3, 4], {
      onAbandoned: (jobs) => void abandoned.push(jobs.map((j) => j.id)),
    });
    let result: unknown;
    void h.dispatcher.tick().then((r) => (result = r));
    await h.clock.advance(200);
    expect(h.started).toEqual([1, 2]);
    expect(h.dispatcher.inFlight).toBe(4);
    let drained: boolean | undefined;
    void h.dispatcher.drain(never()).then((v) => (drained = v));
    h.dispatcher.stop();
    await h.clock.flush();
    // Handed back at once, not when the pause would have ended; the pause timer is gone.
    expect(abandoned).toEqual([[3, 4]]);
    expect(result).toEqual({ outcome: 'work' });
    expect(h.dispatcher.inFlight).toBe(2);
    expect(h.freed).toBe(0); // abandoning frees no slot to refill
    await h.clock.advance(5_000);
    expect(h.started).toEqual([1, 2]);
    // A stopped dispatcher leases nothing more.
    expect(await h.dispatcher.tick()).toEqual({ outcome: 'idle' });
    expect(h.leaseCalls).toEqual([4]);
    // drain still waits for the started jobs, and resolves once they settle.
    expect(drained).toBeUndefined();
    h.finish.get(1)?.resolve();
    h.finish.get(2)?.resolve();
    await h.clock.flush();
    expect(drained).toBe(true);
    expect(h.clock.activeTimers).toBe(0);
  });

  it('drain resolves when stop abandons the last jobs of a batch', async () => {
    const h = harness({ spawnJitterMs: [100, 100] }, [1, 2]);
    void h.dispatcher.tick();
    h.finish.get(1)?.resolve();
    await h.clock.flush();
    expect(h.dispatcher.inFlight).toBe(1); // job 2 waits out the pause
    let drained: boolean | undefined;
    void h.dispatcher.drain(never()).then((v) => (drained = v));
    h.dispatcher.stop(); // no onAbandoned: the jobs stay leased, and that is logged
    await h.clock.flush();
    expect(drained).toBe(true);
    expect(h.started).toEqual([1]);
    expect(h.log.lines.some((l) => l.includes('not started: 2'))).toBe(true);
  });

  it('a freed slot wakes a saturated PollLoop', async () => {
    // The loop is built after the harness; the dispatcher reaches it only once a slot frees.
    let loop: PollLoop | undefined;
    const h = harness({ maxConcurrent: 1 }, [1, 2], { onSlotFreed: () => loop?.wake('slot freed') });
    loop = new PollLoop({
      name: 'capture',
      clock: h.clock,
      log: h.log,
      tick: () => h.dispatcher.tick(),
      cadence: { pollFloorMs: 250, pollCeilingMs: 30_000, backoffMultiplier: 1.5, backoffEnabled: true, suspendEnabled: true, suspendAfterMs: 300_000 },
    });
    loop.start();
    await h.clock.advance(1_000); // job 1 runs; later ticks are saturated
    expect(h.started).toEqual([1]);
    h.finish.get(1)?.resolve();
    await h.clock.flush(); // the wake's delay-0 tick starts job 2 at once
    expect(h.started).toEqual([1, 2]);
    await loop.stop();
  });
});
