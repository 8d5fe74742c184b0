// Exactly-once effects for jobs whose work is a database write: the write and the job's
// completion commit in one transaction. A stale lease token (the job was reclaimed and maybe
// re-leased) throws StaleLeaseError inside that transaction and rolls the write back, and a
// daemon killed before the commit leaves neither, so the retried job writes exactly once.
//
// Group commit: the writes asked for in the same turn of the event loop (the captures a tick
// started, whose files were read together) share one transaction, each job's write and completion
// in a savepoint of its own, so a stale token rolls back only that job. bench/capture-commit-forms.ts
// (real WAL file, the real schema, small file captures, median of 5 interleaved rounds): 1 per
// transaction ~1.3k captures/s, 4 per transaction ~2.1k/s (1.6x), 16 ~2.6k/s (1.95x).
import type { CommitScope } from '../capture/capture-worker';
import type { SqlDatabase } from '../store/sql';
import type { JobQueue } from './job-queue';
import type { LeasedJob } from './types';

export interface CompletionScope {
  /** Runs a write and completes the job in the same transaction; resolves once it has committed. */
  commit: CommitScope;
  /** Whether commit() has completed the job. */
  readonly completed: boolean;
}

interface Pending {
  job: LeasedJob;
  write: () => unknown;
  settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void;
}

export class CompletionGroup {
  private pending: Pending[] = [];

  constructor(
    private readonly db: SqlDatabase,
    private readonly queue: JobQueue,
    /** When the group commits: default the next turn of the event loop (setImmediate, no timer). */
    private readonly schedule: (flush: () => void) => void = (flush) => void setImmediate(flush),
  ) {}

  scope(job: LeasedJob): CompletionScope {
    let completed = false;
    return {
      commit: <T>(write: () => T) =>
        new Promise<T>((resolve, reject) => {
          this.pending.push({
            job,
            write,
            settle: (outcome) => {
              if (!outcome.ok) return reject(outcome.error);
              completed = true;
              resolve(outcome.value as T);
            },
          });
          // The first write of a group arms its flush (after the push: a scheduler may flush at once).
          if (this.pending.length === 1) this.schedule(() => this.flush());
        }),
      get completed() {
        return completed;
      },
    };
  }

  /** Commits every write asked for since the last flush, in one transaction. */
  flush(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown; apply: () => void } | { ok: false; error: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const { job, write } of group) {
          try {
            // A savepoint per job: its failure (a stale token, a skip) undoes its own write only.
            let apply = () => {};
            const value = this.db.transaction(() => {
              const r = write();
              apply = this.queue.completeWithin(job.id, job.token);
              return r;
            });
            outcomes.push({ ok: true, value, apply });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed (disk full, I/O): nothing of the group was written.
      for (const p of group) p.settle({ ok: false, error });
      return;
    }
    // Only after the commit: a rollback must leave the in-memory view untouched.
    group.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) outcome.apply();
      p.settle(outcome);
    });
  }
}
