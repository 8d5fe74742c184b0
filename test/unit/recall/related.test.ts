import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distinctiveTerms } from '../../../src/daemon/recall/related';
import { RecallWorker } from '../../../src/daemon/recall/recall-worker';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import { type MemoryDb, memory, openMemoryDb } from './memory-db';

const SOURCE = `
import { leaseJobs } from './queue';
export async function drainQueue(queue: JobQueue) {
  const jobs = leaseJobs(queue, 4);
  for (const job of jobs) await runJob(job);
  return leaseJobs(queue, 4).length;
}
`;

describe('related memories', () => {
  let m: MemoryDb;
  // The daemon's path: a recall job's payload handled by the RecallWorker.
  const related = (path: string, now = 0) =>
    new RecallWorker({ db: m.db, store: m.store, clock: new ManualClock(now), log: memoryLogger() }).handle({ path, limit: 10 });
  beforeEach(() => { m = openMemoryDb(); });
  afterEach(() => m.close());

  it('distinctive terms skip keywords and favour frequent identifiers', () => {
    const terms = distinctiveTerms(SOURCE, 3);
    expect(terms).toEqual(['leasejobs', 'queue', 'jobs']);
    expect(distinctiveTerms('const return if else function')).toEqual([]);
  });

  it('related memories share identifiers and exclude the file itself', async () => {
    m.store.insert(memory(SOURCE, { path: '/p/drain.ts' }));
    const peer = m.store.insert(memory('function leaseJobs(queue) { /* lease */ }\n', { path: '/p/queue.ts' }));
    m.store.insert(memory('nothing in common here\n', { path: '/p/other.ts' }));
    const r = await related('/p/drain.ts', Date.UTC(2026, 0, 1));
    expect(r.path).toBe('/p/drain.ts');
    expect(r.hits.map((h) => h.id)).toEqual([peer]);
    expect(r.computedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it("the file's own snapshots come back as its history, newest first", async () => {
    const first = m.store.insert(memory('leaseJobs v1\n', { path: '/p/drain.ts', capturedAt: 1_000 }));
    const second = m.store.insert(memory('leaseJobs v2\n', { path: '/p/drain.ts', capturedAt: 2_000 }));
    m.store.insert(memory('leaseJobs elsewhere\n', { path: '/p/queue.ts', capturedAt: 3_000 }));
    const { history } = await related('/p/drain.ts');
    expect(history.map((h) => h.id)).toEqual([second, first]);
    expect(history.every((h) => h.kind === 'file' && h.path === '/p/drain.ts')).toBe(true);
  });

  it('a file with no snapshot has no related memories', async () => {
    m.store.insert(memory('leaseJobs\n', { path: '/p/queue.ts' }));
    expect((await related('/p/never.ts')).hits).toEqual([]);
  });
});

describe('RecallWorker', () => {
  let m: MemoryDb;
  let worker: RecallWorker;
  beforeEach(() => {
    m = openMemoryDb();
    worker = new RecallWorker({ db: m.db, store: m.store, clock: new ManualClock(), log: memoryLogger(), cacheSize: 2 });
    m.store.insert(memory(SOURCE, { path: '/p/drain.ts' }));
    m.store.insert(memory('function leaseJobs(queue) {}\n', { path: '/p/queue.ts' }));
  });
  afterEach(() => m.close());

  it('concurrent requests for one file share one computation', async () => {
    const before = m.db.statements;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => worker.handle({ path: '/p/drain.ts' })));
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a!.hits).toHaveLength(1);
    const one = m.db.statements - before;
    const solo = m.db.statements;
    await worker.handle({ path: '/p/drain.ts' });
    // Three concurrent callers cost one computation plus their own snapshot lookups.
    expect(one).toBe((m.db.statements - solo) + 2);
  });

  it('cached(path) returns the last result and evicts the least recently used', async () => {
    const r = await worker.handle({ path: '/p/drain.ts' });
    expect(worker.cached('/p/drain.ts')).toBe(r);
    await worker.handle({ path: '/p/queue.ts' });
    worker.cached('/p/drain.ts'); // touch: queue.ts is now the least recently used
    await worker.handle({ path: '/p/none.ts' });
    expect(worker.cached('/p/queue.ts')).toBeUndefined();
    expect(worker.cached('/p/drain.ts')).toBe(r);
    expect(worker.cached('/p/none.ts')?.hits).toEqual([]);
  });
});
