// At start-up every leased job belongs to a dead daemon (one daemon owns a data dir), so all of
// them return to queued at once without waiting for their leases to expire. As in the reaper, a
// job that was on its last attempt goes dead: it may be what killed the daemon.
import type { SqlDatabase } from '../store/sql';
import type { ReclaimedRow } from './reap-expired';

const SQL = `UPDATE jobs SET
  state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
  last_error = CASE WHEN attempts >= max_attempts THEN 'daemon stopped during attempt ' || attempts || ' of ' || max_attempts ELSE last_error END,
  lease_token = NULL, lease_expires_at = NULL, updated_at = @now
WHERE state = 'leased'
RETURNING id, state`;

export function recoverLeasedJobs(db: SqlDatabase, now: number): ReclaimedRow[] {
  return db.prepare<[{ now: number }], ReclaimedRow>(SQL).all({ now });
}
