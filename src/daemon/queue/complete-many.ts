// Marks a batch of leased jobs done in one statement, each fenced by its own lease token (a JSON
// object maps id -> token). Returns the ids completed; a missing id had a stale token.
// A capture job's payload (maybe the captured text) is blanked as it completes: see blank-payloads.ts.
import type { SqlDatabase } from '../store/sql';
import { BLANK_PAYLOAD } from './blank-payloads';

const SQL = `UPDATE jobs SET state = 'done', payload = CASE WHEN kind = 'capture' THEN '${BLANK_PAYLOAD}' ELSE payload END, completed_at = @now, updated_at = @now, lease_token = NULL, lease_expires_at = NULL
WHERE id IN (SELECT CAST(key AS INTEGER) FROM json_each(@tokens))
  AND state = 'leased' AND lease_token = json_extract(@tokens, '$."' || id || '"')
RETURNING id`;

export function completeJobs(db: SqlDatabase, batch: ReadonlyArray<{ id: number; token: string }>, now: number): Set<number> {
  const tokens = JSON.stringify(Object.fromEntries(batch.map((j) => [String(j.id), j.token])));
  const rows = db.prepare<[{ tokens: string; now: number }], { id: number }>(SQL).all({ tokens, now });
  return new Set(rows.map((r) => r.id));
}
