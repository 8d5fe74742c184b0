import { afterEach, describe, expect, it } from 'vitest';
import { StaleLeaseError } from '../../../src/daemon/queue/types';
import type { JobInput } from '../../../src/shared/protocol';
import { type QueueFixture, queueFixture, recall, row, text } from './fixtures';

let fixtures: QueueFixture[] = [];
function setup(opts?: Parameters<typeof queueFixture>[0]): QueueFixture {
  const f = queueFixture(opts);
  fixtures.push(f);
  return f;
}
afterEach(() => {
  for (const f of fixtures.reverse()) f.cleanup();
  fixtures = [];
});

describe('enqueue', () => {
  it('statements are counted', () => {
    const { db, queue } = setup();
    const before = db.statements;
    queue.enqueue(text(1));
    // A single INSERT commits on its own: no explicit transaction.
    expect(db.statements - before).toBe(1);
    queue.enqueue(text(2, { dedupeKey: 'k' }));
    // BEGIN + dedupe SELECT + INSERT + COMMIT
    expect(db.statements - before).toBe(5);
  });

  it('a batch is one transaction that fires the wake hook once, after the commit, with the new kinds', () => {
    let sawCommitted = -1;
    let inTransaction = true;
    const calls: string[][] = [];
    const f = setup({
      onEnqueued: (kinds) => {
        calls.push(kinds);
        inTransaction = f.db.raw.inTransaction;
        sawCommitted = (f.db.raw.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
      },
    });
    const ids = f.queue.enqueueBatch([text(1), recall('/a.ts'), text(2)]);
    expect(ids).toHaveLength(3);
    expect(calls).toEqual([['capture', 'recall']]);
    expect(inTransaction).toBe(false);
    expect(sawCommitted).toBe(3);
  });

  it('a throwing wake hook never fails a committed enqueue', () => {
    const f = setup({ onEnqueued: () => { throw new Error('wake bus down'); } });
    const id = f.queue.enqueue(text(1));
    expect(row(f.db, id)?.state).toBe('queued');
    expect(f.queue.view.counts.queued).toBe(1);
    expect(f.log.lines.some((l) => l.includes('ERROR') && l.includes('wake bus down'))).toBe(true);
  });

  it('a failed batch commits nothing and wakes no one', () => {
    const { db, queue, wakes } = setup();
    const bad = { kind: 'nope', payload: {} } as unknown as JobInput;
    expect(() => queue.enqueueBatch([text(1), bad])).toThrow();
    expect(db.raw.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    expect(wakes).toEqual([]);
    expect(queue.view.counts.queued).toBe(0);
  });

  it('a dedupe key matching a waiting job of the same kind returns that job', () => {
    const { queue, wakes } = setup();
    const first = queue.enqueue(text(1, { dedupeKey: 'file:/a' }));
    expect(queue.enqueue(text(2, { dedupeKey: 'file:/a' }))).toBe(first);
    expect(queue.enqueueBatch([text(3, { dedupeKey: 'x' }), text(4, { dedupeKey: 'x' })]).reduce((a, b) => (a === b ? a : -1))).not.toBe(-1);
    expect(queue.enqueue(recall('/a', { dedupeKey: 'file:/a' }))).not.toBe(first); // other kind
    expect(queue.countStates().queued).toBe(3);
    expect(wakes).toHaveLength(3); // the pure duplicate woke no one
  });

  it('an idempotency key seen before returns the first job, even after it completed', () => {
    const { queue } = setup();
    const first = queue.enqueue(text(1, { idempotencyKey: 'capture-123' }));
    const [leased] = queue.lease('capture', 1);
    expect(leased!.id).toBe(first);
    queue.complete(leased!.id, leased!.token);
    expect(queue.enqueueBatch([text(1, { idempotencyKey: 'capture-123' }), text(2, { idempotencyKey: 'capture-456' })])[0]).toBe(first);
    expect(queue.countStates().queued).toBe(1);
  });

  it('a dedupe key of a leased job enqueues a new job', () => {
    const { queue } = setup();
    const first = queue.enqueue(text(1, { dedupeKey: 'k' }));
    queue.lease('capture', 1);
    expect(queue.enqueue(text(2, { dedupeKey: 'k' }))).not.toBe(first);
  });

  it('a dedupe key matching a retrying job returns it', () => {
    const { queue } = setup();
    const first = queue.enqueue(text(1, { dedupeKey: 'k' }));
    const [job] = queue.lease('capture', 1);
    queue.fail(job!.id, job!.token, 'boom');
    expect(queue.enqueue(text(2, { dedupeKey: 'k' }))).toBe(first);
  });
});

describe('lease', () => {
  it('takes ready jobs by priority, then deadline, then id, up to max', () => {
    const { queue, clock } = setup();
    const low = queue.enqueue(text('low', { priority: -1 }));
    const a = queue.enqueue(text('a'));
    clock.systemSleep(1);
    const b = queue.enqueue(text('b'));
    const high = queue.enqueue(text('high', { priority: 5 }));
    queue.enqueue(recall('/x'));
    expect(queue.lease('capture', 3).map((j) => j.id)).toEqual([high, a, b]);
    expect(queue.lease('capture', 3).map((j) => j.id)).toEqual([low]);
    expect(queue.lease('capture', 3)).toEqual([]);
  });

  it('each leased job carries its parsed payload, a fresh token and a lease deadline', () => {
    const { queue, db, clock, settings } = setup();
    queue.enqueueBatch([text(1, { dedupeKey: 'd' }), text(2)]);
    const jobs = queue.lease('capture', 2);
    expect(jobs[0]).toMatchObject({ kind: 'capture', payload: { type: 'text', text: 'note 1' }, attempts: 1, maxAttempts: 3, dedupeKey: 'd' });
    expect(jobs[0]!.token).not.toBe(jobs[1]!.token);
    expect(row(db, jobs[0]!.id)).toMatchObject({ state: 'leased', lease_token: jobs[0]!.token, lease_expires_at: clock.now() + settings.leaseMs });
  });

  it('a retry is not leased before its deadline', async () => {
    const { queue, clock } = setup();
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    const result = queue.fail(job!.id, job!.token, 'boom');
    expect(result).toEqual({ state: 'failed-retrying', nextRunAt: clock.now() + 1_000 });
    expect(queue.lease('capture', 1)).toEqual([]);
    await clock.advance(1_000);
    expect(queue.lease('capture', 1).map((j) => [j.id, j.attempts])).toEqual([[job!.id, 2]]);
  });

  it('a job with an unreadable payload is buried dead instead of blocking the queue', () => {
    const { queue, db } = setup();
    const bad = queue.enqueue(text(1));
    const good = queue.enqueue(text(2));
    db.raw.prepare('UPDATE jobs SET payload = ? WHERE id = ?').run('{not json', bad);
    expect(queue.lease('capture', 2).map((j) => j.id)).toEqual([good]);
    expect(row(db, bad)).toMatchObject({ state: 'dead' });
    expect(queue.view.counts).toEqual(queue.countStates());
  });
});

describe('complete and fail', () => {
  it('a completion with a stale lease token is rejected', async () => {
    const { queue, clock, settings } = setup();
    const id = queue.enqueue(text(1));
    const [first] = queue.lease('capture', 1);
    await clock.advance(settings.leaseMs);
    expect(queue.reapExpired()).toBe(1);
    const [second] = queue.lease('capture', 1);
    expect(second!.id).toBe(id);
    expect(() => queue.complete(id, first!.token)).toThrow(StaleLeaseError);
    queue.complete(id, second!.token);
    // A reclaimed job can never be completed twice.
    expect(() => queue.complete(id, second!.token)).toThrow(StaleLeaseError);
    expect(() => queue.complete(id, first!.token)).toThrow(StaleLeaseError);
    expect(queue.countStates()).toMatchObject({ done: 1, leased: 0 });
  });

  it('a failure with a stale lease token is rejected', () => {
    const { queue } = setup();
    const id = queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    queue.complete(id, job!.token);
    expect(() => queue.fail(id, job!.token, 'late')).toThrow(StaleLeaseError);
    expect(() => queue.fail(id, 'made-up', 'x')).toThrow(StaleLeaseError);
  });

  it('failures back off exponentially, then the job is dead with its reason', async () => {
    const { queue, clock, db } = setup();
    const id = queue.enqueue(text(1));
    const delays: number[] = [];
    for (;;) {
      const [job] = queue.lease('capture', 1);
      const result = queue.fail(id, job!.token, `error ${job!.attempts}`);
      if (result.state === 'dead') break;
      delays.push(result.nextRunAt - clock.now());
      await clock.advance(result.nextRunAt - clock.now());
    }
    expect(delays).toEqual([1_000, 2_000]);
    expect(row(db, id)).toMatchObject({ state: 'dead', attempts: 3, last_error: 'error 3' });
  });

  it('retry jitter stays within 25% and the backoff is capped at one hour', () => {
    let r = 0;
    const { queue, db, clock } = setup({ random: () => r });
    const delay = (attempts: number, random: number): number => {
      r = random;
      const id = queue.enqueue({ ...text(attempts), maxAttempts: 100 });
      db.raw.prepare('UPDATE jobs SET attempts = ? WHERE id = ?').run(attempts - 1, id);
      const [job] = queue.lease('capture', 1);
      const result = queue.fail(id, job!.token, 'x');
      return result.state === 'failed-retrying' ? result.nextRunAt - clock.now() : -1;
    };
    expect(delay(1, 0)).toBe(750);
    expect(delay(1, 0.999_999)).toBe(1_249);
    expect(delay(4, 0.5)).toBe(8_000);
    expect(delay(12, 0.5)).toBe(2_048_000);
    expect(delay(13, 0.5)).toBe(3_600_000);
    expect(delay(60, 0.999)).toBe(3_600_000);
  });
});

describe('recovery and housekeeping', () => {
  it('leased jobs of a dead daemon return to queued at start', () => {
    const first = setup();
    first.settings.maxAttempts = 2;
    const [a, b] = first.queue.enqueueBatch([text('a'), text('b', { maxAttempts: 1 })]);
    first.queue.lease('capture', 2); // ...and the daemon dies holding both leases
    const second = first.reopen();
    fixtures.push(second);
    expect(second.queue.view.counts).toMatchObject({ leased: 2 });
    expect(second.queue.recoverLeased()).toBe(2);
    expect(row(second.db, a!)).toMatchObject({ state: 'queued', lease_token: null });
    // b was on its only attempt: it may be what killed the daemon, so it does not run again.
    expect(row(second.db, b!)).toMatchObject({ state: 'dead' });
    expect(second.queue.view.counts).toEqual(second.queue.countStates());
  });

  it('expired leases return to queued and live ones stay leased', async () => {
    const { queue, clock, settings } = setup();
    queue.enqueue(text(1));
    const [old] = queue.lease('capture', 1);
    await clock.advance(settings.leaseMs / 2);
    queue.enqueue(text(2));
    queue.lease('capture', 1);
    expect(queue.reapExpired()).toBe(0);
    await clock.advance(settings.leaseMs / 2);
    expect(queue.reapExpired()).toBe(1);
    expect(queue.lease('capture', 5).map((j) => j.id)).toEqual([old!.id]);
  });

  it('the earliest retry comes from the database and the view alike', () => {
    const { queue, clock } = setup();
    expect(queue.earliestRetryAt()).toBeNull();
    queue.enqueueBatch([text(1), text(2)]);
    const [a, b] = queue.lease('capture', 2);
    queue.fail(a!.id, a!.token, 'x');
    clock.systemSleep(500);
    queue.fail(b!.id, b!.token, 'x');
    expect(queue.earliestRetryAt()).toBe(clock.now() - 500 + 1_000);
    expect(queue.view.earliestRetryAt).toBe(queue.earliestRetryAt());
  });

  it('done jobs older than the cutoff are pruned', async () => {
    const { queue, clock } = setup();
    queue.enqueue(text(1));
    const [a] = queue.lease('capture', 1);
    queue.complete(a!.id, a!.token);
    const cutoff = clock.now() + 1;
    await clock.advance(10);
    queue.enqueue(text(2));
    const [b] = queue.lease('capture', 1);
    queue.complete(b!.id, b!.token);
    expect(queue.pruneDone(cutoff)).toBe(1);
    expect(queue.countStates().done).toBe(1);
    expect(queue.view.counts.done).toBe(1);
  });
});

describe('queue view', () => {
  it('the queue view matches the database after every operation', async () => {
    const f = setup();
    const { queue, clock, settings } = f;
    const check = () => expect(queue.view.counts).toEqual(queue.countStates());
    queue.enqueueBatch([text(1), text(2), text(3), recall('/a'), text(4, { dedupeKey: 'k' })]); check();
    queue.enqueue(text(5, { dedupeKey: 'k' })); check();
    const jobs = queue.lease('capture', 4); check();
    queue.complete(jobs[0]!.id, jobs[0]!.token); check();
    queue.fail(jobs[1]!.id, jobs[1]!.token, 'x'); check();
    f.settings.maxAttempts = 1;
    const [once] = queue.enqueueBatch([{ ...text(6), maxAttempts: 1 }]); check();
    const leased = queue.lease('capture', 10); check();
    const six = leased.find((j) => j.id === once)!;
    queue.fail(six.id, six.token, 'x'); check(); // dead
    await clock.advance(settings.leaseMs); check();
    queue.reapExpired(); check();
    await clock.advance(10_000);
    queue.lease('capture', 10); check(); // includes the due retry
    queue.lease('recall', 1); check();
    queue.recoverLeased(); check();
    await clock.advance(8 * 86_400_000);
    queue.pruneDone(clock.now()); check();
    // A restarted daemon seeds the same view from SQL.
    const again = f.reopen();
    fixtures.push(again);
    expect(again.queue.view.counts).toEqual(queue.view.counts);
  });

  it('the view tells due retries from future ones without SQL', async () => {
    const { queue, clock, db } = setup();
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    const { nextRunAt } = queue.fail(job!.id, job!.token, 'x') as { nextRunAt: number };
    const before = db.statements;
    expect(queue.view.readyCount).toBe(0);
    expect(queue.view.hasReadyWork()).toBe(false);
    expect(queue.view.nextRetryAfter(clock.now())).toBe(nextRunAt);
    await clock.advance(nextRunAt - clock.now());
    expect(queue.view.readyCount).toBe(1);
    expect(queue.view.nextRetryAfter(clock.now())).toBeNull();
    expect(db.statements).toBe(before);
  });

  it('the view reports changes and the time of the last lease', () => {
    const { queue, clock } = setup();
    const seen: number[] = [];
    queue.view.onDidChange((c) => seen.push(c.queued));
    queue.enqueue(text(1));
    expect(queue.view.lastLeaseAtMono).toBeNull();
    queue.lease('capture', 1);
    expect(queue.view.lastLeaseAtMono).toBe(clock.monotonicNow());
    expect(seen).toEqual([1, 0]);
  });
});
