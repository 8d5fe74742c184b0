// Dispatcher: the batched dequeue shared by the capture and recall loops. One tick leases up to
// min(free slots, spawnsPerTick) jobs and starts them without awaiting them. Paced work (see
// pacing-policy.ts: work that calls a rate-limited resource) is spaced by a random jitter
// (spawnJitterMs) so a burst does not hit that resource N times in the same millisecond; unpaced
// work (capture, recall: local) starts at once. A settled job frees its slot and calls
// onSlotFreed (the loop's wake), so a saturated loop resumes without polling.
//
// Outcomes: 'work' when jobs were leased; 'saturated' when no slot is free while jobs are in
// flight (a freed slot wakes the loop, so the backoff is left alone); 'idle' when the queue is
// empty, or when there is no slot with nothing in flight (maxConcurrent 0: no slot will ever free
// itself, so the loop must back off rather than poll at the floor).
//
// stop() ends starting: jobs of a batch still waiting out the jitter are not started but handed
// to onAbandoned (the owner returns them to the queue), and no further tick leases anything.
// drain(signal) waits for the jobs already started, until the signal aborts; cancel() aborts the
// signal every started job was given, so handlers that can stop early do (the owner decides what
// happens to a job cancelled that way: the daemon returns it to the queue).
import type { Logger } from '../../shared/logger';
import type { Clock } from '../../shared/clock';
import { type Pacing, pauseBetweenStarts } from './pacing-policy';
import type { TickResult } from './poll-loop';
import { errorMessage } from '../../shared/error-message';

/** The reason of a job signal aborted by Dispatcher.cancel(). */
export class JobCancelledError extends Error {
  constructor(reason: string) {
    super(`cancelled: ${reason}`);
    this.name = 'JobCancelledError';
  }
}

export interface DispatchOptions {
  spawnsPerTick: number;
  maxConcurrent: number;
  spawnJitterMs: [number, number];
}

export interface DispatcherOptions<J extends { id: number }> {
  name: string;
  clock: Clock;
  /** Leases up to `max` jobs (marks them leased in the queue); [] when none are due. */
  lease: (max: number) => J[];
  /** Runs one job, completing or failing it in the queue itself; `signal` aborts on cancel(). */
  run: (job: J, signal: AbortSignal) => Promise<void>;
  /** Read at every tick, so live reloads apply at once. */
  options: () => DispatchOptions;
  /** Whether starts of this work are spaced by spawnJitterMs (PACING_BY_KIND for the daemon's kinds). */
  pacing: Pacing;
  random?: () => number;
  log: Logger;
  onSlotFreed: () => void;
  /**
   * Leased jobs that stop() kept from starting (they were waiting out the jitter). The owner
   * releases them; without this option they stay leased until their lease expires.
   */
  onAbandoned?: (jobs: J[]) => void;
}

export class Dispatcher<J extends { id: number }> {
  readonly name: string;
  /** Leased jobs not yet settled, including those waiting out the jitter to start. */
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** Ends the jitter pause in progress at once (set only while a tick is pausing). */
  private endPause: (() => void) | null = null;
  /** Given to every job started; aborted by cancel(). */
  private readonly cancellation = new AbortController();

  constructor(private readonly opts: DispatcherOptions<J>) {
    this.name = opts.name;
  }

  get inFlight(): number {
    return this.running;
  }

  async tick(): Promise<TickResult> {
    if (this.stopped) return { outcome: 'idle' };
    const { spawnsPerTick, maxConcurrent, spawnJitterMs } = this.opts.options();
    const free = maxConcurrent - this.running;
    // No slot: saturated only if a job in flight will free one (and wake the loop); with nothing
    // in flight (maxConcurrent 0) waiting for a slot is waiting forever, so back off instead.
    if (free <= 0) return { outcome: this.running > 0 ? 'saturated' : 'idle' };
    const jobs = this.opts.lease(Math.min(free, spawnsPerTick));
    if (jobs.length === 0) return { outcome: 'idle' };
    // Count the whole batch at once: leased jobs own their slots even while waiting to start.
    this.running += jobs.length;
    const between = pauseBetweenStarts(this.opts.pacing, spawnJitterMs);
    for (const [i, job] of jobs.entries()) {
      if (i > 0) await this.pause(between);
      if (this.stopped) {
        this.abandon(jobs.slice(i));
        break;
      }
      this.opts.log.info(`start job ${job.id} slot ${i + 1}/${jobs.length}`);
      this.start(job);
    }
    return { outcome: 'work' };
  }

  /**
   * Stops starting jobs: the rest of a batch waiting out the jitter is handed to onAbandoned at
   * once, and later ticks lease nothing. Jobs already started run on; drain() waits for them.
   * Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endPause?.();
  }

  /** Waits for the jobs in flight; true once they have all settled, false if `signal` aborts first. */
  drain(signal: AbortSignal): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.idleWaiters.push(waiter);
    });
  }

  /** Aborts the signal of every job started (and of any started later): handlers that can stop early do. Idempotent. */
  cancel(reason: string): void {
    if (this.cancellation.signal.aborted) return;
    if (this.running > 0) this.opts.log.info(`cancelling ${this.running} job(s) in flight: ${reason}`);
    this.cancellation.abort(new JobCancelledError(reason));
  }

  private start(job: J): void {
    let settled: Promise<void>;
    try {
      settled = this.opts.run(job, this.cancellation.signal);
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .catch((error: unknown) => {
        this.opts.log.error(`job ${job.id} failed: ${errorMessage(error)}`);
      })
      .finally(() => this.release());
  }

  /** Leased jobs that will not be started: their slots are given up without a wake. */
  private abandon(jobs: J[]): void {
    this.running -= jobs.length;
    const ids = jobs.map((j) => j.id).join(', ');
    if (this.opts.onAbandoned) {
      this.opts.log.info(`stopping: ${jobs.length} leased job(s) not started, handed back: ${ids}`);
      try {
        this.opts.onAbandoned(jobs);
      } catch (error) {
        this.opts.log.error(`onAbandoned failed: ${errorMessage(error)}`);
      }
    } else {
      this.opts.log.warn(`stopping: ${jobs.length} leased job(s) not started: ${ids} (they stay leased)`);
    }
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.running !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private release(): void {
    this.running--;
    this.notifyIfIdle();
    try {
      this.opts.onSlotFreed();
    } catch (error) {
      this.opts.log.error(`onSlotFreed failed: ${errorMessage(error)}`);
    }
  }

  private pause([min, max]: [number, number]): Promise<void> {
    const random = this.opts.random ?? Math.random;
    const ms = Math.round(min + random() * Math.max(0, max - min));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.endPause = null;
        timer.dispose();
        resolve();
      };
      const timer = this.opts.clock.setTimeout(done, ms);
      this.endPause = done;
    });
  }
}
