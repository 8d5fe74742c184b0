// toParsedQuery: the recall request's query parsed with its roots, explicit params ANDed in.
import { describe, expect, it } from 'vitest';
import { queryErrorToRpc, toParsedQuery } from '../../../src/daemon/recall/recall-request';
import { RpcError } from '../../../src/shared/protocol';
import { QueryError } from '../../../src/shared/recall-query';

const NOW = new Date(2026, 11, 2, 15, 30).getTime();
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('toParsedQuery', () => {
  it('parses the query with the request roots', () => {
    expect(toParsedQuery({ query: 'retry in:src', roots: ['/p'] }, NOW)).toEqual({
      terms: [{ text: 'retry', phrase: false, negated: false, prefix: false }],
      filters: { paths: ['/p/src'] },
      filterLabels: ['in:src'],
    });
  });

  it('an empty query with no params is the newest memories, unfiltered', () => {
    expect(toParsedQuery({ query: '' }, NOW)).toEqual({ terms: [], filters: {}, filterLabels: [] });
  });

  it('the kind param is ANDed with the query kind', () => {
    expect(toParsedQuery({ query: 'x', kind: 'terminal' }, NOW)).toMatchObject({ filters: { kind: 'terminal' }, filterLabels: ['kind:terminal'] });
    expect(toParsedQuery({ query: 'kind:terminal', kind: 'terminal' }, NOW).filterLabels).toEqual(['kind:terminal']);
  });

  it('a kind param that conflicts with the query is a QueryError', () => {
    expect(() => toParsedQuery({ query: 'kind:file', kind: 'terminal' }, NOW)).toThrow(QueryError);
    expect(() => toParsedQuery({ query: 'failed', kind: 'text' }, NOW)).toThrow(/failed terminal commands/);
  });

  it('pathPrefix narrows the query in: alternatives', () => {
    const q = (query: string, pathPrefix: string) => toParsedQuery({ query, pathPrefix, roots: ['/p'] }, NOW).filters.paths;
    expect(q('', '/p/src')).toEqual(['/p/src']);
    expect(q('', 'src')).toEqual(['/p/src']);
    expect(q('in:src/daemon in:test', '/p/src')).toEqual(['/p/src/daemon']);
    expect(q('in:src', '/p/src/cli')).toEqual(['/p/src/cli']);
    expect(() => q('in:test', '/p/src')).toThrow(/no path is both under \/p\/src and in \/p\/test/);
    expect(() => q('in:/p/srcx', '/p/src')).toThrow(QueryError);
  });

  it('since and until intersect with the query time words', () => {
    const r = toParsedQuery({ query: 'yesterday', since: local(2026, 12, 1, 12), until: local(2026, 12, 3) }, NOW);
    expect(r.filters).toEqual({ since: local(2026, 12, 1, 12), until: local(2026, 12, 2) });
    expect(r.filterLabels).toEqual(['yesterday', 'since:2026-12-01 12:00', 'before:2026-12-03']);
  });

  it('since and until that leave no time are a QueryError', () => {
    expect(() => toParsedQuery({ query: 'today', until: local(2026, 12, 1) }, NOW)).toThrow(/no time is both/);
    expect(() => toParsedQuery({ query: '', since: 10, until: 10 }, NOW)).toThrow(QueryError);
  });

  it('a bad query word is a QueryError naming it', () => {
    expect(() => toParsedQuery({ query: 'since:banana' }, NOW)).toThrow(expect.objectContaining({ word: 'since:banana' }));
  });

  it('an in: alternative equal to pathPrefix is kept once, the others drop out', () => {
    const a = toParsedQuery({ query: 'in:/a in:/b', pathPrefix: '/a' }, NOW);
    expect(a.filters.paths).toEqual(['/a']);
  });
});

describe('queryErrorToRpc', () => {
  it('a QueryError becomes BAD_REQUEST with the word; other errors pass through', () => {
    const rpc = queryErrorToRpc(new QueryError('kind:folder', 'kind:folder: expected …'));
    expect(rpc).toBeInstanceOf(RpcError);
    expect(rpc).toMatchObject({ code: 'BAD_REQUEST', message: 'kind:folder: expected …', details: { word: 'kind:folder' } });
    const other = new Error('x');
    expect(queryErrorToRpc(other)).toBe(other);
  });
});
