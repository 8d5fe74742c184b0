import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../src/daemon/scheduling/single-flight';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const settled = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe('SingleFlight', () => {
  it('concurrent callers of one key share one computation', async () => {
    const sf = new SingleFlight<string, number>();
    const d = deferred<number>();
    let calls = 0;
    const fn = () => { calls++; return d.promise; };
    const all = Promise.all([sf.run('k', fn), sf.run('k', fn), sf.run('k', fn)]);
    d.resolve(7);
    expect(await all).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
  });

  it('different keys compute independently', async () => {
    const sf = new SingleFlight<string, string>();
    const [a, b] = await Promise.all([sf.run('a', async () => 'A'), sf.run('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
  });

  it('a settled key is forgotten, so the next call computes again', async () => {
    const sf = new SingleFlight<string, number>();
    let calls = 0;
    await sf.run('k', async () => ++calls);
    expect(sf.size).toBe(0);
    expect(await sf.run('k', async () => ++calls)).toBe(2);
  });

  it('single flight: if the leader fails exactly one follower takes over', async () => {
    const sf = new SingleFlight<string, string>();
    const leader = deferred<string>();
    const takeover = deferred<string>();
    const ran: string[] = [];
    const p0 = settled(sf.run('k', () => { ran.push('leader'); return leader.promise; }));
    const followers = [1, 2, 3].map((i) =>
      settled(sf.run('k', () => { ran.push(`follower${i}`); return takeover.promise; })));
    leader.reject(new Error('boom'));
    const first = await p0;
    expect(first.ok).toBe(false);
    expect((first as { error: Error }).error.message).toBe('boom');
    // Let the followers observe the failure; exactly one of them starts its fn.
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['leader', 'follower1']);
    takeover.resolve('second try');
    expect(await Promise.all(followers)).toEqual([
      { ok: true, value: 'second try' }, { ok: true, value: 'second try' }, { ok: true, value: 'second try' },
    ]);
    expect(ran).toEqual(['leader', 'follower1']);
  });

  it('if the takeover fails too, its caller gets the error and the next follower takes over', async () => {
    const sf = new SingleFlight<string, number>();
    let attempt = 0;
    const fn = async () => {
      attempt++;
      if (attempt <= 2) throw new Error(`fail ${attempt}`);
      return attempt;
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => settled(sf.run('k', fn))));
    expect(results.map((r) => (r.ok ? r.value : (r.error as Error).message))).toEqual(['fail 1', 'fail 2', 3, 3]);
    expect(attempt).toBe(3);
  });

  it('a synchronous throw counts as a failure, not a crash', async () => {
    const sf = new SingleFlight<string, number>();
    const r = await settled(sf.run('k', () => { throw new Error('sync'); }));
    expect(r.ok).toBe(false);
    expect(sf.size).toBe(0);
  });
});
