import { afterEach, describe, expect, it } from 'vitest';
import { DONE_RETENTION_MS, Reaper, type ReaperOptions } from '../../../src/daemon/queue/reaper';
import type { LoopState } from '../../../src/shared/status';
import { type QueueFixture, queueFixture, text } from './fixtures';

const INTERVAL = 10_000;
let fixture: QueueFixture;
let reaper: Reaper | null = null;
afterEach(() => {
  reaper?.dispose();
  reaper = null;
  fixture.cleanup();
});

function setup(extra: Partial<ReaperOptions> = {}, random = () => 0.5) {
  fixture = queueFixture();
  const reclaimed: number[] = [];
  const states: LoopState[] = [];
  reaper = new Reaper({
    clock: fixture.clock, log: fixture.log, queue: fixture.queue,
    intervalMs: () => INTERVAL, random,
    onReclaimed: (n) => reclaimed.push(n),
    ...extra,
  });
  reaper.onDidChangeState((s) => states.push(s));
  return { ...fixture, reaper, reclaimed, states };
}

describe('Reaper', () => {
  it('the first sweep runs at a random point within one interval', () => {
    const { reaper, clock } = setup({}, () => 0.3);
    reaper.start();
    expect(clock.pendingDelays()).toEqual([3_000]);
    expect(reaper.snapshot()).toMatchObject({ name: 'reaper', state: 'running', intervalMs: 3_000, nextPollDueMono: clock.monotonicNow() + 3_000 });
  });

  it('sweep intervals are jittered by 25% either way', async () => {
    let r = 0;
    const { reaper, queue, clock } = setup({}, () => r);
    queue.enqueue(text(1)); // keeps it awake
    reaper.start();
    await clock.flush();
    expect(clock.pendingDelays()).toEqual([7_500]);
    r = 0.999_9;
    await clock.runNext();
    expect(clock.pendingDelays()[0]).toBeCloseTo(12_500, -1);
  });

  it('expired leases are reclaimed and the loops are woken', async () => {
    const { reaper, queue, clock, reclaimed, settings } = setup();
    const sweeps: number[] = [];
    reaper.onDidSweep((s) => sweeps.push(s.reclaimed));
    queue.enqueue(text(1));
    queue.lease('capture', 1);
    reaper.start();
    await clock.advance(settings.leaseMs + INTERVAL);
    expect(reclaimed).toEqual([1]);
    expect(sweeps).toContain(1);
    expect(queue.view.counts).toMatchObject({ queued: 1, leased: 0 });
  });

  it('the reaper hibernates after two empty sweeps', async () => {
    const { reaper, clock, db, states } = setup();
    reaper.start();
    await clock.runNext();
    expect(reaper.currentState).toBe('running');
    await clock.runNext();
    expect(states).toEqual(['running', 'suspended']);
    expect(reaper.snapshot()).toMatchObject({ state: 'suspended', polls: 2, nextPollAt: null });
    expect(clock.activeTimers).toBe(0);
    const statements = db.statements;
    await clock.advance(10 * INTERVAL);
    expect(db.statements).toBe(statements); // a hibernating reaper runs no SQL
  });

  it('a queued job keeps the reaper awake', async () => {
    const { reaper, queue, clock } = setup();
    queue.enqueue(text(1));
    reaper.start();
    for (let i = 0; i < 5; i++) await clock.runNext();
    expect(reaper.currentState).toBe('running');
    expect(clock.activeTimers).toBe(1);
  });

  it('a leased job keeps the reaper awake until it finishes', async () => {
    const { reaper, queue, clock, settings } = setup();
    settings.leaseMs = 3_600_000; // long-running, not expired
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    reaper.start();
    for (let i = 0; i < 4; i++) await clock.runNext();
    expect(reaper.currentState).toBe('running');
    queue.complete(job!.id, job!.token);
    await clock.runNext();
    await clock.runNext();
    expect(reaper.currentState).toBe('suspended');
  });

  it('wake re-arms a hibernating reaper after a short jittered delay', async () => {
    const r = 0;
    const { reaper, clock, states } = setup({}, () => r);
    reaper.start();
    await clock.runNext();
    await clock.runNext();
    expect(reaper.currentState).toBe('suspended');
    reaper.wake('enqueue');
    expect(states.at(-1)).toBe('running');
    expect(clock.pendingDelays()).toEqual([750]);
    reaper.wake('enqueue again'); // already awake: no second timer
    expect(clock.activeTimers).toBe(1);
  });

  it('wake restarts the idle count of a running reaper', async () => {
    const { reaper, clock } = setup();
    reaper.start();
    await clock.runNext(); // one empty sweep
    reaper.wake('enqueue');
    await clock.runNext(); // one more empty sweep: only one since the wake
    expect(reaper.currentState).toBe('running');
    await clock.runNext();
    expect(reaper.currentState).toBe('suspended');
  });

  it('done jobs older than seven days are pruned by a sweep', async () => {
    const { reaper, queue, clock, settings } = setup();
    settings.leaseMs = 3_600_000; // long-running, not expired
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    queue.complete(job!.id, job!.token);
    clock.systemSleep(DONE_RETENTION_MS + 1);
    queue.enqueue(text(2));
    reaper.start();
    await clock.runNext();
    expect(queue.countStates()).toMatchObject({ done: 0, queued: 1 });
    expect(queue.view.counts.done).toBe(0);
  });

  it('a failing sweep is logged, counted, and never hibernates the reaper', async () => {
    const { reaper, clock, db, log } = setup();
    reaper.start();
    db.close();
    await clock.runNext();
    await clock.runNext();
    await clock.runNext();
    expect(reaper.currentState).toBe('running');
    expect(reaper.snapshot().consecutiveErrors).toBe(3);
    expect(log.lines.filter((l) => l.includes('ERROR') && l.includes('reaper sweep failed'))).toHaveLength(3);
  });

  it('suspend hibernates at once and wake brings it back', async () => {
    const { reaper, clock, queue } = setup();
    queue.enqueue(text(1));
    reaper.start();
    expect(reaper.suspend('editor idle')).toBe(true);
    expect(reaper.snapshot().state).toBe('suspended');
    expect(clock.activeTimers).toBe(0);
    reaper.wake('enqueue');
    expect(clock.activeTimers).toBe(1);
    reaper.stop();
    expect(reaper.suspend('after stop')).toBe(false);
  });

  it('stop is safe twice and leaves no timer', () => {
    const { reaper, clock, states } = setup();
    reaper.start();
    reaper.stop();
    reaper.stop();
    expect(clock.activeTimers).toBe(0);
    expect(states).toEqual(['running', 'stopped']);
    reaper.wake('after stop');
    expect(clock.activeTimers).toBe(0);
  });
});
