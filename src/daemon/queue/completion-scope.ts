// Exactly-once effects for jobs whose work is a database write: the write and the job's
// completion commit in one transaction. A stale lease token (the job was reclaimed and maybe
// re-leased) throws StaleLeaseError inside that transaction and rolls the write back, and a
// daemon killed before the commit leaves neither, so the retried job writes exactly once.
import type { CommitScope } from '../capture/capture-worker';
import type { SqlDatabase } from '../store/sql';
import type { JobQueue } from './job-queue';
import type { LeasedJob } from './types';

export interface CompletionScope {
  /** Runs a write and completes the job in the same transaction. */
  commit: CommitScope;
  /** Whether commit() has completed the job. */
  readonly completed: boolean;
}

export function completionScope(db: SqlDatabase, queue: JobQueue, job: LeasedJob): CompletionScope {
  let completed = false;
  return {
    commit: (write) => {
      let applyToView = () => {};
      const result = db.transaction(() => {
        const r = write();
        applyToView = queue.completeWithin(job.id, job.token);
        return r;
      });
      // Only after the commit: a rollback must leave the in-memory view untouched.
      applyToView();
      completed = true;
      return result;
    },
    get completed() {
      return completed;
    },
  };
}
