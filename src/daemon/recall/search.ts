// Ranked full-text recall over memory chunks.
//
// Bounded ranking (the trade-off). bm25 costs ~1.4 us per matching row, so a term matching most
// of a 1M-chunk index takes ~1.5 s to rank and a 3-letter prefix ~2.8 s. Unranked reads in rowid
// order are ~0.2 ms. So when a query matches many rows we rank only the NEWEST `rankWindow`
// matches: one unranked `ORDER BY rowid DESC LIMIT 1 OFFSET rankWindow` finds the rowid cut-off,
// then bm25 ranks `rowid >= cutoff`. Chunk rowids grow with insertion (a merge re-inserts its
// chunks), so this is "best matches among recent work". A strong match older than the newest
// `rankWindow` matches of a broad query is not returned - acceptable for a memory of recent
// coding work, and narrower queries (the ones that match fewer rows than the window) are ranked
// exactly. If the window yields fewer than `limit` memories (filters, many chunks per memory) it
// widens 8x until it covers every match.
import type { MemoryKind, RecallHit } from '../../shared/protocol';
import type { SqlDatabase } from '../store/sql';
import { DEFAULT_RANK_WINDOW, WIDEN, chunkSnippet, cutoffRowid } from './rank-window';

export interface SearchOptions {
  query: string;
  limit?: number;
  kind?: MemoryKind;
  pathPrefix?: string;
  /** Wall epoch ms, inclusive, on captured_at. */
  since?: number;
  /** Wall epoch ms, exclusive, on captured_at. */
  until?: number;
}

export interface MatchOptions extends Omit<SearchOptions, 'query'> {
  /** Leave out memories of this exact path (related memories of a file exclude the file). */
  excludePath?: string;
  /** Matches ranked per query; Infinity ranks every match (the bench's baseline). */
  rankWindow?: number;
}

interface RankedRow {
  memoryId: number;
  chunkId: number;
  rank: number;
  kind: MemoryKind;
  path: string | null;
  title: string;
  capturedAt: number;
}

// Filters are nullable parameters so one cached statement serves every combination. The join is
// driven by the FTS match (MATCH is the only indexable constraint), each match costs two rowid
// lookups, which the rank window bounds. min(rank) with bare columns picks the best chunk per memory.
// Measured at 1M chunks: the FTS-only form `... AND rowid >= ? ORDER BY rank LIMIT 20` takes FTS5's
// sort-by-rank path and costs ~400-650 ms for a broad term (it does not benefit from the bound);
// this GROUP BY form sorts in SQLite and costs ~55-65 ms.
const RANKED_SQL = `
SELECT c.memory_id AS memoryId, f.rowid AS chunkId, min(f.rank) AS rank,
       m.kind AS kind, m.path AS path, m.title AS title, m.captured_at AS capturedAt
FROM chunks_fts f JOIN memory_chunks c ON c.chunk_id = f.rowid JOIN memories m ON m.id = c.memory_id
WHERE chunks_fts MATCH @match AND f.rowid >= @cutoff
  AND (@kind IS NULL OR m.kind = @kind)
  AND (@prefix IS NULL OR (m.path >= @prefix AND m.path < @prefix || char(1114111)))
  AND (@since IS NULL OR m.captured_at >= @since)
  AND (@until IS NULL OR m.captured_at < @until)
  AND (@exclude IS NULL OR m.path IS NOT @exclude)
GROUP BY c.memory_id
ORDER BY rank, m.captured_at DESC, c.memory_id DESC
LIMIT @limit`;

interface RankedParams {
  match: string;
  cutoff: number;
  kind: string | null;
  prefix: string | null;
  since: number | null;
  until: number | null;
  exclude: string | null;
  limit: number;
}

/** Runs an already-safe MATCH expression (built by query.ts) with filters and bounded ranking. */
export function searchMatch(db: SqlDatabase, match: string, opts: MatchOptions): RecallHit[] {
  const limit = Math.max(1, Math.min(opts.limit ?? 20, 200));
  let window = opts.rankWindow ?? DEFAULT_RANK_WINDOW;
  try {
    for (;;) {
      const cutoff = Number.isFinite(window) ? cutoffRowid(db, match, window) : 0;
      const rows = db.prepare<[RankedParams], RankedRow>(RANKED_SQL).all({
        match, cutoff, kind: opts.kind ?? null, prefix: opts.pathPrefix ?? null, since: opts.since ?? null,
        until: opts.until ?? null, exclude: opts.excludePath ?? null, limit,
      });
      if (rows.length >= limit || cutoff === 0) return rows.map((r) => toHit(db, match, r));
      window *= WIDEN;
    }
  } catch (err) {
    // Quoting makes syntax errors impossible for built queries; this guards the contract anyway.
    if (err instanceof Error && /fts5|syntax error|unterminated/i.test(err.message)) return [];
    throw err;
  }
}

function toHit(db: SqlDatabase, match: string, r: RankedRow): RecallHit {
  return {
    id: r.memoryId,
    kind: r.kind,
    path: r.path,
    title: r.title,
    capturedAt: new Date(r.capturedAt).toISOString(),
    snippet: chunkSnippet(db, match, r.chunkId) ?? '',
    // bm25 is negative, lower is better; the protocol wants higher is better.
    score: -r.rank,
  };
}
