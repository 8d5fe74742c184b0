// The durable job queue's one facade. Every write goes through here so the in-memory view stays
// exact, and every enqueue goes through enqueueBatch so the wake hook fires from one place.
// Each SQL operation lives in its own small file; this class sequences them and keeps the view.
import type { JobInput, JobKind } from '../../shared/protocol';
import type { Logger } from '../../shared/logger';
import type { QueueCounts } from '../../shared/status';
import type { Clock, Timer } from '../../shared/clock';
import type { SqlDatabase } from '../store/sql';
import { buryJob } from './bury';
import { completeJob } from './complete';
import { completeJobs } from './complete-many';
import { countJobStates } from './count-states';
import { earliestRetry } from './earliest-retry';
import { insertJob } from './enqueue';
import { failJob } from './fail';
import { deferJob } from './defer';
import { findWaitingDuplicate } from './find-duplicate';
import { findByIdempotencyKey } from './find-by-idempotency-key';
import { leaseJobs } from './lease';
import { listRetries } from './list-retries';
import { pruneDoneJobs } from './prune-done';
import { QueueView } from './queue-view';
import { reapExpiredLeases } from './reap-expired';
import { recoverLeasedJobs } from './recover-leased';
import { releaseJob } from './release';
import { type FailResult, type LeasedJob, StaleLeaseError } from './types';

export { type FailResult, type LeasedJob, StaleLeaseError } from './types';
import { errorMessage } from '../../shared/error-message';

export interface JobQueueOptions {
  db: SqlDatabase;
  clock: Clock;
  log: Logger;
  /** Read on every call: both settings apply live. */
  settings: () => { maxAttempts: number; leaseMs: number };
  /** Fired once per committed enqueue that created jobs, with their distinct kinds. */
  onEnqueued: (kinds: JobKind[]) => void;
  /** [0, 1); injectable so tests pin the retry jitter. */
  random?: () => number;
}

const MAX_ERROR_CHARS = 4_000;
/** A deferred completion is flushed with the next lease; this timer only covers "no lease follows". */
const COMPLETION_FLUSH_DELAY_MS = 10;
const COMPLETION_RETRY_DELAY_MS = 1_000;
const PRUNE_BATCH = 1_000;

export class JobQueue {
  readonly view: QueueView;
  private readonly random: () => number;
  private pendingCompletions: Array<{ id: number; token: string }> = [];
  private flushTimer: Timer | null = null;

  constructor(private readonly opts: JobQueueOptions) {
    this.random = opts.random ?? Math.random;
    this.view = new QueueView(opts.clock, this.countStates(), listRetries(opts.db));
  }

  enqueue(input: JobInput): number {
    const [id] = this.enqueueBatch([input]);
    return id!;
  }

  /**
   * The single enqueue chokepoint: all inputs in one transaction. An idempotencyKey seen before
   * (any state) returns that job's id; a dedupeKey matching a job of the same kind still waiting
   * (queued or retrying) returns that job's id instead of a new row.
   */
  enqueueBatch(inputs: readonly JobInput[]): number[] {
    if (inputs.length === 0) return [];
    const { db, clock } = this.opts;
    const now = clock.now();
    const { maxAttempts } = this.opts.settings();
    const kinds = new Set<JobKind>();
    let created = 0;
    // One plain INSERT commits atomically on its own: no explicit transaction (two statements) needed.
    const single = inputs.length === 1 && inputs[0]!.dedupeKey === undefined && inputs[0]!.idempotencyKey === undefined;
    const run = single ? <T>(fn: () => T): T => fn() : <T>(fn: () => T): T => db.transaction(fn);
    const ids = run(() =>
      inputs.map((input) => {
        const seen = input.idempotencyKey === undefined ? null : findByIdempotencyKey(db, input.idempotencyKey);
        if (seen !== null) return seen;
        const existing = input.dedupeKey === undefined ? null : findWaitingDuplicate(db, input.kind, input.dedupeKey);
        if (existing !== null) return existing;
        created++;
        kinds.add(input.kind);
        return insertJob(db, input, maxAttempts, now);
      }),
    );
    // Only after the commit: the jobs are durable, so neither the view nor the hook can get ahead of the disk.
    this.view.applyEnqueued(created);
    if (kinds.size > 0) {
      try {
        this.opts.onEnqueued([...kinds]);
      } catch (error) {
        // The jobs are committed; a failed wake only delays them (the next poll or sweep finds them).
        this.opts.log.error(`onEnqueued hook threw after a committed enqueue of ${created} job(s): ${errorMessage(error)}`);
      }
    }
    return ids;
  }

  /** Takes up to `max` ready jobs of `kind`, each with a fresh lease token. */
  lease(kind: JobKind, max: number): LeasedJob[] {
    if (max <= 0) return [];
    const now = this.opts.clock.now();
    const leaseMs = this.opts.settings().leaseMs;
    // Completions deferred since the last lease commit in the same transaction as this lease; the
    // view learns of them only after that commit, and a rollback puts them back in line.
    let raw: ReturnType<typeof leaseJobs>;
    if (this.pendingCompletions.length > 0) {
      const batch = this.takePendingCompletions();
      let completed = 0;
      try {
        raw = this.opts.db.transaction(() => {
          completed = this.writeCompletions(batch, now);
          return leaseJobs(this.opts.db, kind, max, now, leaseMs);
        });
      } catch (error) {
        this.restorePendingCompletions(batch);
        throw error;
      }
      for (let i = 0; i < completed; i++) this.view.applyCompleted();
    } else {
      raw = leaseJobs(this.opts.db, kind, max, now, leaseMs);
    }
    this.view.applyLeased(raw.map((job) => job.id));
    const jobs: LeasedJob[] = [];
    for (const { payloadText, ...job } of raw) {
      try {
        jobs.push({ ...job, payload: JSON.parse(payloadText) as unknown });
      } catch (error) {
        const reason = `unreadable payload: ${errorMessage(error)}`;
        if (buryJob(this.opts.db, job.id, job.token, reason, now)) this.view.applyBuried();
        this.opts.log.error(`job ${job.id} (${job.kind}) is dead: ${reason}`);
      }
    }
    return jobs;
  }

  /** Marks a leased job done. Throws StaleLeaseError unless `token` is the job's current lease. */
  complete(id: number, token: string): void {
    if (!completeJob(this.opts.db, id, token, this.opts.clock.now())) throw new StaleLeaseError(id, 'complete');
    this.view.applyCompleted();
  }

  /**
   * Completes a job whose work wrote nothing durable of its own (a recall, a skipped capture):
   * the completion is batched into the next lease's transaction, or flushed within
   * COMPLETION_FLUSH_DELAY_MS. A daemon killed in between re-runs the job, which such work
   * tolerates; work with a durable effect completes through its own transaction instead.
   */
  completeSoon(id: number, token: string): void {
    this.pendingCompletions.push({ id, token });
    this.armCompletionFlush(COMPLETION_FLUSH_DELAY_MS);
  }

  /**
   * For a caller's own transaction (a capture's write): completes the job in SQL, or throws
   * StaleLeaseError, and returns what to apply once that transaction has committed, so the view
   * never counts a completion that a rollback undid.
   */
  completeWithin(id: number, token: string): () => void {
    if (!completeJob(this.opts.db, id, token, this.opts.clock.now())) throw new StaleLeaseError(id, 'complete');
    return () => this.view.applyCompleted();
  }

  /** Writes every deferred completion in one transaction (at hibernate and at shutdown too). */
  flushCompletions(): void {
    if (this.pendingCompletions.length === 0) return;
    const batch = this.takePendingCompletions();
    let completed: number;
    try {
      completed = this.opts.db.transaction(() => this.writeCompletions(batch, this.opts.clock.now()));
    } catch (error) {
      this.restorePendingCompletions(batch);
      throw error;
    }
    for (let i = 0; i < completed; i++) this.view.applyCompleted();
  }

  private armCompletionFlush(delayMs: number): void {
    this.flushTimer ??= this.opts.clock.setTimeout(() => {
      this.flushTimer = null;
      try {
        this.flushCompletions();
      } catch (error) {
        // A full disk or an I/O error must not crash the daemon: the batch is back in line and is
        // retried (also by the next lease). Until then those jobs stay leased, never lost.
        this.opts.log.error(`could not record ${this.pendingCompletions.length} completion(s), retrying in 1 s: ${errorMessage(error)}`);
        this.armCompletionFlush(COMPLETION_RETRY_DELAY_MS);
      }
    }, delayMs);
  }

  private takePendingCompletions(): Array<{ id: number; token: string }> {
    this.flushTimer?.dispose();
    this.flushTimer = null;
    const batch = this.pendingCompletions;
    this.pendingCompletions = [];
    return batch;
  }

  private restorePendingCompletions(batch: Array<{ id: number; token: string }>): void {
    this.pendingCompletions = batch.concat(this.pendingCompletions);
    this.armCompletionFlush(COMPLETION_RETRY_DELAY_MS);
  }

  /** Inside a transaction: completes each job whose token is current (one statement); returns how many. */
  private writeCompletions(batch: ReadonlyArray<{ id: number; token: string }>, now: number): number {
    const done = completeJobs(this.opts.db, batch, now);
    for (const { id } of batch) {
      if (!done.has(id)) this.opts.log.warn(new StaleLeaseError(id, 'complete').message + '; its result was dropped');
    }
    return done.size;
  }


  /** Returns an unstarted leased job to the queue, attempt refunded; false if its token is stale. */
  release(id: number, token: string): boolean {
    const rows = releaseJob(this.opts.db, id, token, this.opts.clock.now());
    this.view.applyReclaimed(rows);
    return rows.length === 1;
  }

  /** Records a failed attempt: a backoff retry, or dead after max_attempts. Throws StaleLeaseError on a stale token. */
  fail(id: number, token: string, error: string): FailResult {
    const jitter = 0.75 + 0.5 * this.random();
    const message = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}...` : error;
    const result = failJob(this.opts.db, id, token, message, this.opts.clock.now(), jitter);
    if (!result) throw new StaleLeaseError(id, 'fail');
    this.view.applyFailed(id, result);
    return result;
  }

  /** A failure outside the job (disk full): retried after `delayMs`, attempt refunded. Throws StaleLeaseError on a stale token. */
  defer(id: number, token: string, error: string, delayMs: number): { state: 'failed-retrying'; nextRunAt: number } {
    const now = this.opts.clock.now();
    if (!deferJob(this.opts.db, id, token, error.slice(0, MAX_ERROR_CHARS), now, delayMs)) throw new StaleLeaseError(id, 'fail');
    const result = { state: 'failed-retrying' as const, nextRunAt: now + delayMs };
    this.view.applyFailed(id, result);
    return result;
  }

  /** At start-up: every leased job belonged to a dead daemon; all return to queued at once. */
  recoverLeased(): number {
    const rows = recoverLeasedJobs(this.opts.db, this.opts.clock.now());
    this.view.applyReclaimed(rows);
    this.logReclaimed('recovered from a previous daemon', rows);
    return rows.length;
  }

  /** Leases past their deadline return to queued (their holders' tokens become stale). */
  reapExpired(): number {
    const rows = reapExpiredLeases(this.opts.db, this.opts.clock.now());
    this.view.applyReclaimed(rows);
    this.logReclaimed('reclaimed from expired leases', rows);
    return rows.length;
  }

  /** Earliest retry deadline (wall ms) from the database; the view has the same without SQL. */
  earliestRetryAt(): number | null {
    return earliestRetry(this.opts.db);
  }

  /** Deletes done jobs completed before `olderThanWallMs`, at most `limit` per call. */
  pruneDone(olderThanWallMs: number, limit = PRUNE_BATCH): number {
    const n = pruneDoneJobs(this.opts.db, olderThanWallMs, limit);
    this.view.applyPruned(n);
    return n;
  }

  /** Counts per state from SQL (a full scan): seeds the view at start, and lets tests check it. */
  countStates(): QueueCounts {
    return countJobStates(this.opts.db);
  }

  dispose(): void {
    this.flushTimer?.dispose();
    this.flushTimer = null;
    this.view.dispose();
  }

  private logReclaimed(what: string, rows: ReadonlyArray<{ id: number; state: string }>): void {
    if (rows.length === 0) return;
    const dead = rows.filter((r) => r.state === 'dead').map((r) => r.id);
    const suffix = dead.length > 0 ? `; on their last attempt, now dead: ${dead.join(', ')}` : '';
    this.opts.log.warn(`${rows.length} job(s) ${what}${suffix}`);
  }
}
