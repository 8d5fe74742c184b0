// The cancellable pause and the bounded wait, on a ManualClock: time moves only when the test says so.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { delay } from '../../../src/shared/delay';
import { raceTimeout } from '../../../src/shared/race-timeout';

function tracked<T>(promise: Promise<T>) {
  const state = { done: false, value: undefined as T | undefined };
  void promise.then((value) => Object.assign(state, { done: true, value }));
  return state;
}

describe('delay', () => {
  it('resolves once the clock passes the delay, and not before', async () => {
    const clock = new ManualClock();
    const waited = tracked(delay(clock, 100));
    await clock.advance(99);
    expect(waited.done).toBe(false);
    await clock.advance(1);
    expect(waited.done).toBe(true);
    expect(clock.activeTimers).toBe(0);
  });

  it('an abort cuts it short and disarms its timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const waited = tracked(delay(clock, 60_000, controller.signal));
    controller.abort();
    await clock.flush();
    expect(waited.done).toBe(true);
    expect(clock.activeTimers).toBe(0);
  });

  it('a signal already aborted arms nothing', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    controller.abort();
    await delay(clock, 60_000, controller.signal);
    expect(clock.activeTimers).toBe(0);
  });
});

describe('raceTimeout', () => {
  it('true when the work settles first (even by failing), and its timer goes', async () => {
    const clock = new ManualClock();
    await expect(raceTimeout(clock, Promise.resolve('done'), 1000)).resolves.toBe(true);
    await expect(raceTimeout(clock, Promise.reject(new Error('failed')), 1000)).resolves.toBe(true);
    expect(clock.activeTimers).toBe(0);
  });

  it('false once the bound passes on the clock while the work is still running', async () => {
    const clock = new ManualClock();
    const raced = tracked(raceTimeout(clock, new Promise(() => {}), 2000));
    await clock.advance(1999);
    expect(raced.done).toBe(false);
    await clock.advance(1);
    expect(raced).toEqual({ done: true, value: false });
    expect(clock.activeTimers).toBe(0);
  });
});
