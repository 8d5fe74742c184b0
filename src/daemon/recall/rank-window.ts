// The pieces of bounded ranking that both searches share (search.ts explains the trade-off):
// the window of newest matches bm25 ranks, how it widens, the cut-off rowid that bounds it, and
// the snippet of one ranked chunk.
import type { SqlDatabase } from '../store/sql';

/** Matches ranked per query when they are more. */
export const DEFAULT_RANK_WINDOW = 20_000;
/** A window that yields too few memories grows by this factor until it covers every match. */
export const WIDEN = 8;

/** Chunk rowids a query is confined to (a narrow time filter), both ends inclusive. */
export interface RowidRange {
  lo: number;
  hi: number;
}

/** The rowid of the window-th newest match (inside `range`), or 0 when there are fewer matches (rank them all). */
export function cutoffRowid(db: SqlDatabase, match: string, window: number, range: RowidRange | null = null): number {
  // CAST: a JS number binds as REAL and FTS5 silently drops a rowid constraint on a real.
  return db
    .prepare<[string, number, number, number], { rowid: number }>(
      'SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER) ORDER BY rowid DESC LIMIT 1 OFFSET ?',
    )
    .get(match, range?.lo ?? 0, range?.hi ?? Number.MAX_SAFE_INTEGER, window)?.rowid ?? 0;
}

/** The highlighted snippet of one chunk for a MATCH expression; undefined when the chunk does not match it. */
export function chunkSnippet(db: SqlDatabase, match: string, chunkId: number): string | undefined {
  // CAST: a JS number binds as REAL and FTS5 (SQLite 3.54) silently drops a `rowid = <real>`
  // constraint, returning the first match instead of this chunk.
  return db
    .prepare<[string, number], { s: string }>(
      `SELECT snippet(chunks_fts, 0, '[', ']', '…', 16) AS s FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
    )
    .get(match, chunkId)?.s;
}
