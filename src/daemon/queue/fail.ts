// Records a failed attempt, fenced by the lease token. One statement decides retry or dead and
// computes the backoff from the stored attempt count (attempts counts the lease that just failed):
//   delay = min(cap, base * 2^(attempts-1) * jitter), jitter in [0.75, 1.25) chosen by the caller.
// Jitter spreads retries of jobs that failed together (e.g. a disk hiccup) so they don't stampede.
import type { SqlDatabase } from '../store/sql';
import type { FailResult } from './types';

const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 60 * 60 * 1_000;

const SQL = `UPDATE jobs SET
  state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed-retrying' END,
  next_run_at = CASE WHEN attempts >= max_attempts THEN next_run_at
    ELSE @now + min(@cap, CAST(@base * (1 << min(attempts - 1, 40)) * @jitter AS INTEGER)) END,
  last_error = @error, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND state = 'leased' AND lease_token = @token
RETURNING state, next_run_at AS nextRunAt`;

/** The job's new state, or null when the token is stale. */
export function failJob(db: SqlDatabase, id: number, token: string, error: string, now: number, jitter: number): FailResult | null {
  const row = db
    .prepare<[Record<string, number | string>], { state: 'dead' | 'failed-retrying'; nextRunAt: number }>(SQL)
    .get({ now, cap: RETRY_CAP_MS, base: RETRY_BASE_MS, jitter, error, id, token });
  if (!row) return null;
  return row.state === 'dead' ? { state: 'dead' } : { state: 'failed-retrying', nextRunAt: row.nextRunAt };
}
