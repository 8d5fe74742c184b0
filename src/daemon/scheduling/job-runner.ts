// Runs one leased job and records what came of it in the queue:
// - done: completed (with the handler's durable write, in one transaction, when it made one);
// - stale lease (the job was reclaimed meanwhile): its result is dropped, the queue already has it;
// - cancelled (its signal aborted: the daemon is stopping and the job outlived the drain): back to
//   queued with the attempt refunded, so the next start runs it again; never failed, never lost;
// - disk full: not the job's fault, deferred with the attempt refunded;
// - any other error: a failed attempt, retried with backoff, or dead after maxAttempts.
import type { Logger } from '../../shared/logger';
import type { CommitScope } from '../capture/capture-worker';
import type { DaemonCounters } from '../counters';
import type { DiskFullState } from '../health/disk-full';
import type { CompletionGroup } from '../queue/completion-scope';
import { type JobQueue, type LeasedJob, StaleLeaseError } from '../queue/job-queue';
import type { RetryAlarm } from '../queue/retry-alarm';
import type { DamageWatch } from '../store/damage-watch';
import { errorMessage } from '../../shared/error-message';

/**
 * Runs one job; a durable write goes through `commit`, which also completes the job. A handler
 * with several units of work checks `signal` between them (`signal.throwIfAborted()`).
 */
export type JobHandler = (job: LeasedJob, commit: CommitScope, signal: AbortSignal) => Promise<void>;

/** A job refused by a full disk is tried again after this long (attempt refunded). */
export const DISK_FULL_RETRY_MS = 10_000;

export interface JobRunnerOptions {
  queue: JobQueue;
  /** Captures ready in the same turn commit in one transaction (completion-scope.ts). */
  completions: CompletionGroup;
  counters: DaemonCounters;
  diskFull: DiskFullState;
  damage: DamageWatch;
  retryAlarm: RetryAlarm;
  /** A job is about to run (the `jobStarted` event). */
  onStarted: (job: LeasedJob) => void;
}

export class JobRunner {
  constructor(private readonly opts: JobRunnerOptions) {}

  async run(job: LeasedJob, handle: JobHandler, signal: AbortSignal, log: Logger): Promise<void> {
    const { queue, counters, diskFull } = this.opts;
    this.opts.onStarted(job);
    // The handler's durable write and the job's completion commit together, or not at all.
    const scope = this.opts.completions.scope(job);
    try {
      await handle(job, scope.commit, signal);
      if (!scope.completed) queue.completeSoon(job.id, job.token);
      counters.jobsCompleted++;
      // Only a job that wrote (its commit went through) proves the disk takes writes again.
      if (scope.completed) diskFull.succeeded();
    } catch (error) {
      if (error instanceof StaleLeaseError) {
        log.warn(`job ${job.id}: ${error.message}; its result was dropped`);
        return;
      }
      if (signal.aborted) {
        this.handBack(job, signal, log);
        return;
      }
      this.recordFailure(job, error, log);
    }
  }

  private handBack(job: LeasedJob, signal: AbortSignal, log: Logger): void {
    const why = errorMessage(signal.reason);
    try {
      if (this.opts.queue.release(job.id, job.token)) log.info(`job ${job.id} ${why}; back in the queue, attempt refunded`);
      else log.warn(`job ${job.id} ${why}; its lease was already stale`);
    } catch (error) {
      // It stays leased: the next start puts every leased job back in the queue.
      log.warn(`job ${job.id} ${why}; could not hand it back (${errorMessage(error)}), the next start re-queues it`);
    }
  }

  private recordFailure(job: LeasedJob, error: unknown, log: Logger): void {
    const { queue, counters, diskFull, retryAlarm } = this.opts;
    this.opts.damage.note(error, `${job.kind} job`);
    const message = errorMessage(error);
    counters.jobsFailed++;
    try {
      if (diskFull.refused(error)) {
        // Not the job's fault: no attempt spent. The one-shot retry finds out when space is back.
        const deferred = queue.defer(job.id, job.token, message, DISK_FULL_RETRY_MS);
        retryAlarm.arm(deferred.nextRunAt);
        return;
      }
      const failed = queue.fail(job.id, job.token, message);
      if (failed.state === 'failed-retrying') {
        log.warn(`job ${job.id} failed (attempt ${job.attempts}/${job.maxAttempts}), retry at ${new Date(failed.nextRunAt).toISOString()}: ${message}`);
        retryAlarm.arm(failed.nextRunAt);
      } else {
        log.error(`job ${job.id} is dead after ${job.attempts} attempt(s): ${message}`);
      }
    } catch (failError) {
      log.warn(`job ${job.id}: could not record failure: ${errorMessage(failError)}`);
    }
  }
}
