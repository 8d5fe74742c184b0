import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from '../../../src/daemon/capture/capture-worker';
import { CompletionGroup } from '../../../src/daemon/queue/completion-scope';
import { StaleLeaseError } from '../../../src/daemon/queue/types';
import { MemoryStore } from '../../../src/daemon/store/memory-store';
import { memoryLogger } from '../../../src/shared/logger';
import type { CapturePayload } from '../../../src/shared/protocol';
import { defaultSettings } from '../../../src/shared/settings';
import { type QueueFixture, queueFixture } from './fixtures';

let f: QueueFixture;
afterEach(() => f.cleanup());

function capture(fixture: QueueFixture) {
  const store = new MemoryStore(fixture.db, fixture.clock);
  const worker = new CaptureWorker({ store, clock: fixture.clock, log: memoryLogger(), settings: () => defaultSettings() });
  const count = () => (fixture.db.raw.prepare('SELECT COUNT(*) AS n FROM memories').get() as { n: number }).n;
  return { worker, count };
}

describe('completion scope', () => {
  it('a capture and its job completion commit together', async () => {
    f = queueFixture();
    const { worker, count } = capture(f);
    f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: 'remember the ferret_protocol' } });
    const [job] = f.queue.lease('capture', 1);
    const scope = new CompletionGroup(f.db, f.queue).scope(job!);
    const outcome = await worker.handle(job!.payload as CapturePayload, scope.commit);
    expect(outcome.stored).toBe(true);
    expect(scope.completed).toBe(true);
    expect(count()).toBe(1);
    expect(f.queue.view.counts).toMatchObject({ done: 1, leased: 0 });
  });

  it("a reclaimed job's stale worker stores nothing: the write rolls back with the rejected completion", async () => {
    f = queueFixture();
    const { worker, count } = capture(f);
    f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: 'written once only' } });
    const [stale] = f.queue.lease('capture', 1);
    await f.clock.advance(f.settings.leaseMs + 1);
    expect(f.queue.reapExpired()).toBe(1);
    const [fresh] = f.queue.lease('capture', 1);
    expect(fresh!.token).not.toBe(stale!.token);

    const staleScope = new CompletionGroup(f.db, f.queue).scope(stale!);
    await expect(worker.handle(stale!.payload as CapturePayload, staleScope.commit)).rejects.toBeInstanceOf(StaleLeaseError);
    expect(count()).toBe(0);

    const freshScope = new CompletionGroup(f.db, f.queue).scope(fresh!);
    await worker.handle(fresh!.payload as CapturePayload, freshScope.commit);
    expect(count()).toBe(1);
    expect(f.queue.view.counts).toMatchObject({ done: 1, leased: 0, queued: 0 });
  });

  it('a capture whose transaction rolls back stores nothing and leaves the view untouched', async () => {
    f = queueFixture();
    const { worker, count } = capture(f);
    f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: 'never half written' } });
    const [job] = f.queue.lease('capture', 1);
    f.db.raw.exec(`CREATE TEMP TRIGGER fail_done BEFORE UPDATE OF state ON jobs WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);
    const scope = new CompletionGroup(f.db, f.queue).scope(job!);
    await expect(worker.handle(job!.payload as CapturePayload, scope.commit)).rejects.toThrow(/disk full/);
    expect(scope.completed).toBe(false);
    expect(count()).toBe(0);
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.queue.view.counts).toMatchObject({ leased: 1, done: 0 });
  });

  it('captures ready in the same turn commit in one transaction, each with its own completion', async () => {
    f = queueFixture();
    const { worker, count } = capture(f);
    for (const word of ['otter', 'badger', 'marten']) f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: `the ${word} note` } });
    const jobs = f.queue.lease('capture', 3);
    let flush = () => {};
    const group = new CompletionGroup(f.db, f.queue, (fn) => (flush = fn));
    // Another connection sees nothing of the group until it commits as a whole.
    const other = new Database(f.path, { readonly: true });
    let seenByOther: number | null = null;
    const handled = jobs.map((job, i) => {
      const scope = group.scope(job);
      const commit: typeof scope.commit = (write) => scope.commit(() => {
        const r = write();
        if (i === 2) seenByOther = (other.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'done'").get() as { n: number }).n;
        return r;
      });
      return worker.handle(job.payload as CapturePayload, commit);
    });
    await new Promise((resolve) => setImmediate(resolve)); // the drafts are ready, the commits wait
    expect(count()).toBe(0);
    flush();
    expect((await Promise.all(handled)).every((o) => o.stored)).toBe(true);
    other.close();
    expect(seenByOther).toBe(0);
    expect(count()).toBe(3);
    expect(f.queue.view.counts).toMatchObject({ done: 3, leased: 0 });
  });

  it('a stale job in a group rolls back only its own write; the rest of the group commits', async () => {
    f = queueFixture();
    const { worker, count } = capture(f);
    f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: 'stale one' } });
    const [stale] = f.queue.lease('capture', 1);
    await f.clock.advance(f.settings.leaseMs + 1);
    f.queue.reapExpired();
    f.queue.enqueue({ kind: 'capture', payload: { type: 'text', text: 'fresh one' } });
    const fresh = f.queue.lease('capture', 2).find((j) => j.id !== stale!.id)!;
    const group = new CompletionGroup(f.db, f.queue);
    const staleRun = worker.handle(stale!.payload as CapturePayload, group.scope(stale!).commit);
    const freshScope = group.scope(fresh);
    const freshRun = worker.handle(fresh.payload as CapturePayload, freshScope.commit);
    await expect(staleRun).rejects.toBeInstanceOf(StaleLeaseError);
    expect((await freshRun).stored).toBe(true);
    expect(freshScope.completed).toBe(true);
    expect(count()).toBe(1);
  });
});
