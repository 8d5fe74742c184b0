// Expired leases go back to queued (their holder is presumed hung or gone; its token is now
// stale). A job whose lease expired on its last allowed attempt goes dead instead, so a job that
// hangs or kills its worker every time cannot cycle forever.
import type { SqlDatabase } from '../store/sql';

const SQL = `UPDATE jobs SET
  state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
  last_error = CASE WHEN attempts >= max_attempts THEN 'lease expired on attempt ' || attempts || ' of ' || max_attempts ELSE last_error END,
  lease_token = NULL, lease_expires_at = NULL, updated_at = @now
WHERE state = 'leased' AND lease_expires_at <= @now
RETURNING id, state`;

export interface ReclaimedRow {
  id: number;
  state: 'queued' | 'dead';
}

export function reapExpiredLeases(db: SqlDatabase, now: number): ReclaimedRow[] {
  return db.prepare<[{ now: number }], ReclaimedRow>(SQL).all({ now });
}
