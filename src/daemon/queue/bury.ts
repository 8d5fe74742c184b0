// Marks a leased job dead at once, fenced by its token: for a job that can never succeed
// (its stored payload does not parse), where retrying would only burn attempts.
import type { SqlDatabase } from '../store/sql';

const SQL = `UPDATE jobs SET state = 'dead', last_error = @reason, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND state = 'leased' AND lease_token = @token`;

export function buryJob(db: SqlDatabase, id: number, token: string, reason: string, now: number): boolean {
  return db.prepare<[{ reason: string; now: number; id: number; token: string }]>(SQL).run({ reason, now, id, token }).changes === 1;
}
