import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/shared/event';
import { DisposableStore, toDisposable } from '../../../src/shared/lifecycle';
import { memoryLogger } from '../../../src/shared/logger';
import { WakeBus } from '../../../src/daemon/scheduling/wake-bus';

function target(name: string) {
  const reasons: string[] = [];
  return { name, reasons, wake: (reason: string) => void reasons.push(reason) };
}

describe('WakeBus', () => {
  it('wakeAll wakes every registered target and returns their names', () => {
    const bus = new WakeBus(memoryLogger());
    const a = target('capture');
    const b = target('recall');
    bus.register(a);
    bus.register(b);
    expect(bus.wakeAll('save')).toEqual(['capture', 'recall']);
    expect(a.reasons).toEqual(['save']);
    expect(b.reasons).toEqual(['save']);
    expect(bus.wakes).toBe(1);
  });

  it('registering the same target twice is one registration', () => {
    const bus = new WakeBus(memoryLogger());
    const a = target('capture');
    bus.register(a);
    bus.register(a);
    expect(bus.size).toBe(1);
    bus.wakeAll('x');
    expect(a.reasons).toEqual(['x']);
  });

  it('one target throwing is logged and does not stop the others', () => {
    const log = memoryLogger();
    const bus = new WakeBus(log);
    bus.register({ name: 'broken', wake: () => { throw new Error('nope'); } });
    const b = target('recall');
    bus.register(b);
    expect(bus.wakeAll('save')).toEqual(['recall']);
    expect(b.reasons).toEqual(['save']);
    expect(log.lines.some((l) => l.includes('wake broken (save) failed: nope'))).toBe(true);
  });

  it('counts wakeAll calls and fires onDidWake with the reason', async () => {
    const bus = new WakeBus(memoryLogger());
    const fired = waitFor(bus.onDidWake);
    bus.wakeAll('client connected');
    bus.wakeAll('again');
    expect(await fired).toBe('client connected');
    expect(bus.wakes).toBe(2);
  });

  it('a stop/start cycle that unregisters leaves no stale or duplicate wakes', () => {
    const bus = new WakeBus(memoryLogger());
    const start = (gen: number) => {
      const store = new DisposableStore();
      const capture = target(`capture#${gen}`);
      const recall = target(`recall#${gen}`);
      store.add(toDisposable(bus.register(capture)));
      store.add(toDisposable(bus.register(recall)));
      return { store, capture, recall };
    };
    const first = start(1);
    first.store.dispose(); // stop
    const second = start(2);
    expect(bus.size).toBe(2);
    expect(bus.wakeAll('save')).toEqual(['capture#2', 'recall#2']);
    expect(first.capture.reasons).toEqual([]);
    expect(first.recall.reasons).toEqual([]);
    expect(second.capture.reasons).toEqual(['save']);
    second.store.dispose();
    expect(bus.size).toBe(0);
    expect(bus.wakeAll('late')).toEqual([]);
  });
});

describe('targeted wakes', () => {
  it('a wake with a name filter wakes only those targets and still counts once', () => {
    const bus = new WakeBus();
    const woken: string[] = [];
    for (const name of ['capture', 'recall', 'reaper']) bus.register({ name, wake: () => woken.push(name) });
    expect(bus.wakeAll('enqueue (capture)', new Set(['capture', 'reaper']))).toEqual(['capture', 'reaper']);
    expect(woken).toEqual(['capture', 'reaper']);
    expect(bus.wakes).toBe(1);
  });
});
