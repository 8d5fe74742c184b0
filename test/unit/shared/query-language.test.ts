// The recall query language. Expectations are built with local Date constructors, so the rules
// hold in whatever time zone the tests run (time words are local-time words).
import { describe, expect, it } from 'vitest';
import { describeTime, isPathWithin, parseQuery, parseTimeWord, resolveInPath } from '../../../src/shared/query-language';
import { type QueryContext, QueryError } from '../../../src/shared/recall-query';

/** Wednesday 2 December 2026, 15:30 local time. */
const NOW = new Date(2026, 11, 2, 15, 30).getTime();
const ctx: QueryContext = { now: NOW, roots: ['/home/me/project'] };
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const parse = (text: string, c: QueryContext = ctx) => parseQuery(text, c);
const word = (text: string, more: Partial<{ phrase: boolean; negated: boolean; prefix: boolean }> = {}) => ({
  text, phrase: false, negated: false, prefix: false, ...more,
});
const errorOf = (text: string, c: QueryContext = ctx): QueryError => {
  try {
    parseQuery(text, c);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`expected a QueryError for ${JSON.stringify(text)}`);
};

describe('words and phrases', () => {
  it('the fixed now is a Wednesday', () => {
    expect(new Date(NOW).getDay()).toBe(3);
  });

  it('words are terms with their case kept', () => {
    expect(parse('taskPath  Retry ').terms).toEqual([word('taskPath'), word('Retry')]);
  });

  it('the last word without a trailing space is a prefix', () => {
    expect(parse('retry curv').terms).toEqual([word('retry'), word('curv', { prefix: true })]);
  });

  it('a trailing space makes the last word exact', () => {
    expect(parse('retry curv ').terms).toEqual([word('retry'), word('curv')]);
    expect(parse('retry curv\t').terms.at(-1)).toEqual(word('curv'));
  });

  it('a quoted phrase is one exact term, never a prefix', () => {
    expect(parse('"exact phrase" x').terms).toEqual([word('exact phrase', { phrase: true }), word('x', { prefix: true })]);
    expect(parse('x "exact phrase"').terms).toEqual([word('x'), word('exact phrase', { phrase: true })]);
  });

  it('an unterminated quote runs to the end of the text', () => {
    expect(parse('a "b c').terms).toEqual([word('a'), word('b c', { phrase: true })]);
  });

  it('a quote ends the word before it', () => {
    expect(parse('say"hello world"').terms).toEqual([word('say'), word('hello world', { phrase: true })]);
  });

  it('empty quotes and a lone dash add nothing', () => {
    expect(parse('"" " " - x ').terms).toEqual([word('x')]);
  });

  it('-word excludes, and is never a prefix', () => {
    expect(parse('retry -flaky').terms).toEqual([word('retry'), word('flaky', { negated: true })]);
  });

  it('-"a phrase" excludes a phrase', () => {
    expect(parse('-"dry run" deploy ').terms).toEqual([word('dry run', { phrase: true, negated: true }), word('deploy')]);
  });

  it('unknown key: words are plain text', () => {
    expect(parse('http://x foo:bar C:\\temp ').terms).toEqual([word('http://x'), word('foo:bar'), word('C:\\temp')]);
    expect(parse('foo:bar').filterLabels).toEqual([]);
  });

  it('an empty query has no terms and no filters', () => {
    expect(parse('   ')).toEqual({ terms: [], filters: {}, filterLabels: [] });
  });

  it('a query of only filters is valid', () => {
    expect(parse('kind:terminal yesterday')).toEqual({
      terms: [],
      filters: { kind: 'terminal', since: local(2026, 12, 1), until: local(2026, 12, 2) },
      filterLabels: ['kind:terminal', 'yesterday'],
    });
  });

  it('a filter as the last word leaves the words before it exact', () => {
    expect(parse('retry kind:file').terms).toEqual([word('retry')]);
  });
});

describe('kind, in, lang, failed', () => {
  it('kind: takes file, selection, terminal or text, in any case', () => {
    for (const kind of ['file', 'selection', 'terminal', 'text'] as const) expect(parse(`kind:${kind}`).filters).toEqual({ kind });
    expect(parse('Kind:Terminal').filters).toEqual({ kind: 'terminal' });
  });

  it('kind:folder is a clear error naming the word and the accepted kinds', () => {
    const e = errorOf('x kind:folder');
    expect(e.word).toBe('kind:folder');
    expect(e.message).toMatch(/kind:folder: expected kind:file, kind:selection, kind:terminal, kind:text/);
  });

  it('two different kinds are an error; the same kind twice is one filter', () => {
    expect(errorOf('kind:file kind:terminal').word).toBe('kind:terminal');
    expect(parse('kind:file kind:FILE')).toMatchObject({ filters: { kind: 'file' }, filterLabels: ['kind:file'] });
  });

  it('a relative in: resolves against the first root', () => {
    expect(parse('in:src/daemon', { now: NOW, roots: ['/home/me/project', '/other'] }).filters).toEqual({ paths: ['/home/me/project/src/daemon'] });
    expect(parse('in:./src/../test/').filters.paths).toEqual(['/home/me/project/test']);
    expect(parse('in:.').filters.paths).toEqual(['/home/me/project']);
  });

  it('an absolute in: is kept (normalised)', () => {
    expect(parse('in:/etc//nginx/').filters.paths).toEqual(['/etc/nginx']);
    expect(parse('in:/').filters.paths).toEqual(['/']);
  });

  it('in: is Windows-aware', () => {
    expect(parse('in:src\\daemon', { now: NOW, roots: ['C:\\work\\proj'] }).filters.paths).toEqual(['C:\\work\\proj\\src\\daemon']);
    expect(parse('in:src/daemon', { now: NOW, roots: ['C:\\work\\proj'] }).filters.paths).toEqual(['C:\\work\\proj\\src\\daemon']);
    expect(parse('in:D:\\logs\\').filters.paths).toEqual(['D:\\logs']);
  });

  it('in:"a folder with spaces" takes a quoted value', () => {
    expect(parse('in:"my notes" x ')).toMatchObject({ terms: [word('x')], filters: { paths: ['/home/me/project/my notes'] }, filterLabels: ['in:my notes'] });
  });

  it('several in: accumulate as alternatives', () => {
    expect(parse('in:src in:test in:src').filters.paths).toEqual(['/home/me/project/src', '/home/me/project/test']);
  });

  it('a relative in: without roots, an empty in: and ~ are clear errors', () => {
    expect(errorOf('in:src', { now: NOW }).message).toMatch(/in:src: a relative path needs a workspace folder/);
    expect(errorOf('in:').word).toBe('in:');
    expect(errorOf('in:~/x').message).toMatch(/~ is not expanded/);
  });

  it('lang: is lowercased, a leading dot dropped', () => {
    expect(parse('lang:TS').filters).toEqual({ language: 'ts' });
    expect(parse('lang:.py').filters).toEqual({ language: 'py' });
    expect(errorOf('lang:').word).toBe('lang:');
    expect(errorOf('lang:ts lang:py').word).toBe('lang:py');
  });

  it('failed asks for terminal commands with a non-zero exit', () => {
    expect(parse('npm failed')).toEqual({ terms: [word('npm')], filters: { failed: true }, filterLabels: ['failed'] });
    expect(parse('Failed kind:terminal').filters).toEqual({ failed: true, kind: 'terminal' });
  });

  it('failed with a kind other than terminal is an error', () => {
    expect(errorOf('failed kind:file').word).toBe('kind:file');
    expect(errorOf('kind:text failed').word).toBe('failed');
  });

  it('a quoted filter word is plain text', () => {
    expect(parse('"failed" "today" "kind:file"')).toEqual({
      terms: [word('failed', { phrase: true }), word('today', { phrase: true }), word('kind:file', { phrase: true })],
      filters: {},
      filterLabels: [],
    });
  });

  it('a filter with a leading - is an error that says how to leave out the word', () => {
    const e = errorOf('-failed');
    expect(e.word).toBe('-failed');
    expect(e.message).toContain('-"failed"');
    expect(errorOf('-kind:file').word).toBe('-kind:file');
    expect(parse('-"failed"').terms).toEqual([word('failed', { phrase: true, negated: true })]);
  });
});

describe('time words (local time, relative to now)', () => {
  it('today is the current local day', () => {
    expect(parse('today').filters).toEqual({ since: local(2026, 12, 2), until: local(2026, 12, 3) });
  });

  it('yesterday is the previous local day', () => {
    expect(parse('yesterday').filters).toEqual({ since: local(2026, 12, 1), until: local(2026, 12, 2) });
  });

  it('tuesday is the most recent Tuesday', () => {
    expect(parse('tuesday').filters).toEqual({ since: local(2026, 12, 1), until: local(2026, 12, 2) });
    expect(parse('Thursday').filters).toEqual({ since: local(2026, 11, 26), until: local(2026, 11, 27) });
  });

  it("today's own weekday name means today", () => {
    expect(parse('wednesday').filters).toEqual(parse('today').filters);
  });

  it('three-letter weekdays are values, not bare words', () => {
    expect(parse('on:tue').filters).toEqual(parse('tuesday').filters);
    expect(parse('since:mon').filters).toEqual({ since: local(2026, 11, 30) });
    expect(parse('sat sun ')).toEqual({ terms: [word('sat'), word('sun')], filters: {}, filterLabels: [] });
  });

  it('a bare ISO date is that local day', () => {
    expect(parse('2026-11-30').filters).toEqual({ since: local(2026, 11, 30), until: local(2026, 12, 1) });
    expect(parse('on:2026-11-30').filters).toEqual(parse('2026-11-30').filters);
  });

  it('since: a duration counts back from now', () => {
    expect(parse('since:30m').filters).toEqual({ since: NOW - 30 * 60_000 });
    expect(parse('since:2h').filters).toEqual({ since: NOW - 2 * 3_600_000 });
  });

  it('since: days and weeks keep the local clock time', () => {
    expect(parse('since:3d').filters).toEqual({ since: local(2026, 11, 29, 15, 30) });
    expect(parse('since:2w').filters).toEqual({ since: local(2026, 11, 18, 15, 30) });
  });

  it('since: a day starts at its local midnight', () => {
    expect(parse('since:2026-11-30').filters).toEqual({ since: local(2026, 11, 30) });
    expect(parse('since:yesterday').filters).toEqual({ since: local(2026, 12, 1) });
  });

  it('after: a day is from the end of that day', () => {
    expect(parse('after:2026-11-30').filters).toEqual({ since: local(2026, 12, 1) });
    expect(parse('after:2h').filters).toEqual({ since: NOW - 2 * 3_600_000 });
  });

  it('before: a day is before the start of that day', () => {
    expect(parse('before:2026-11-30').filters).toEqual({ until: local(2026, 11, 30) });
    expect(parse('before:1h').filters).toEqual({ until: NOW - 3_600_000 });
  });

  it('several time words intersect', () => {
    expect(parse('since:2026-11-01 before:2026-11-30 since:2026-11-20 before:today').filters).toEqual({
      since: local(2026, 11, 20),
      until: local(2026, 11, 30),
    });
    expect(parse('since:3d yesterday').filters).toEqual({ since: local(2026, 12, 1), until: local(2026, 12, 2) });
  });

  it('time words that do not overlap are an error', () => {
    const e = errorOf('after:2026-11-30 before:2026-11-30');
    expect(e.word).toBe('before:2026-11-30');
    expect(e.message).toMatch(/no time is both from 2026-12-01 on and before 2026-11-30/);
    expect(errorOf('today yesterday').word).toBe('yesterday');
  });

  it('since:banana is a clear error', () => {
    const e = errorOf('retry since:banana');
    expect(e).toBeInstanceOf(QueryError);
    expect(e.word).toBe('since:banana');
    expect(e.message).toBe('since:banana: expected a duration (30m, 2h, 3d, 2w), a date (YYYY-MM-DD), today, yesterday or a weekday (monday or mon)');
  });

  it('on:2026-13-45 is a clear error, as is a bare impossible date', () => {
    expect(errorOf('on:2026-13-45').message).toMatch(/on:2026-13-45: 2026-13-45 is not a date/);
    expect(errorOf('2026-02-30').word).toBe('2026-02-30');
  });

  it('on: takes a day, not a duration', () => {
    expect(errorOf('on:2h').message).toMatch(/on:2h: expected a day/);
  });

  it('a zero duration and an empty value are errors', () => {
    expect(errorOf('since:0h').word).toBe('since:0h');
    expect(errorOf('since:').word).toBe('since:');
  });

  it('parseTimeWord names the word it was given', () => {
    expect(() => parseTimeWord('since', 'soon', NOW, '--since soon')).toThrow(/^--since soon: expected/);
    expect(parseTimeWord('before', 'today', NOW)).toEqual({ until: local(2026, 12, 2) });
  });
});

describe('filter labels', () => {
  it('each filter that applied, in query order, in human words', () => {
    expect(parse('jitter kind:Terminal Yesterday in:src/daemon failed lang:TS since:3D upload').filterLabels).toEqual([
      'kind:terminal', 'yesterday', 'in:src/daemon', 'failed', 'lang:ts', 'since:3d',
    ]);
  });
});

describe('helpers', () => {
  it('describeTime shows a local day, with the clock time unless it is midnight', () => {
    expect(describeTime(local(2026, 11, 30))).toBe('2026-11-30');
    expect(describeTime(local(2026, 11, 30, 9, 5))).toBe('2026-11-30 09:05');
  });

  it('isPathWithin compares whole path segments', () => {
    expect(isPathWithin('/a/src/x.ts', '/a/src')).toBe(true);
    expect(isPathWithin('/a/src', '/a/src')).toBe(true);
    expect(isPathWithin('/a/srcx/y', '/a/src')).toBe(false);
    expect(isPathWithin('/a/b', '/')).toBe(true);
    expect(isPathWithin('c:\\Work\\a.ts', 'C:\\work')).toBe(true);
  });

  it('resolveInPath names the word it was given', () => {
    expect(() => resolveInPath('x', undefined, '--in x')).toThrow(/^--in x: /);
  });
});
