import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/shared/logger';
import { isLoopStale } from '../../../src/daemon/health/staleness';
import { ManualClock } from '../../../src/shared/clock';
import type { LoopSnapshot } from '../../../src/daemon/scheduling/loop-snapshot';
import { PollLoop, type TickResult } from '../../../src/daemon/scheduling/poll-loop';

const THRESHOLD = 60_000;
const NOW = 10_000_000;

function snap(over: Partial<LoopSnapshot>): LoopSnapshot {
  return {
    name: 'capture',
    state: 'running',
    intervalMs: 250,
    polls: 10,
    inFlight: false,
    consecutiveErrors: 0,
    lastPollStartedAt: null,
    lastPollCompletedAt: null,
    nextPollAt: null,
    lastPollStartedMono: NOW - 1_000,
    lastPollCompletedMono: NOW - 900,
    nextPollDueMono: NOW + 250,
    ...over,
  };
}

function loopOn(clock: ManualClock, tick: () => Promise<TickResult>, suspendAfterMs = 300_000) {
  return new PollLoop({
    name: 'capture',
    clock,
    tick,
    log: memoryLogger(),
    cadence: { pollFloorMs: 250, pollCeilingMs: 30_000, backoffMultiplier: 1.5, backoffEnabled: true, suspendEnabled: true, suspendAfterMs },
  });
}

describe('isLoopStale', () => {
  it('a tick in flight longer than the threshold is stale', () => {
    const s = snap({ inFlight: true, nextPollDueMono: null, lastPollStartedMono: NOW - THRESHOLD - 1 });
    expect(isLoopStale(s, NOW, THRESHOLD)).toBe(true);
    expect(isLoopStale({ ...s, lastPollStartedMono: NOW - THRESHOLD }, NOW, THRESHOLD)).toBe(false);
  });

  it('a poll overdue by more than the threshold without completing is stale', () => {
    const s = snap({ nextPollDueMono: NOW - THRESHOLD - 1, lastPollCompletedMono: NOW - THRESHOLD - 500 });
    expect(isLoopStale(s, NOW, THRESHOLD)).toBe(true);
    expect(isLoopStale({ ...s, nextPollDueMono: NOW - 10 }, NOW, THRESHOLD)).toBe(false);
  });

  it('suspended or stopped loops are never stale', () => {
    for (const state of ['suspended', 'stopped'] as const) {
      const s = snap({ state, inFlight: true, nextPollDueMono: NOW - 10 * THRESHOLD, lastPollStartedMono: NOW - 10 * THRESHOLD });
      expect(isLoopStale(s, NOW, THRESHOLD)).toBe(false);
    }
  });

  it('a backed-off loop waiting for its timer is not stale', () => {
    const s = snap({ state: 'backing-off', intervalMs: 30_000, lastPollCompletedMono: NOW - 29_000, nextPollDueMono: NOW + 1_000 });
    expect(isLoopStale(s, NOW, 1_000)).toBe(false);
  });

  it('a wedged tick on a real PollLoop becomes stale after the threshold', async () => {
    const clock = new ManualClock();
    const loop = loopOn(clock, () => new Promise<TickResult>(() => {})); // never settles
    loop.start();
    await clock.flush();
    expect(loop.snapshot().inFlight).toBe(true);
    await clock.advance(THRESHOLD);
    expect(isLoopStale(loop.snapshot(), clock.monotonicNow(), THRESHOLD)).toBe(false);
    await clock.advance(1);
    expect(isLoopStale(loop.snapshot(), clock.monotonicNow(), THRESHOLD)).toBe(true);
  });

  it('system sleep does not count: only monotonic time judges', async () => {
    const clock = new ManualClock();
    const loop = loopOn(clock, async () => ({ outcome: 'idle' }), 0);
    loop.start();
    for (let i = 0; i < 20; i++) await clock.runNext(); // backed off to the ceiling
    expect(loop.snapshot().state).toBe('backing-off');
    clock.systemSleep(8 * 3_600_000); // a night asleep, timers frozen
    expect(isLoopStale(loop.snapshot(), clock.monotonicNow(), THRESHOLD)).toBe(false);
    const wedged = loopOn(clock, () => new Promise<TickResult>(() => {}));
    wedged.start();
    await clock.flush();
    clock.systemSleep(8 * 3_600_000);
    expect(isLoopStale(wedged.snapshot(), clock.monotonicNow(), THRESHOLD)).toBe(false);
    await loop.stop();
  });

  it('a healthy loop ticking on its cadence is never stale', async () => {
    const clock = new ManualClock();
    const loop = loopOn(clock, async () => ({ outcome: 'idle' }), 0);
    loop.start();
    for (let i = 0; i < 40; i++) {
      await clock.runNext();
      expect(isLoopStale(loop.snapshot(), clock.monotonicNow(), 1_000)).toBe(false);
    }
    await loop.stop();
  });
});
