import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { Batcher, Debouncer } from '../../../src/extension/core/batcher';

function batcher(opts: { windowMs?: number; maxItems?: number } = {}) {
  const clock = new ManualClock();
  const batches: number[][] = [];
  const b = new Batcher<number>({ clock, windowMs: opts.windowMs ?? 100, maxItems: opts.maxItems, onFlush: (items) => batches.push(items) });
  return { clock, batches, b };
}

describe('Batcher', () => {
  it('adds within one window are handed over as one batch when the window ends', async () => {
    const { clock, batches, b } = batcher();
    b.add(1);
    await clock.advance(40);
    b.add(2);
    b.add(3);
    await clock.advance(59);
    expect(batches).toEqual([]);
    expect(b.pending).toBe(3);
    await clock.advance(1);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(b.pending).toBe(0);
  });

  it('the window counts from the first add, so a steady stream cannot postpone the batch', async () => {
    const { clock, batches, b } = batcher();
    for (let i = 0; i < 10; i++) {
      b.add(i);
      await clock.advance(20);
    }
    expect(batches[0]).toEqual([0, 1, 2, 3, 4]);
  });

  it('at most one timer is armed per batch, and none when nothing is pending', async () => {
    const { clock, b } = batcher();
    expect(clock.activeTimers).toBe(0);
    for (let i = 0; i < 50; i++) b.add(i);
    expect(clock.activeTimers).toBe(1);
    await clock.advance(100);
    expect(clock.activeTimers).toBe(0);
  });

  it('reaching maxItems hands the batch over at once and disarms the timer', () => {
    const { clock, batches, b } = batcher({ maxItems: 3 });
    b.add(1);
    b.add(2);
    expect(batches).toEqual([]);
    b.add(3);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(clock.activeTimers).toBe(0);
    b.add(4);
    expect(clock.activeTimers).toBe(1);
  });

  it('flush() hands over now; with nothing pending it hands over nothing', () => {
    const { clock, batches, b } = batcher();
    b.flush();
    expect(batches).toEqual([]);
    b.add(1);
    b.flush();
    expect(batches).toEqual([[1]]);
    expect(clock.activeTimers).toBe(0);
  });

  it('an add from inside onFlush starts the next batch', async () => {
    const clock = new ManualClock();
    const batches: number[][] = [];
    const b = new Batcher<number>({
      clock,
      windowMs: 100,
      onFlush: (items) => {
        batches.push(items);
        if (items[0] === 1) b.add(2);
      },
    });
    b.add(1);
    await clock.advance(100);
    expect(batches).toEqual([[1]]);
    expect(b.pending).toBe(1);
    await clock.advance(100);
    expect(batches).toEqual([[1], [2]]);
  });

  it('dispose hands nothing over, disarms, and ignores later adds', async () => {
    const { clock, batches, b } = batcher();
    b.add(1);
    b.dispose();
    expect(clock.activeTimers).toBe(0);
    b.add(2);
    b.flush();
    await clock.advance(1000);
    expect(batches).toEqual([]);
    expect(clock.activeTimers).toBe(0);
  });
});

describe('Debouncer', () => {
  it('only the last call in a quiet period runs, delayMs after it', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    const ran: string[] = [];
    d.run('q', () => ran.push('a'));
    await clock.advance(60);
    d.run('q', () => ran.push('b'));
    await clock.advance(60);
    expect(ran).toEqual([]);
    d.run('q', () => ran.push('c'));
    await clock.advance(99);
    expect(ran).toEqual([]);
    await clock.advance(1);
    expect(ran).toEqual(['c']);
    await clock.advance(1000);
    expect(ran).toEqual(['c']);
  });

  it('keys are debounced independently', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    const ran: string[] = [];
    d.run('x', () => ran.push('x'));
    await clock.advance(50);
    d.run('y', () => ran.push('y'));
    await clock.advance(50);
    expect(ran).toEqual(['x']);
    await clock.advance(50);
    expect(ran).toEqual(['x', 'y']);
  });

  it('at most one timer is armed however many calls and keys, and none when nothing is pending', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<number>({ clock, delayMs: 100 });
    for (let i = 0; i < 100; i++) {
      d.run(i % 3, () => {});
      expect(clock.activeTimers).toBe(1);
      await clock.advance(10);
    }
    await clock.advance(100);
    expect(clock.activeTimers).toBe(0);
  });

  it('cancel drops a pending call, and disarms when it was the last', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    const ran: string[] = [];
    d.run('x', () => ran.push('x'));
    d.run('y', () => ran.push('y'));
    d.cancel('x');
    expect(clock.activeTimers).toBe(1);
    d.cancel('y');
    expect(clock.activeTimers).toBe(0);
    await clock.advance(200);
    expect(ran).toEqual([]);
  });

  it('a call that runs itself again waits a full quiet period', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    let runs = 0;
    const tick = () => {
      runs++;
      if (runs < 3) d.run('t', tick);
    };
    d.run('t', tick);
    await clock.advance(100);
    expect(runs).toBe(1);
    await clock.advance(99);
    expect(runs).toBe(1);
    await clock.advance(1);
    expect(runs).toBe(2);
    await clock.advance(100);
    expect(runs).toBe(3);
    expect(clock.activeTimers).toBe(0);
  });

  it('a failing call does not stop the other keys from running later', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    const ran: string[] = [];
    d.run('bad', () => {
      throw new Error('boom');
    });
    await clock.advance(50);
    d.run('good', () => ran.push('good'));
    // The timer callback re-arms for 'good' first, then rethrows (advance() surfaces it).
    await expect(clock.advance(50)).rejects.toThrow('boom');
    await clock.advance(50);
    expect(ran).toEqual(['good']);
  });

  it('dispose drops pending calls and disarms', async () => {
    const clock = new ManualClock();
    const d = new Debouncer<string>({ clock, delayMs: 100 });
    const ran: string[] = [];
    d.run('x', () => ran.push('x'));
    d.dispose();
    expect(clock.activeTimers).toBe(0);
    d.run('x', () => ran.push('again'));
    await clock.advance(200);
    expect(ran).toEqual([]);
    expect(clock.activeTimers).toBe(0);
  });
});
