// Every pending retry with its deadline: loaded once at start so the in-memory view can tell
// which retries are due without SQL. Retrying jobs are few (they back off), so this is small.
import type { SqlDatabase } from '../store/sql';

const SQL = `SELECT id, next_run_at AS nextRunAt FROM jobs WHERE state = 'failed-retrying'`;

export function listRetries(db: SqlDatabase): Array<{ id: number; nextRunAt: number }> {
  return db.prepare<[], { id: number; nextRunAt: number }>(SQL).all();
}
