import { describe, expect, it } from 'vitest';
import { describeMatch, kindInQuery, noResultsHint, recallNoteRow, toggleKindInQuery } from '../../../src/extension/core/recall-text';
import type { ParsedQuery, QueryTerm } from '../../../src/shared/recall-query';

const term = (text: string, over: Partial<QueryTerm> = {}): QueryTerm => ({ text, phrase: false, negated: false, prefix: false, ...over });
const parsed = (terms: QueryTerm[], filterLabels: string[] = []): ParsedQuery => ({ terms, filters: {}, filterLabels });

describe('quick pick kind toggles edit the query text', () => {
  it.each<[string, string, Parameters<typeof toggleKindInQuery>[1], string]>([
    ['an empty query gets the filter (and a space to type after)', '', 'terminal', 'kind:terminal '],
    ['the filter goes first, so the word being typed stays the last one (a prefix)', 'retry upl', 'file', 'kind:file retry upl'],
    ['toggling the active kind removes it, keeping the rest as typed', 'kind:terminal retry upl', 'terminal', 'retry upl'],
    ['removing the only word leaves an empty query (newest memories)', 'kind:terminal ', 'terminal', ''],
    ['another kind replaces the old one', 'retry kind:file upl', 'terminal', 'kind:terminal retry upl'],
    ['a removed filter in the middle leaves one space', 'a kind:file b', 'file', 'a b'],
    ['kind: inside a quoted phrase is not a filter', '"kind:file" x', 'text', 'kind:text "kind:file" x'],
  ])('%s', (_rule, value, kind, expected) => {
    expect(toggleKindInQuery(value, kind)).toBe(expected);
  });

  it('reads the active kind, case-insensitively, ignoring unknown kinds', () => {
    expect(kindInQuery('retry KIND:Terminal')).toBe('terminal');
    expect(kindInQuery('kind:banana retry')).toBeNull();
    expect(kindInQuery('retry')).toBeNull();
  });
});

describe('match reason text', () => {
  it.each<[string, Parameters<typeof describeMatch>[0], string]>([
    ['exact lists the terms', { tier: 'exact', terms: ['task', 'path'] }, 'matched task, path'],
    ['parts of an identifier', { tier: 'parts', terms: ['task', 'path'] }, 'matched parts task, path'],
    ['a prefix shows the term as unfinished', { tier: 'prefix', terms: ['taskp'] }, 'prefix: taskp…'],
    ['a typo says what it showed instead', { tier: 'typo', terms: ['taskpath'], corrections: [{ from: 'taksPath', to: 'taskpath' }] }, 'typo: showing results for taskpath'],
    ['an empty query (the newest) says nothing: every row would repeat it', { tier: 'recent', terms: [] }, ''],
    ['only filters (no words) show the filters', { tier: 'recent', terms: [], filters: ['kind:terminal'] }, 'kind:terminal'],
    ['filters follow the reason', { tier: 'exact', terms: ['retry'], filters: ['kind:terminal', 'yesterday'] }, 'matched retry · kind:terminal, yesterday'],
    ['no match info (related memories) says nothing', undefined, ''],
  ])('%s', (_rule, match, expected) => {
    expect(describeMatch(match)).toBe(expected);
  });
});

describe('no results: what to loosen', () => {
  it('an empty memory says how to fill it', () => {
    expect(noResultsHint('', parsed([]))).toMatch(/save a file/);
  });
  it('filters are named first', () => {
    expect(noResultsHint('retry kind:terminal yesterday', parsed([term('retry')], ['kind:terminal', 'yesterday']))).toBe('Try to remove "kind:terminal" or "yesterday".');
  });
  it('phrases, exclusions and many words each get a tip', () => {
    const hint = noResultsHint('"a b" -c d e', parsed([term('a b', { phrase: true }), term('c', { negated: true }), term('d'), term('e')]));
    expect(hint).toBe('Try to drop the quotes around a phrase; drop -c; use fewer words.');
  });
  it('a single plain word suggests another word', () => {
    expect(noResultsHint('zebra', parsed([term('zebra', { prefix: true })]))).toBe('Try another word, or part of a name.');
  });
  it('text that could not be parsed still gets a hint', () => {
    expect(noResultsHint('zebra', null)).toBe('Try fewer words.');
  });
});

describe('a partial recall answer says so above the hits', () => {
  it('the fallback note shows its first clause as the row and the reason as its detail', () => {
    expect(recallNoteRow("shared store unreachable, showing this machine's memories only: cannot connect to db:5432")).toEqual({
      label: "$(warning) shared store unreachable, showing this machine's memories only",
      detail: 'cannot connect to db:5432',
    });
  });
  it('a note without a reason is the row alone', () => {
    expect(recallNoteRow('showing this machine\'s memories only')).toEqual({ label: "$(warning) showing this machine's memories only" });
  });
});
