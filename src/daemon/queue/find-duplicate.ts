// The waiting job (queued or retrying) of the same kind and dedupe key, if any. A leased job is
// not a duplicate: it may already have read stale input, so a new enqueue must run again.
import type { JobKind } from '../../shared/protocol';
import type { SqlDatabase } from '../store/sql';

// The state term repeats the partial index's WHERE verbatim so the planner uses jobs_dedupe.
const SQL = `SELECT id FROM jobs
WHERE kind = ? AND dedupe_key = ? AND dedupe_key IS NOT NULL AND state IN ('queued', 'failed-retrying')
ORDER BY id LIMIT 1`;

export function findWaitingDuplicate(db: SqlDatabase, kind: JobKind, dedupeKey: string): number | null {
  const row = db.prepare<[string, string], { id: number }>(SQL).get(kind, dedupeKey);
  return row?.id ?? null;
}
