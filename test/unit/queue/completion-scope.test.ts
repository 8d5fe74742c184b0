import { afterEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from '../../../src/daemon/capture/capture-worker';
import { completionScope } from '../../../src/daemon/queue/completion-scope';
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
    const scope = completionScope(f.db, f.queue, job!);
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

    const staleScope = completionScope(f.db, f.queue, stale!);
    await expect(worker.handle(stale!.payload as CapturePayload, staleScope.commit)).rejects.toBeInstanceOf(StaleLeaseError);
    expect(count()).toBe(0);

    const freshScope = completionScope(f.db, f.queue, fresh!);
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
    const scope = completionScope(f.db, f.queue, job!);
    await expect(worker.handle(job!.payload as CapturePayload, scope.commit)).rejects.toThrow(/disk full/);
    expect(scope.completed).toBe(false);
    expect(count()).toBe(0);
    expect(f.queue.view.counts).toEqual(f.queue.countStates());
    expect(f.queue.view.counts).toMatchObject({ leased: 1, done: 0 });
  });
});
