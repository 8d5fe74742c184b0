import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter, setListenerErrorHandler } from '../../../src/shared/event';

/** Lets queued microtasks and the next macrotask turn run (no timers, no sleeping). */
async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('Emitter', () => {
  let restore: ((error: unknown) => void) | undefined;
  afterEach(() => {
    if (restore) setListenerErrorHandler(restore);
    restore = undefined;
    vi.restoreAllMocks();
  });

  it('a throwing listener does not stop other listeners and is reported, not thrown', async () => {
    const reported: unknown[] = [];
    restore = setListenerErrorHandler((error) => reported.push(error));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const emitter = new Emitter<number>();
      const seen: string[] = [];
      const boom = new Error('listener bug');
      emitter.event((v) => seen.push(`a${v}`));
      emitter.event(() => {
        throw boom;
      });
      emitter.event((v) => seen.push(`c${v}`));
      expect(() => emitter.fire(1)).not.toThrow();
      await settle();
      expect(seen).toEqual(['a1', 'c1']);
      expect(reported).toEqual([boom]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('listener errors go to console.error by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const emitter = new Emitter<void>();
    emitter.event(() => {
      throw new Error('default route');
    });
    emitter.fire();
    await settle();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0]?.at(-1))).toContain('default route');
  });

  it('a throwing error handler does not break fire either', async () => {
    restore = setListenerErrorHandler(() => {
      throw new Error('handler bug');
    });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('listener bug');
    });
    emitter.event((v) => seen.push(v));
    expect(() => emitter.fire(7)).not.toThrow();
    await settle();
    expect(seen).toEqual([7]);
  });
});
