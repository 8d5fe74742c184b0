// The earliest retry deadline (wall ms), from the partial index jobs_retry: ~2 us however many rows.
import type { SqlDatabase } from '../store/sql';

const SQL = `SELECT min(next_run_at) AS at FROM jobs WHERE state = 'failed-retrying'`;

export function earliestRetry(db: SqlDatabase): number | null {
  return db.prepare<[], { at: number | null }>(SQL).get()?.at ?? null;
}
