import { describe, expect, it } from 'vitest';
import { chunkParts, indexTokens, normalizeToken, splitIdentifier, vocabularyTerms } from '../../../src/daemon/recall/identifiers';
import { damerauLevenshtein } from '../../../src/daemon/recall/edit-distance';

describe('identifier splitting', () => {
  it('camelCase splits at each capital', () => {
    expect(splitIdentifier('retryDelaysMs')).toEqual(['retry', 'delays', 'ms']);
  });
  it('PascalCase splits the same way', () => {
    expect(splitIdentifier('TaskPath')).toEqual(['task', 'path']);
  });
  it('snake_case splits at underscores', () => {
    expect(splitIdentifier('task_path')).toEqual(['task', 'path']);
    expect(splitIdentifier('__init__')).toEqual(['init']);
  });
  it('kebab-case splits at hyphens', () => {
    expect(splitIdentifier('task-path')).toEqual(['task', 'path']);
  });
  it('SCREAMING_CASE splits at underscores and stays one word per run', () => {
    expect(splitIdentifier('MAX_RETRY_COUNT')).toEqual(['max', 'retry', 'count']);
  });
  it('an acronym ends where the next capitalised word starts, and digits are their own part', () => {
    expect(splitIdentifier('HTTPServer2')).toEqual(['http', 'server', '2']);
    expect(splitIdentifier('parseURL')).toEqual(['parse', 'url']);
    expect(splitIdentifier('v2Api')).toEqual(['v', '2', 'api']);
  });
  it('parts are lowercased with diacritics stripped, like FTS5 unicode61', () => {
    expect(splitIdentifier('CaféMenü')).toEqual(['cafe', 'menu']);
    expect(normalizeToken('Cafe\u0301')).toBe('cafe');
    expect(indexTokens('Café naïve task_path foo-bar')).toEqual(['cafe', 'naive', 'task_path', 'foo', 'bar']);
  });
  it('only Latin letters lose their marks and other scripts split at their marks, as in unicode61', () => {
    expect(indexTokens('नमस्ते Cafe\u0301 x\u0301y')).toEqual(['नमस', 'त', 'cafe', 'xy']);
    expect(normalizeToken('Ñandú')).toBe('nandu');
  });
  it('a plain word is one part', () => {
    expect(splitIdentifier('retry')).toEqual(['retry']);
  });
  it('a chunk indexes the parts of its compound identifiers only, in order', () => {
    expect(chunkParts('const retryDelaysMs = [1, 2]; let x = task_path + plain;')).toBe('retry delays ms task path');
  });
  it('vocabulary terms are the distinct whole tokens and parts', () => {
    const text = 'taskPath = taskPath';
    expect(vocabularyTerms(text, chunkParts(text)).sort()).toEqual(['path', 'task', 'taskpath']);
  });
});

describe('Damerau-Levenshtein distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(damerauLevenshtein('taskpath', 'taskpath', 2)).toBe(0);
    expect(damerauLevenshtein('takspath', 'taskpath', 2)).toBe(1);
    expect(damerauLevenshtein('taskpth', 'taskpath', 2)).toBe(1);
    expect(damerauLevenshtein('taskpaath', 'taskpath', 2)).toBe(1);
    expect(damerauLevenshtein('taskpxth', 'taskpath', 2)).toBe(1);
    expect(damerauLevenshtein('tsakpaht', 'taskpath', 2)).toBe(2);
  });
  it('stops early once the distance exceeds the bound', () => {
    expect(damerauLevenshtein('abcdefgh', 'zyxwvuts', 1)).toBe(2);
    expect(damerauLevenshtein('ab', 'abcdef', 2)).toBe(3);
  });
});
