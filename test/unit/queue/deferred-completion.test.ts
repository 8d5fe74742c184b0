import { afterEach, describe, expect, it } from 'vitest';
import { type QueueFixture, queueFixture } from './fixtures';

let f: QueueFixture;
afterEach(() => f.cleanup());

const text = (t: string) => ({ kind: 'capture' as const, payload: { type: 'text' as const, text: t } });

describe('deferred completion', () => {
  it('deferred completions commit in the same transaction as the next lease', () => {
    f = queueFixture();
    f.queue.enqueueBatch([text('a'), text('b'), text('c')]);
    const [a, b] = f.queue.lease('capture', 2);
    f.queue.completeSoon(a!.id, a!.token);
    f.queue.completeSoon(b!.id, b!.token);
    expect(f.queue.countStates()).toMatchObject({ leased: 2, done: 0 });
    const before = f.db.statements;
    const [c] = f.queue.lease('capture', 1);
    expect(c).toBeDefined();
    // BEGIN + 2 completes + (nested lease: BEGIN/SAVEPOINT + SELECT + UPDATE + COMMIT) + COMMIT.
    expect(f.db.statements - before).toBeLessThanOrEqual(8);
    expect(f.queue.countStates()).toMatchObject({ leased: 1, done: 2 });
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
  });

  it('a deferred completion is flushed by a one-shot timer when no lease follows', async () => {
    f = queueFixture();
    f.queue.enqueue(text('a'));
    const [a] = f.queue.lease('capture', 1);
    f.queue.completeSoon(a!.id, a!.token);
    expect(f.clock.activeTimers).toBe(1);
    await f.clock.advance(10);
    expect(f.queue.countStates()).toMatchObject({ leased: 0, done: 1 });
    expect(f.clock.activeTimers).toBe(0);
  });

  it('a stale deferred completion is dropped and logged, the others commit', async () => {
    f = queueFixture();
    f.queue.enqueueBatch([text('a'), text('b')]);
    const [a, b] = f.queue.lease('capture', 2);
    await f.clock.advance(f.settings.leaseMs + 1);
    f.queue.reapExpired();
    const [a2, b2] = f.queue.lease('capture', 2);
    f.queue.completeSoon(a!.id, a!.token); // stale: reclaimed and re-leased
    f.queue.completeSoon(b2!.id, b2!.token);
    f.queue.flushCompletions();
    expect(f.queue.countStates()).toMatchObject({ leased: 1, done: 1 });
    expect(f.log.lines.some((l) => l.includes(`job ${a!.id}`) && l.includes('stale'))).toBe(true);
    expect([a2!.id, b2!.id].sort()).toEqual([a!.id, b!.id].sort());
  });
});

// A real SQLite failure, not a mock: a temporary trigger aborts the statement like a full disk would.
const failCompletions = (q: QueueFixture) =>
  q.db.raw.exec(`CREATE TEMP TRIGGER fail_done BEFORE UPDATE OF state ON jobs WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);
const failLeases = (q: QueueFixture) =>
  q.db.raw.exec(`CREATE TEMP TRIGGER fail_lease BEFORE UPDATE OF state ON jobs WHEN NEW.state = 'leased' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);

describe('deferred completion failures', () => {
  it('a failed flush neither crashes nor loses the batch: it is retried until it lands', async () => {
    f = queueFixture();
    f.queue.enqueue(text('a'));
    const [a] = f.queue.lease('capture', 1);
    f.queue.completeSoon(a!.id, a!.token);
    failCompletions(f);
    await f.clock.advance(10); // the timer's flush fails inside the timer callback
    expect(f.log.lines.some((l) => l.includes('could not record 1 completion'))).toBe(true);
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.queue.countStates()).toMatchObject({ leased: 1, done: 0 });
    f.db.raw.exec('DROP TRIGGER fail_done');
    await f.clock.advance(1000);
    expect(f.queue.countStates()).toMatchObject({ leased: 0, done: 1 });
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.clock.activeTimers).toBe(0);
  });

  it('a lease that rolls back keeps its deferred completions and the view exact', () => {
    f = queueFixture();
    f.queue.enqueueBatch([text('a'), text('b')]);
    const [a] = f.queue.lease('capture', 1);
    f.queue.completeSoon(a!.id, a!.token);
    failLeases(f);
    expect(() => f.queue.lease('capture', 1)).toThrow(/disk full/);
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.queue.countStates()).toMatchObject({ leased: 1, done: 0, queued: 1 });
    f.db.raw.exec('DROP TRIGGER fail_lease');
    const [b] = f.queue.lease('capture', 1);
    expect(b).toBeDefined();
    expect(f.queue.countStates()).toMatchObject({ leased: 1, done: 1, queued: 0 });
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
  });
});

describe('release', () => {
  it('a released job returns to the queue with its attempt refunded', () => {
    f = queueFixture();
    f.queue.enqueue(text('a'));
    const [a] = f.queue.lease('capture', 1);
    expect(f.queue.release(a!.id, a!.token)).toBe(true);
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.queue.countStates()).toMatchObject({ queued: 1, leased: 0 });
    const [again] = f.queue.lease('capture', 1);
    expect(again!.attempts).toBe(1);
    expect(f.queue.release(a!.id, a!.token)).toBe(false);
  });
});
