import { describe, expect, it } from 'vitest';
import { type CadenceOptions, MAX_ERROR_BACKOFF_MS, PollCadence, suspensionAllowed } from '../../../src/daemon/scheduling/cadence';

const defaults: CadenceOptions = {
  pollFloorMs: 250,
  pollCeilingMs: 30_000,
  backoffMultiplier: 1.5,
  backoffEnabled: true,
  suspendEnabled: true,
  suspendAfterMs: 300_000,
};
const NOW = 1_000_000;

describe('PollCadence', () => {
  it('follows the documented default curve up to the ceiling', () => {
    const c = new PollCadence(defaults);
    const seen: number[] = [];
    for (let i = 0; i < 14; i++) {
      seen.push(c.nextDelay(NOW));
      c.recordIdle();
    }
    expect(seen).toEqual([250, 375, 562, 843, 1264, 1896, 2844, 4266, 6399, 9598, 14397, 21595, 30000, 30000]);
  });

  it('reaches the default suspendAfterMs on the 20th empty tick', () => {
    const c = new PollCadence(defaults);
    let ticks = 0;
    while (!c.shouldSuspend()) {
      c.recordIdle();
      ticks++;
    }
    expect(ticks).toBe(20);
    expect(c.idleMs).toBe(304_289);
  });

  it('real work snaps the delay to the floor and clears the idle accumulator', () => {
    const c = new PollCadence(defaults);
    for (let i = 0; i < 5; i++) c.recordIdle();
    c.recordWork();
    expect(c.nextDelay(NOW)).toBe(250);
    expect(c.idleMs).toBe(0);
  });

  it('recordIdle accumulates the delay actually waited', () => {
    const c = new PollCadence(defaults);
    c.recordIdle(0);
    c.recordIdle(100);
    expect(c.idleMs).toBe(100);
  });

  it('saturated changes nothing', () => {
    const c = new PollCadence(defaults);
    c.recordIdle();
    c.recordError();
    const before = [c.idleDelayMs, c.idleMs, c.consecutiveErrors];
    c.recordSaturated();
    expect([c.idleDelayMs, c.idleMs, c.consecutiveErrors]).toEqual(before);
  });

  it('error backoff doubles from the floor, caps at 60 s, and the next good tick resets it', () => {
    const c = new PollCadence(defaults);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      c.recordError();
      seen.push(c.nextDelay(NOW));
    }
    expect(seen.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    expect(Math.max(...seen)).toBe(MAX_ERROR_BACKOFF_MS);
    c.recordIdle();
    expect(c.consecutiveErrors).toBe(0);
    expect(c.nextDelay(NOW)).toBe(375);
  });

  it('error backoff is separate from idle backoff', () => {
    const c = new PollCadence(defaults);
    c.recordIdle();
    c.recordIdle();
    c.recordError();
    expect(c.nextDelay(NOW)).toBe(500);
    expect(c.idleDelayMs).toBe(562);
    c.recordWork();
    expect(c.nextDelay(NOW)).toBe(250);
  });

  it('reset (a wake) returns to the floor with no idle time and no errors', () => {
    const c = new PollCadence(defaults);
    for (let i = 0; i < 8; i++) c.recordIdle();
    c.recordError();
    c.reset();
    expect(c.nextDelay(NOW)).toBe(250);
    expect(c.idleMs).toBe(0);
    expect(c.consecutiveErrors).toBe(0);
  });

  it('the next delay is clamped to the nearest deadline, never below the minimum', () => {
    const c = new PollCadence(defaults);
    for (let i = 0; i < 10; i++) c.recordIdle();
    expect(c.nextDelay(NOW, NOW + 1_000)).toBe(1_000);
    expect(c.nextDelay(NOW, NOW + 1_000_000)).toBe(c.idleDelayMs);
    expect(c.nextDelay(NOW, NOW - 50)).toBe(5);
    expect(c.nextDelay(NOW, null)).toBe(c.idleDelayMs);
    const m = new PollCadence({ ...defaults, minDelayMs: 20 });
    expect(m.nextDelay(NOW, NOW)).toBe(20);
  });

  it('backoffEnabled false polls at the floor, flat, and never suspends', () => {
    const c = new PollCadence({ ...defaults, backoffEnabled: false, suspendAfterMs: 1_000 });
    for (let i = 0; i < 50; i++) c.recordIdle();
    expect(c.nextDelay(NOW)).toBe(250);
    expect(c.shouldSuspend()).toBe(false);
  });

  it('suspendAfterMs 0 or suspendEnabled false never suspends', () => {
    for (const o of [{ ...defaults, suspendAfterMs: 0 }, { ...defaults, suspendEnabled: false }]) {
      const c = new PollCadence(o);
      for (let i = 0; i < 100; i++) c.recordIdle();
      expect(c.shouldSuspend()).toBe(false);
      expect(suspensionAllowed(o)).toBe(false);
    }
  });

  it('update keeps progress but re-clamps to the new floor and ceiling', () => {
    const c = new PollCadence(defaults);
    for (let i = 0; i < 12; i++) c.recordIdle();
    const idle = c.idleMs;
    c.update({ ...defaults, pollCeilingMs: 5_000 });
    expect(c.nextDelay(NOW)).toBe(5_000);
    expect(c.idleMs).toBe(idle);
    c.update({ ...defaults, pollFloorMs: 8_000, pollCeilingMs: 9_000 });
    c.recordWork();
    expect(c.nextDelay(NOW)).toBe(8_000);
  });
});
