import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchMemories } from '../../helpers/search-memories';
import { type MemoryDb, memory, openMemoryDb } from './memory-db';

const DAY = 86_400_000;

describe('MemoryStore', () => {
  let m: MemoryDb;
  beforeEach(() => { m = openMemoryDb(); });
  afterEach(() => m.close());

  it('a memory and its chunks are stored together and read back as a MemoryRecord', () => {
    const at = Date.UTC(2026, 1, 2);
    const id = m.store.insert(memory('alpha\nbeta\n', { kind: 'selection', path: '/p/a.ts', title: 'a.ts:1-2', note: 'n', capturedAt: at }));
    expect(m.store.get(id)).toEqual({
      id, kind: 'selection', path: '/p/a.ts', title: 'a.ts:1-2', language: null, note: 'n', exitCode: null,
      content: 'alpha\nbeta\n', capturedAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString(),
    });
    expect(m.store.get(id + 100)).toBeNull();
  });

  it('deleting a memory removes its chunks from the index', () => {
    const id = m.store.insert(memory('uniqueDeletedTerm here\n'));
    expect(searchMemories(m.db, { query: 'uniqueDeletedTerm' })).toHaveLength(1);
    expect(m.store.delete(id)).toBe(true);
    expect(searchMemories(m.db, { query: 'uniqueDeletedTerm' })).toEqual([]);
    expect(m.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()!.n).toBe(0);
    expect(m.store.delete(id)).toBe(false);
  });

  it('the typo vocabulary stays exact through deletes, merges and both retention prunes', () => {
    const vocab = () => m.db.prepare<[], { term: string }>('SELECT term FROM vocabulary ORDER BY term').all().map((r) => r.term);
    const rebuilt = () => {
      const rows = m.db.prepare<[], { term: string }>('SELECT DISTINCT term FROM chunks_vocab ORDER BY term').all().map((r) => r.term);
      return rows;
    };
    const t = Date.UTC(2026, 0, 1);
    const a = m.store.insert(memory('const sharedWord = onlyInA;\n', { path: '/p/f.ts', capturedAt: t, updatedAt: t }));
    m.store.insert(memory('const sharedWord = onlyInB;\n', { path: '/p/f.ts', capturedAt: t + 1, updatedAt: t + 1 }));
    const c = m.store.insert(memory('let mergedAway = 1;\n', { path: '/p/g.ts', capturedAt: t + 2 * DAY, updatedAt: t + 2 * DAY }));
    expect(vocab()).toContain('onlyina');
    m.store.prunePerFile('/p/f.ts', 1); // a goes
    expect(vocab()).not.toContain('onlyina');
    expect(vocab()).toContain('sharedword');
    m.store.replaceContent(c, { title: 'g.ts', language: null, content: 'let mergedIn = 1;\n', contentHash: 'x', updatedAt: t + 2 * DAY });
    expect(vocab()).not.toContain('mergedaway');
    expect(vocab()).not.toContain('away');
    expect(vocab()).toContain('merged'); // still a part of mergedIn
    expect(m.store.pruneByAge(t + 1 + 10 * DAY, 9)).toBe(1); // b goes, c stays
    expect(vocab()).not.toContain('onlyinb');
    expect(vocab()).toEqual(rebuilt());
    m.store.delete(c);
    expect(vocab()).toEqual([]);
    expect(a).toBeGreaterThan(0);
  });

  it('the latest memory for a path is the newest file snapshot', () => {
    m.store.insert(memory('one', { path: '/p/x.ts', capturedAt: 1000, contentHash: 'h1' }));
    const newer = m.store.insert(memory('two', { path: '/p/x.ts', capturedAt: 2000, contentHash: 'h2' }));
    m.store.insert(memory('sel', { kind: 'selection', path: '/p/x.ts', capturedAt: 3000 }));
    expect(m.store.latestForPath('/p/x.ts')).toEqual({ id: newer, contentHash: 'h2', capturedAt: 2000, updatedAt: 2000 });
    expect(m.store.latestForPath('/p/none.ts')).toBeUndefined();
  });

  it('pruneByAge deletes memories not updated within retentionDays', () => {
    const now = Date.UTC(2026, 5, 1);
    const old = m.store.insert(memory('old', { capturedAt: now - 100 * DAY }));
    const recent = m.store.insert(memory('recent', { capturedAt: now - 10 * DAY }));
    expect(m.store.pruneByAge(now, 90)).toBe(1);
    expect(m.store.get(old)).toBeNull();
    expect(m.store.get(recent)).not.toBeNull();
  });

  it('retentionDays 0 keeps memories forever', () => {
    m.store.insert(memory('ancient', { capturedAt: 0 }));
    expect(m.store.pruneByAge(Date.UTC(2026, 0, 1), 0)).toBe(0);
  });

  it('prunePerFile keeps the newest snapshots of that file only', () => {
    const ids = [1, 2, 3, 4].map((i) => m.store.insert(memory(`v${i}`, { path: '/p/f.ts', capturedAt: i * 1000 })));
    const other = m.store.insert(memory('o', { path: '/p/g.ts', capturedAt: 1 }));
    expect(m.store.prunePerFile('/p/f.ts', 2)).toBe(2);
    expect(ids.map((id) => m.store.get(id) !== null)).toEqual([false, false, true, true]);
    expect(m.store.get(other)).not.toBeNull();
  });
});
