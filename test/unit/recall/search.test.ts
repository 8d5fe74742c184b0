import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toMatchQuery } from '../../../src/daemon/recall/query';
import { searchMatch } from '../../../src/daemon/recall/search';
import { searchMemories } from '../../helpers/search-memories';
import { type MemoryDb, memory, openMemoryDb } from './memory-db';

describe('searchMemories', () => {
  let m: MemoryDb;
  beforeEach(() => { m = openMemoryDb(); });
  afterEach(() => m.close());

  it('malformed search syntax does not throw', () => {
    m.store.insert(memory('const value = parseConfig(input);\n'));
    const inputs = ['"', '""', 'AND', 'foo OR', '(', 'NEAR(a b', '*', '**', 'text:foo', '^start', '-x', 'a + b', '{x}', '🙂', 'NOT', "it's", 'a"b', ':', '\\'];
    for (const query of inputs) expect(() => searchMemories(m.db, { query })).not.toThrow();
    expect(searchMemories(m.db, { query: '"parseConfig' })).toHaveLength(1);
    expect(searchMemories(m.db, { query: 'value OR' })).toEqual([]); // OR is a literal word, ANDed
  });

  it('user operators are quoted as plain words', () => {
    expect(toMatchQuery('foo OR bar*')).toBe('"foo" "OR" "bar"*');
    expect(toMatchQuery('a"b c* *')).toBe('"a""b" "c"');
    expect(toMatchQuery('*** --')).toBeNull();
  });

  it('a 3-letter prefix finds identifiers', () => {
    m.store.insert(memory('function parseConfig() {}\n'));
    m.store.insert(memory('const parser_state = 1;\n'));
    m.store.insert(memory('let unrelated = 2;\n'));
    const hits = searchMemories(m.db, { query: 'par*' });
    expect(hits).toHaveLength(2);
    expect(hits.map((h) => h.snippet).sort()).toEqual(['const [parser_state] = 1;\n', 'function [parseConfig]() {}\n']);
  });

  it('snake_case identifiers are searchable as one word', () => {
    m.store.insert(memory('x = load_user_cache()\n'));
    m.store.insert(memory('load the user cache\n'));
    const hits = searchMemories(m.db, { query: 'load_user_cache' });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.snippet).toContain('[load_user_cache]');
  });

  it('results are grouped by memory, best chunk first, higher score better', () => {
    const many = Array.from({ length: 80 }, (_, i) => (i === 45 ? 'needle needle needle' : `filler line ${i}`)).join('\n');
    const strong = m.store.insert(memory(many));
    const weak = m.store.insert(memory(`needle once\n${'other words here\n'.repeat(30)}`));
    const hits = searchMemories(m.db, { query: 'needle' });
    expect(hits.map((h) => h.id)).toEqual([strong, weak]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.snippet).toContain('[needle]');
    expect(hits[0]!.snippet).toContain('filler line 4'); // from the chunk holding the strong match
  });

  it('filters by kind, path prefix and time', () => {
    const t = Date.UTC(2026, 0, 1);
    const a = m.store.insert(memory('shared term\n', { kind: 'file', path: '/w/app/a.ts', capturedAt: t }));
    const b = m.store.insert(memory('shared term\n', { kind: 'terminal', path: '/w/app', capturedAt: t + 1000 }));
    const c = m.store.insert(memory('shared term\n', { kind: 'file', path: '/w/lib/c.ts', capturedAt: t + 2000 }));
    const ids = (o: object) => searchMemories(m.db, { query: 'shared', ...o }).map((h) => h.id).sort();
    expect(ids({ kind: 'file' })).toEqual([a, c]);
    expect(ids({ pathPrefix: '/w/app' })).toEqual([a, b]);
    expect(ids({ since: t + 1000 })).toEqual([b, c]);
    expect(ids({ until: t + 1000 })).toEqual([a]);
    expect(ids({ kind: 'file', pathPrefix: '/w/lib/' })).toEqual([c]);
  });

  it('hits carry kind, path, title and an ISO capture time', () => {
    const at = Date.UTC(2026, 2, 3);
    const id = m.store.insert(memory('remember this\n', { path: '/p/r.ts', title: 'r.ts', capturedAt: at }));
    expect(searchMemories(m.db, { query: 'remember' })).toEqual([
      expect.objectContaining({ id, kind: 'file', path: '/p/r.ts', title: 'r.ts', capturedAt: new Date(at).toISOString() }),
    ]);
  });

  it('bounded ranking ranks only the newest matches of a broad query', () => {
    // An old chunk with a much stronger match than the newer, weaker ones.
    const old = m.store.insert(memory('broad broad broad broad\n'));
    // Distinct texts: identical chunks are stored (and counted by the window) once.
    const newer = Array.from({ length: 30 }, (_, i) => m.store.insert(memory(`broad ${'x '.repeat(50)} n${i}\n`)));
    const bounded = searchMatch(m.db, '"broad"', { limit: 5, rankWindow: 10 });
    expect(bounded.map((h) => h.id)).not.toContain(old);
    expect(bounded.every((h) => newer.includes(h.id))).toBe(true);
    const unbounded = searchMatch(m.db, '"broad"', { limit: 5, rankWindow: Infinity });
    expect(unbounded[0]!.id).toBe(old);
  });

  it('the rank window widens when filters leave too few results', () => {
    const old = m.store.insert(memory('broad term\n', { kind: 'text' }));
    for (let i = 0; i < 30; i++) m.store.insert(memory('broad term\n'));
    expect(searchMatch(m.db, '"broad"', { kind: 'text', rankWindow: 5 }).map((h) => h.id)).toEqual([old]);
  });

  it('deleted memories never appear', () => {
    const id = m.store.insert(memory('ghost memory\n'));
    m.store.delete(id);
    expect(searchMemories(m.db, { query: 'ghost' })).toEqual([]);
  });
});
