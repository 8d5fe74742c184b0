// Shared shapes of the queue. The DB spells the retry state 'failed-retrying'; QueueCounts calls it 'retrying'.
import type { JobKind } from '../../shared/protocol';

export type JobState = 'queued' | 'leased' | 'done' | 'failed-retrying' | 'dead';

export interface LeasedJob {
  id: number;
  kind: JobKind;
  payload: unknown;
  /** Counting this attempt (1 on the first lease). */
  attempts: number;
  maxAttempts: number;
  /** Fencing token: only the holder of the current token may complete or fail the job. */
  token: string;
  dedupeKey: string | null;
}

export type FailResult = { state: 'failed-retrying'; nextRunAt: number } | { state: 'dead' };

/** The job was reclaimed (and maybe re-leased) or finished: this holder's result must be dropped. */
export class StaleLeaseError extends Error {
  constructor(readonly jobId: number, action: 'complete' | 'fail') {
    super(`cannot ${action} job ${jobId}: the lease token is stale (the job was reclaimed or is no longer leased)`);
    this.name = 'StaleLeaseError';
  }
}
