import { describe, expect, it } from 'vitest';
import { CoalescingRunner } from '../../../src/shared/coalescing-runner';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('CoalescingRunner', () => {
  it('a request during a run makes it run once more after, and requests meanwhile coalesce', async () => {
    const gates = [gate(), gate()];
    let runs = 0;
    const runner = new CoalescingRunner(async () => {
      await gates[runs++]!.promise;
    });
    const first = runner.run();
    const second = runner.run();
    const third = runner.run();
    expect(second).toBe(first);
    expect(third).toBe(first);
    gates[0]!.open();
    await Promise.resolve();
    gates[1]!.open();
    await first;
    expect(runs).toBe(2);
  });

  it('runs never overlap, and a run after the last settles starts fresh', async () => {
    let active = 0;
    let most = 0;
    const runner = new CoalescingRunner(async () => {
      active++;
      most = Math.max(most, active);
      await Promise.resolve();
      active--;
    });
    await Promise.all([runner.run(), runner.run(), runner.run()]);
    await runner.run();
    expect(most).toBe(1);
  });
});
