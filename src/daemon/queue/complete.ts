// Marks a leased job done, fenced by its lease token: a reclaimed job's old holder matches no row.
// A capture job's payload (maybe the captured text) is blanked as it completes: see blank-payloads.ts.
import type { SqlDatabase } from '../store/sql';
import { BLANK_PAYLOAD } from './blank-payloads';

const SQL = `UPDATE jobs SET state = 'done', payload = CASE WHEN kind = 'capture' THEN '${BLANK_PAYLOAD}' ELSE payload END, completed_at = @now, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id = @id AND state = 'leased' AND lease_token = @token`;

/** True when the job was completed; false when the token is stale. */
export function completeJob(db: SqlDatabase, id: number, token: string, now: number): boolean {
  return db.prepare<[{ now: number; id: number; token: string }]>(SQL).run({ now, id, token }).changes === 1;
}
