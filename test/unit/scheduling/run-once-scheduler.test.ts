import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { RunOnceScheduler } from '../../../src/shared/run-once-scheduler';

describe('RunOnceScheduler', () => {
  it('schedule re-arms instead of double-arming', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const s = new RunOnceScheduler(clock, () => runs++);
    s.schedule(100);
    s.schedule(50);
    s.schedule(200);
    expect(clock.activeTimers).toBe(1);
    await clock.advance(150);
    expect(runs).toBe(0);
    await clock.advance(50);
    expect(runs).toBe(1);
    expect(s.isScheduled()).toBe(false);
    expect(clock.activeTimers).toBe(0);
  });

  it('cancel disarms', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const s = new RunOnceScheduler(clock, () => runs++);
    s.schedule(10);
    expect(s.isScheduled()).toBe(true);
    s.cancel();
    expect(s.isScheduled()).toBe(false);
    expect(clock.activeTimers).toBe(0);
    await clock.advance(100);
    expect(runs).toBe(0);
  });

  it('flush runs an armed runner now and does nothing when unarmed', () => {
    const clock = new ManualClock();
    let runs = 0;
    const s = new RunOnceScheduler(clock, () => runs++);
    s.flush();
    expect(runs).toBe(0);
    s.schedule(1_000);
    s.flush();
    expect(runs).toBe(1);
    expect(clock.activeTimers).toBe(0);
  });

  it('the runner may re-schedule itself, keeping one timer', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const s: RunOnceScheduler = new RunOnceScheduler(clock, () => {
      runs++;
      s.schedule(10);
    });
    s.schedule(0);
    await clock.advance(35);
    expect(runs).toBe(4);
    expect(clock.activeTimers).toBe(1);
  });

  it('dispose disarms and ignores later schedules', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const s = new RunOnceScheduler(clock, () => runs++);
    s.schedule(10);
    s.dispose();
    s.schedule(10);
    expect(clock.activeTimers).toBe(0);
    await clock.advance(100);
    expect(runs).toBe(0);
  });
});
