// Jobs per state. A full scan: run once at start to seed the in-memory view, never by status.
import type { QueueCounts } from '../../shared/status';
import type { SqlDatabase } from '../store/sql';
import type { JobState } from './types';

const SQL = `SELECT state, count(*) AS n FROM jobs GROUP BY state`;

export function countJobStates(db: SqlDatabase): QueueCounts {
  const counts: QueueCounts = { queued: 0, leased: 0, retrying: 0, dead: 0, done: 0 };
  for (const { state, n } of db.prepare<[], { state: JobState; n: number }>(SQL).all()) {
    counts[state === 'failed-retrying' ? 'retrying' : state] += n;
  }
  return counts;
}
