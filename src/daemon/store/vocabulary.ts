// The vocabulary: every lowercased whole token and identifier part of the index, for typo
// candidates. Keyed (len, term) so candidates of one length and first letter are one index range
// (see recall/typo.ts for why that keeps a lookup bounded). Kept exact: filled on insert (INSERT
// OR IGNORE); every delete of chunks through the memory store (merge, per-file and age retention,
// delete) passes the deleted chunks' terms to dropUnusedTerms, which removes those no chunk holds
// any more (cost proportional to what was deleted, not to the index); a forget rebuilds it whole
// (rebuildVocabulary) after optimizing the index. Size: 0.4 MB of 253 MB at 100k synthetic chunks
// (docs/performance.md), so a copy is cheaper than deriving candidates from fts5vocab, whose rows
// read each term's whole doclist.
import type { SqlDatabase } from './sql';

/** Adds terms (already normalised, see recall/identifiers.ts); one statement for the whole list. */
export function addToVocabulary(db: SqlDatabase, terms: readonly string[]): void {
  if (terms.length === 0) return;
  db.prepare<[string]>(
    'INSERT OR IGNORE INTO vocabulary (len, term) SELECT length(value), value FROM json_each(?)',
  ).run(JSON.stringify(terms));
}

/**
 * Removes those of `terms` (normalised, as addToVocabulary got them) that no indexed chunk holds
 * now: one FTS lookup per term, in one statement. Call after the chunks are deleted, in the same
 * transaction. Returns how many terms left the vocabulary.
 */
export function dropUnusedTerms(db: SqlDatabase, terms: Iterable<string>): number {
  const list = [...terms];
  if (list.length === 0) return 0;
  return db.prepare<[string]>(
    `DELETE FROM vocabulary WHERE (len, term) IN (
       SELECT length(j.value), j.value FROM json_each(?) j
       WHERE NOT EXISTS (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH '"' || replace(j.value, '"', '""') || '"'))`,
  ).run(JSON.stringify(list)).changes;
}

/**
 * Rebuilds the vocabulary from what the FTS index holds now (fts5vocab over both columns), so words
 * of deleted memories are gone. Reads the whole index: seconds at 1M chunks; call after a forget,
 * not per query. Runs in the caller's transaction when there is one.
 */
export function rebuildVocabulary(db: SqlDatabase): number {
  db.prepare('DELETE FROM vocabulary').run();
  return db.prepare('INSERT OR IGNORE INTO vocabulary (len, term) SELECT length(term), term FROM chunks_vocab').run().changes;
}

/** Terms of exactly `len` characters that start with `first` (one index range). */
export function vocabularySlice(db: SqlDatabase, len: number, first: string): string[] {
  return db
    .prepare<[number, string, string], { term: string }>(
      'SELECT term FROM vocabulary WHERE len = ? AND term >= ? AND term < ? || char(1114111)',
    )
    .all(len, first, first)
    .map((r) => r.term);
}

/** Which of these exact terms the vocabulary holds (one primary-key probe each, one statement). */
export function vocabularyHas(db: SqlDatabase, terms: readonly string[]): string[] {
  if (terms.length === 0) return [];
  return db
    .prepare<[string], { term: string }>(
      `SELECT v.term AS term FROM json_each(?) j
       JOIN vocabulary v ON v.len = length(j.value) AND v.term = j.value`,
    )
    .all(JSON.stringify(terms))
    .map((r) => r.term);
}
