// The job enqueued earlier with the same idempotency key, in any state (see migration 003).
import type { SqlDatabase } from '../store/sql';

// The IS NOT NULL term repeats the partial index's WHERE so the planner uses jobs_idempotency.
const SQL = 'SELECT id FROM jobs WHERE idempotency_key = ? AND idempotency_key IS NOT NULL';

export function findByIdempotencyKey(db: SqlDatabase, key: string): number | null {
  const row = db.prepare<[string], { id: number }>(SQL).get(key);
  return row?.id ?? null;
}
