// A test adapter over the daemon's search: free words (no query language) as plain terms,
// through the same searchQuery the daemon's `recall` runs, with the hit shape stripped to the
// fields every search returns. Tests use it to check what a word finds without spelling a query.
import type { RecallHit } from '../../src/shared/protocol';
import { plainQuery } from '../../src/daemon/recall/plain-query';
import type { SearchOptions } from '../../src/daemon/recall/search';
import { searchQuery } from '../../src/daemon/recall/search-query';
import type { SqlDatabase } from '../../src/daemon/store/sql';

/**
 * Searches free user text (the `recall` params before the query language): a thin adapter over
 * searchQuery with the words as plain terms (see plain-query.ts). Input with nothing searchable
 * returns [] (an empty query lists nothing here, unlike searchQuery); it never throws a syntax error.
 * Its results are in searchQuery's order (tiers, then bm25), without the `match` explanation.
 */
export function searchMemories(db: SqlDatabase, opts: SearchOptions): RecallHit[] {
  const parsed = plainQuery(opts.query, {
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.pathPrefix !== undefined ? { paths: [opts.pathPrefix] } : {}),
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
  });
  if (!parsed.terms.some((t) => /[\p{L}\p{N}_]/u.test(t.text))) return [];
  return searchQuery(db, parsed, { limit: opts.limit }).map(({ match: _m, exitCode: _e, language: _l, ...hit }) => hit);
}
