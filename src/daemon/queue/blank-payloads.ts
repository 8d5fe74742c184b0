// Blanks the stored payloads of finished capture jobs. A capture job's payload can hold the
// captured text itself (a selection, a terminal command, a text note, sometimes a file's content);
// once the job is done (or dead) nothing reads it again: leases only take queued and retrying jobs,
// and an idempotency key returns the job id only. So the text goes at completion (complete.ts,
// complete-many.ts write BLANK_PAYLOAD), and a forget blanks whatever is left (jobs finished
// before that rule, and dead jobs, which never complete) for the memories it forgets.
// Queued, leased and retrying jobs keep their payload: they are work still to do.
import type { SqlDatabase } from '../store/sql';

/** What a finished capture job keeps as its payload. */
export const BLANK_PAYLOAD = '{}';

const FINISHED = `kind = 'capture' AND state IN ('done', 'dead') AND payload <> '${BLANK_PAYLOAD}'`;
/** The folder a capture belongs to: a file or selection's path, a terminal command's cwd (as memories store it). */
const PAYLOAD_PATH = `coalesce(json_extract(payload, '$.path'), json_extract(payload, '$.cwd'))`;

/** Every finished capture job (forget --all). */
export function blankFinishedCapturePayloads(db: SqlDatabase): number {
  return db.prepare(`UPDATE jobs SET payload = '${BLANK_PAYLOAD}' WHERE ${FINISHED}`).run().changes;
}

/** Done capture jobs only: what a forget by id blanks (a dead job never became a memory). */
export function blankDoneCapturePayloads(db: SqlDatabase): number {
  return db
    .prepare(`UPDATE jobs SET payload = '${BLANK_PAYLOAD}' WHERE kind = 'capture' AND state = 'done' AND payload <> '${BLANK_PAYLOAD}'`)
    .run().changes;
}

/** Finished capture jobs whose path is `path` or under the folder `dir` (dir ends with a separator; dirEnd is its upper bound). */
export function blankFinishedCapturePayloadsUnder(db: SqlDatabase, path: string, dir: string, dirEnd: string): number {
  return db
    .prepare<[{ path: string; dir: string; dirEnd: string }]>(
      `UPDATE jobs SET payload = '${BLANK_PAYLOAD}' WHERE ${FINISHED}
       AND (${PAYLOAD_PATH} = @path OR (${PAYLOAD_PATH} >= @dir AND ${PAYLOAD_PATH} < @dirEnd))`,
    )
    .run({ path, dir, dirEnd }).changes;
}

/** Finished capture jobs captured (or, without a capture time, enqueued) before a wall time. */
export function blankFinishedCapturePayloadsBefore(db: SqlDatabase, before: number): number {
  return db
    .prepare<[number]>(
      `UPDATE jobs SET payload = '${BLANK_PAYLOAD}' WHERE ${FINISHED}
       AND coalesce(json_extract(payload, '$.capturedAt'), created_at) < ?`,
    )
    .run(before).changes;
}
