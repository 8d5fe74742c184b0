// Dispatcher: the batched dequeue shared by the capture and recall loops. One tick leases up to
// min(free slots, spawnsPerTick) jobs and starts them without awaiting them, spaced by a random
// jitter so a burst does not start N processes in the same millisecond. A settled job frees its
// slot and calls onSlotFreed (the loop's wake), so a saturated loop resumes without polling.
import type { Logger } from '../../shared/logger';
import type { Clock } from './clock';
import type { TickResult } from './poll-loop';

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
  /** Runs one job, completing or failing it in the queue itself. */
  run: (job: J) => Promise<void>;
  /** Read at every tick, so live reloads apply at once. */
  options: () => DispatchOptions;
  random?: () => number;
  log: Logger;
  onSlotFreed: () => void;
}

export class Dispatcher<J extends { id: number }> {
  readonly name: string;
  /** Leased jobs not yet settled, including those waiting out the jitter to start. */
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: DispatcherOptions<J>) {
    this.name = opts.name;
  }

  get inFlight(): number {
    return this.running;
  }

  async tick(): Promise<TickResult> {
    const { spawnsPerTick, maxConcurrent, spawnJitterMs } = this.opts.options();
    const free = maxConcurrent - this.running;
    if (free <= 0) return { outcome: 'saturated' };
    const jobs = this.opts.lease(Math.min(free, spawnsPerTick));
    if (jobs.length === 0) return { outcome: 'idle' };
    // Count the whole batch at once: leased jobs own their slots even while waiting to start.
    this.running += jobs.length;
    for (const [i, job] of jobs.entries()) {
      if (i > 0) await this.pause(spawnJitterMs);
      this.opts.log.info(`start job ${job.id} slot ${i + 1}/${jobs.length}`);
      this.start(job);
    }
    return { outcome: 'work' };
  }

  /** Waits for the jobs in flight; true if they all settled within `timeoutMs` (clock time). */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        timer.dispose();
        resolve(true);
      };
      const timer = this.opts.clock.setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  private start(job: J): void {
    let settled: Promise<void>;
    try {
      settled = this.opts.run(job);
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .catch((error: unknown) => {
        this.opts.log.error(`job ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => this.release());
  }

  private release(): void {
    this.running--;
    if (this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    try {
      this.opts.onSlotFreed();
    } catch (error) {
      this.opts.log.error(`onSlotFreed failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private pause([min, max]: [number, number]): Promise<void> {
    const random = this.opts.random ?? Math.random;
    const ms = Math.round(min + random() * Math.max(0, max - min));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.opts.clock.setTimeout(resolve, ms));
  }
}
