import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchQuery } from '../../../src/daemon/recall/search-query';
import { typoCandidates } from '../../../src/daemon/recall/typo';
import type { ParsedQuery, QueryFilters, QueryTerm } from '../../../src/shared/recall-query';
import { type MemoryDb, memory, openMemoryDb } from './memory-db';

const word = (text: string, over: Partial<QueryTerm> = {}): QueryTerm => ({ text, phrase: false, negated: false, prefix: false, ...over });
const query = (terms: QueryTerm[], filters: QueryFilters = {}, filterLabels: string[] = []): ParsedQuery => ({ terms, filters, filterLabels });
/** Words as typed: the last one is a prefix unless `done`. */
const typed = (text: string, done = false): ParsedQuery => {
  const words = text.split(' ');
  return query(words.map((w, i) => word(w, { prefix: !done && i === words.length - 1 })));
};

describe('searchQuery', () => {
  let m: MemoryDb;
  beforeEach(() => { m = openMemoryDb(); });
  afterEach(() => m.close());
  const search = (q: ParsedQuery, opts = {}) => searchQuery(m.db, q, opts);
  const ids = (q: ParsedQuery, opts = {}) => search(q, opts).map((h) => h.id);

  it('a whole identifier matches exactly', () => {
    const a = m.store.insert(memory('const taskPath = join(root, name);\n'));
    m.store.insert(memory('const other = 1;\n'));
    const hits = search(typed('taskPath', true));
    expect(hits.map((h) => h.id)).toEqual([a]);
    expect(hits[0]!.match).toMatchObject({ tier: 'exact', terms: ['taskpath'] });
    expect(hits[0]!.snippet).toContain('[taskPath]');
  });

  it('a query word matches an identifier part', () => {
    const a = m.store.insert(memory('const retryDelaysMs = [1000, 2000];\n'));
    const hits = search(typed('delays', true));
    expect(hits.map((h) => h.id)).toEqual([a]);
    expect(hits[0]!.match).toMatchObject({ tier: 'parts', terms: ['delays'] });
    expect(hits[0]!.snippet).toContain('[retryDelaysMs]');
  });

  it('words match camelCase, PascalCase, snake_case and kebab-case forms of one identifier', () => {
    const forms = ['taskPath', 'TaskPath', 'task_path', 'task-path', 'TASK_PATH'].map((f) => m.store.insert(memory(`x = ${f};\n`)));
    m.store.insert(memory('the path of a task\n')); // both words, not as one identifier: still a match, ranked after
    const found = ids(typed('task path', true));
    expect(found.slice(0, 5).sort()).toEqual([...forms].sort());
  });

  it('a multi-word query matches a joined identifier as exact', () => {
    const a = m.store.insert(memory('let taskpath = 1;\n'));
    expect(search(typed('task path', true))[0]).toMatchObject({ id: a, match: { tier: 'exact', terms: ['taskpath'] } });
  });

  it('an exact match ranks above a parts match', () => {
    const parts = m.store.insert(memory('const retryDelay = 1;\n'));
    const exact = m.store.insert(memory('function retry() {}\n'));
    const hits = search(typed('retry', true));
    expect(hits.map((h) => [h.id, h.match?.tier])).toEqual([[exact, 'exact'], [parts, 'parts']]);
  });

  it('the last word without a trailing space matches as a prefix', () => {
    const a = m.store.insert(memory('const taskPath = 1;\n'));
    const hits = search(typed('taskPa'));
    expect(hits.map((h) => h.id)).toEqual([a]);
    expect(hits[0]!.match).toMatchObject({ tier: 'prefix', terms: ['taskpath'] });
    expect(search(typed('taskPa', true))).toEqual([]); // a trailing space: whole words only
  });

  it('a prefix also matches the phrase of parts it starts', () => {
    const a = m.store.insert(memory('const task_path_builder = 1;\n'));
    expect(ids(typed('task pa'))).toEqual([a]);
    expect(ids(typed('taskPa'))).toEqual([a]);
  });

  it('a prefix needs at least three characters: two typed letters match whole words', () => {
    m.store.insert(memory('const taskPath = 1;\n'));
    expect(search(typed('t'))).toEqual([]);
    expect(search(typed('ta'))).toEqual([]);
    expect(ids(typed('tas'))).toHaveLength(1);
  });

  it('a typo ranks below an exact match and says what it matched instead', () => {
    const exact = m.store.insert(memory('takspath typed wrong once\n'));
    const typo = m.store.insert(memory('const taskPath = 1;\n'));
    const hits = search(typed('takspath', true));
    expect(hits.map((h) => [h.id, h.match?.tier])).toEqual([[exact, 'exact'], [typo, 'typo']]);
    expect(hits[1]!.match?.corrections).toEqual([{ from: 'takspath', to: 'taskpath' }]);
    expect(hits[1]!.snippet).toContain('[taskPath]');
  });

  it('a typo in the first letter is corrected too', () => {
    const a = m.store.insert(memory('function scheduler() {}\n'));
    expect(search(typed('xcheduler', true))[0]).toMatchObject({ id: a, match: { tier: 'typo', corrections: [{ from: 'xcheduler', to: 'scheduler' }] } });
  });

  it('short words, phrases and negated words are never typo-corrected', () => {
    m.store.insert(memory('const lease = 1;\n'));
    expect(search(typed('leas', true))).toHaveLength(1); // 4 letters: corrected
    expect(search(typed('lea', true))).toEqual([]);
    expect(search(query([word('leese', { phrase: true })]))).toEqual([]);
  });

  it('typo candidates come from the vocabulary within one edit, two for long words', () => {
    m.store.insert(memory('const leaseToken = fencingToken;\n'));
    expect(typoCandidates(m.db, 'tokne').map((c) => c.term)).toEqual(['token']);
    expect(typoCandidates(m.db, 'fenicngtokn').map((c) => c.term)).toEqual(['fencingtoken']);
    expect(typoCandidates(m.db, 'zzzzzz')).toEqual([]);
  });

  it('a negated word leaves out every memory containing it', () => {
    const keep = m.store.insert(memory('retry upload\n'));
    m.store.insert(memory(`retry download\n${'filler\n'.repeat(50)}`)); // the word in another chunk of the same memory
    m.store.insert(memory(`retry\n${'x\n'.repeat(45)}downloadQueue\n`));
    expect(ids(query([word('retry'), word('download', { negated: true })]))).toEqual([keep]);
  });

  it('a phrase matches only as that exact phrase', () => {
    const a = m.store.insert(memory('the lease token expired\n'));
    m.store.insert(memory('the token of the lease\n'));
    m.store.insert(memory('const leaseToken = 1;\n'));
    expect(ids(query([word('lease token', { phrase: true })]))).toEqual([a]);
  });

  it('filters: kind, paths (OR, folder-aware), language, failed, since and until', () => {
    const t = Date.UTC(2026, 0, 1);
    const a = m.store.insert(memory('shared\n', { kind: 'file', path: '/w/app/a.ts', language: 'typescript', capturedAt: t }));
    const b = m.store.insert(memory('shared\n', { kind: 'terminal', path: '/w/app', exitCode: 1, capturedAt: t + 1000 }));
    const c = m.store.insert(memory('shared\n', { kind: 'terminal', path: '/w/apple/c.py', exitCode: 0, capturedAt: t + 2000 }));
    const d = m.store.insert(memory('shared\n', { kind: 'file', path: '/w/lib/d.ts', capturedAt: t + 3000 }));
    const sorted = (f: QueryFilters) => ids(query([word('shared')], f)).sort((x, y) => x - y);
    expect(sorted({ kind: 'terminal' })).toEqual([b, c]);
    expect(sorted({ paths: ['/w/app'] })).toEqual([a, b]);
    expect(sorted({ paths: ['/w/app/', '/w/lib'] })).toEqual([a, b, d]);
    expect(sorted({ language: 'ts' })).toEqual([a, d]);
    expect(sorted({ language: 'typescript' })).toEqual([a]);
    expect(sorted({ failed: true })).toEqual([b]);
    expect(sorted({ since: t + 1000, until: t + 3000 })).toEqual([b, c]);
  });

  it('no words lists the newest memories matching the filters, paged', () => {
    const t = Date.UTC(2026, 0, 1);
    const made = [0, 1, 2, 3].map((i) => m.store.insert(memory(`line ${i}\n`, { kind: i % 2 ? 'terminal' : 'file', capturedAt: t + i })));
    const hits = search(query([], { kind: 'terminal' }, ['kind:terminal']));
    expect(hits.map((h) => h.id)).toEqual([made[3], made[1]]);
    expect(hits[0]!.match).toEqual({ tier: 'recent', terms: [], filters: ['kind:terminal'] });
    expect(ids(query([]), { limit: 2, offset: 1 })).toEqual([made[2], made[1]]);
    expect(ids(query([word('line', { negated: true })]))).toEqual([]);
  });

  it('hits carry the exit code, the language and the filter labels', () => {
    m.store.insert(memory('npm test\n', { kind: 'terminal', exitCode: 2, language: 'shellscript' }));
    expect(search(query([word('npm')], { failed: true }, ['failed']))[0]).toMatchObject({
      exitCode: 2, language: 'shellscript', match: { tier: 'exact', filters: ['failed'] },
    });
  });

  it('each memory appears once, in the best tier it reached, and offset pages across tiers', () => {
    const exact = m.store.insert(memory('retry\nconst retryDelay = 1;\n'));
    const parts = m.store.insert(memory('const retryDelay = 1;\n'));
    const prefix = m.store.insert(memory('const retrying = 1;\n'));
    expect(search(typed('retry')).map((h) => [h.id, h.match?.tier])).toEqual([[exact, 'exact'], [parts, 'parts'], [prefix, 'prefix']]);
    expect(ids(typed('retry'), { limit: 1, offset: 1 })).toEqual([parts]);
  });

  it('near-ties go to the newer memory', () => {
    const older = m.store.insert(memory('const budget = 1;\n', { capturedAt: 1000 }));
    const newer = m.store.insert(memory('const budget = 2;\n', { capturedAt: 2000 }));
    expect(ids(typed('budget', true))).toEqual([newer, older]);
  });

  it('excludePath leaves out one path', () => {
    m.store.insert(memory('shared\n', { path: '/a.ts' }));
    const b = m.store.insert(memory('shared\n', { path: '/b.ts' }));
    expect(ids(typed('shared'), { excludePath: '/a.ts' })).toEqual([b]);
  });

  it('no user text raises a syntax error', () => {
    m.store.insert(memory('const value = parseConfig(input);\n'));
    const inputs = ['"', '""', 'AND', 'OR', 'NOT', '(', ')', 'NEAR(a b', '*', '**', 'text:foo', 'parts:x', '^start', '-x', 'a + b', '{x}', '🙂', "it's", 'a"b', ':', '\\', 'col : "x" OR', '"a" *'];
    for (const text of inputs) {
      for (const over of [{}, { prefix: true }, { phrase: true }, { negated: true }]) {
        expect(() => search(query([word('value'), word(text, over)]))).not.toThrow();
        expect(() => search(query([word(text, over)]))).not.toThrow();
      }
    }
  });
});

describe('light stemming', () => {
  let m: MemoryDb;
  beforeEach(() => { m = openMemoryDb(); });
  afterEach(() => m.close());

  it('a word matches its plural and past forms after every exact, parts and prefix match', () => {
    const exact = m.store.insert(memory('const delay = 1;\n'));
    const plural = m.store.insert(memory('const retryDelays = [1];\n'));
    const hits = searchQuery(m.db, typed('delay', true));
    expect(hits.map((h) => [h.id, h.match?.tier])).toEqual([[exact, 'exact'], [plural, 'prefix']]);
    // Without the stemming tier only the typo tier (one edit) would find it, ranked as a typo.
    expect(searchQuery(m.db, typed('delay', true), { stem: false }).map((h) => h.match?.tier)).toEqual(['exact', 'typo']);
  });

  it('a finished word is never widened into a prefix', () => {
    m.store.insert(memory('const taskPath = 1;\n'));
    expect(searchQuery(m.db, typed('taskPa', true))).toEqual([]);
  });
});
