// The crash budget on the injected clock: time moves only when the test says so.
import { describe, expect, it } from 'vitest';
import { CrashBudget } from '../../../src/extension/daemon/crash-budget';
import { ManualClock } from '../../../src/shared/clock';

function budgetOn(opts: { maxCrashes?: number; windowMs?: number } = {}) {
  const clock = new ManualClock();
  return { budget: new CrashBudget({ clock, ...opts }), clock };
}

describe('CrashBudget', () => {
  it('five crashes within three minutes are each restarted', async () => {
    const { budget, clock } = budgetOn();
    for (let i = 1; i <= 5; i++) {
      expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: i });
      await clock.advance(10_000);
    }
  });

  it('the sixth crash within three minutes means stop restarting', async () => {
    const { budget, clock } = budgetOn();
    for (let i = 0; i < 5; i++) {
      budget.recordCrash();
      await clock.advance(30_000);
    }
    // 5 crashes at 0..120 s; the sixth at 150 s is still within 3 minutes of the first.
    expect(budget.recordCrash()).toEqual({ restart: false, crashesInWindow: 6 });
  });

  it('crashes older than the window are forgotten', async () => {
    const { budget, clock } = budgetOn();
    for (let i = 0; i < 5; i++) budget.recordCrash();
    await clock.advance(3 * 60_000);
    expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: 1 });
  });

  it('a crash one millisecond inside the window still counts', async () => {
    const { budget, clock } = budgetOn({ maxCrashes: 1 });
    budget.recordCrash();
    await clock.advance(3 * 60_000 - 1);
    expect(budget.recordCrash()).toEqual({ restart: false, crashesInWindow: 2 });
  });

  it('time the machine spends asleep forgives no crash (the budget counts monotonic time)', () => {
    const { budget, clock } = budgetOn({ maxCrashes: 1 });
    budget.recordCrash();
    clock.systemSleep(60 * 60_000);
    expect(budget.recordCrash().restart).toBe(false);
  });

  it('reset forgives every crash so far', () => {
    const { budget } = budgetOn();
    for (let i = 0; i < 6; i++) budget.recordCrash();
    budget.reset();
    expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: 1 });
  });

  it('maxCrashes and windowMs can be tuned', async () => {
    const { budget, clock } = budgetOn({ maxCrashes: 1, windowMs: 1000 });
    expect(budget.recordCrash().restart).toBe(true);
    expect(budget.recordCrash().restart).toBe(false);
    await clock.advance(2000);
    expect(budget.recordCrash().restart).toBe(true);
  });

  it('says its window in words for the give-up message', () => {
    expect(budgetOn().budget.windowText).toBe('3 minutes');
    expect(budgetOn({ windowMs: 60_000 }).budget.windowText).toBe('1 minute');
    expect(budgetOn({ windowMs: 90_000 }).budget.windowText).toBe('90 seconds');
  });
});
