import { describe, expect, it } from 'vitest';
import { CrashBudget } from '../../../src/extension/daemon/crash-budget';

function budgetAt(start = 0) {
  let now = start;
  const budget = new CrashBudget({ now: () => now });
  return { budget, advance: (ms: number) => (now += ms) };
}

describe('CrashBudget', () => {
  it('five crashes within three minutes are each restarted', () => {
    const { budget, advance } = budgetAt();
    for (let i = 1; i <= 5; i++) {
      expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: i });
      advance(10_000);
    }
  });

  it('the sixth crash within three minutes means stop restarting', () => {
    const { budget, advance } = budgetAt();
    for (let i = 0; i < 5; i++) {
      budget.recordCrash();
      advance(30_000);
    }
    // 5 crashes at 0..120 s; the sixth at 150 s is still within 3 minutes of the first.
    expect(budget.recordCrash()).toEqual({ restart: false, crashesInWindow: 6 });
  });

  it('crashes older than the window are forgotten', () => {
    const { budget, advance } = budgetAt();
    for (let i = 0; i < 5; i++) budget.recordCrash();
    advance(3 * 60_000);
    expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: 1 });
  });

  it('reset forgives every crash so far', () => {
    const { budget } = budgetAt();
    for (let i = 0; i < 6; i++) budget.recordCrash();
    budget.reset();
    expect(budget.recordCrash()).toEqual({ restart: true, crashesInWindow: 1 });
  });

  it('maxCrashes and windowMs can be tuned', () => {
    let now = 0;
    const budget = new CrashBudget({ maxCrashes: 1, windowMs: 1000, now: () => now });
    expect(budget.recordCrash().restart).toBe(true);
    expect(budget.recordCrash().restart).toBe(false);
    now = 2000;
    expect(budget.recordCrash().restart).toBe(true);
  });
});
