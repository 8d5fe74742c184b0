// Defers a leased job that failed for a reason outside the job (the disk is full): back to
// failed-retrying at a fixed delay with its attempt refunded, so a long disk-full episode never
// makes an acknowledged capture dead. The retry alarm's one-shot timer brings it back; that retry
// is also how the daemon notices space is back without a timer of its own.
import type { SqlDatabase } from '../store/sql';

const SQL = `UPDATE jobs SET
  state = 'failed-retrying', attempts = max(0, attempts - 1), next_run_at = @runAt,
  last_error = @error, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND state = 'leased' AND lease_token = @token`;

/** True when deferred; false for a stale token. */
export function deferJob(db: SqlDatabase, id: number, token: string, error: string, now: number, delayMs: number): boolean {
  return db.prepare<[Record<string, number | string>]>(SQL).run({ id, token, error, now, runAt: now + delayMs }).changes === 1;
}
