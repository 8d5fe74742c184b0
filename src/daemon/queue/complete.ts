// Marks a leased job done, fenced by its lease token: a reclaimed job's old holder matches no row.
import type { SqlDatabase } from '../store/sql';

const SQL = `UPDATE jobs SET state = 'done', completed_at = @now, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND state = 'leased' AND lease_token = @token`;

/** True when the job was completed; false when the token is stale. */
export function completeJob(db: SqlDatabase, id: number, token: string, now: number): boolean {
  return db.prepare<[{ now: number; id: number; token: string }]>(SQL).run({ now, id, token }).changes === 1;
}
