// Gives back a leased job that was never started (the daemon began stopping while the job waited
// for its start in the batch): back to queued, and the attempt its lease counted is returned, so
// it cannot be pushed towards dead by a shutdown.
import type { SqlDatabase } from '../store/sql';
import type { ReclaimedRow } from './reap-expired';

const SQL = `UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
WHERE id = @id AND state = 'leased' AND lease_token = @token
RETURNING id, state`;

export function releaseJob(db: SqlDatabase, id: number, token: string, now: number): ReclaimedRow[] {
  return db.prepare<[{ id: number; token: string; now: number }], ReclaimedRow>(SQL).all({ id, token, now });
}
