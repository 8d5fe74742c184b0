// Deletes finished jobs completed before a wall time, at most `limit` per call so one sweep never
// holds the write lock for long behind a large backlog.
import type { SqlDatabase } from '../store/sql';

const SQL = `DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs WHERE state = 'done' AND completed_at < ? LIMIT ?)`;

export function pruneDoneJobs(db: SqlDatabase, olderThanWallMs: number, limit: number): number {
  return db.prepare<[number, number]>(SQL).run(olderThanWallMs, limit).changes;
}
