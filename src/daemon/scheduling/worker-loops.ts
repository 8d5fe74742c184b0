// The daemon's workers: for each job kind, one PollLoop over a Dispatcher that leases that kind's
// jobs and runs them through the JobRunner. Also the workers' part of a stop: stop starting,
// then let the jobs in flight finish up to a deadline, then cancel the ones still running (they
// go back to the queue) and give them a short grace to hand their jobs back.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { JobKind } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import { type Clock, timeoutSignal } from '../../shared/clock';
import type { JobQueue, LeasedJob } from '../queue/job-queue';
import type { CadenceOptions } from './cadence';
import { Dispatcher } from './dispatcher';
import type { JobHandler, JobRunner } from './job-runner';
import type { LoopSnapshot } from './loop-snapshot';
import { PACING_BY_KIND } from './pacing-policy';
import { PollLoop, type TickResult } from './poll-loop';

export interface Worker {
  readonly kind: JobKind;
  readonly loop: PollLoop;
  readonly dispatcher: Dispatcher<LeasedJob>;
}

export interface WorkerLoopsOptions {
  /** One worker per kind, in this order (the status lists their loops so). */
  handlers: ReadonlyArray<readonly [JobKind, JobHandler]>;
  queue: JobQueue;
  runner: JobRunner;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  cadence: CadenceOptions;
  random?: () => number;
  /** Wraps a loop's tick (the test hooks' wedge). */
  wrapTick?: (kind: JobKind, tick: () => Promise<TickResult>) => () => Promise<TickResult>;
  /** After every tick (the stuck-queue check reads the queue view then). */
  onTicked: () => void;
}

/** How a stop left the jobs that were in flight. */
export type FinishOutcome =
  | 'drained' // all finished within the deadline
  | 'cancelled' // some outlived it, were cancelled and handed back to the queue
  | 'left-leased'; // some did not stop even when cancelled: they stay leased, and the next start re-queues them

export class WorkerLoops implements Disposable {
  readonly all: readonly Worker[];
  private readonly stateChanged = new Emitter<JobKind>();
  /** A worker loop changed state (running, backing off, suspended, stopped). */
  readonly onDidChangeState: Event<JobKind> = this.stateChanged.event;
  private readonly listeners: Disposable[];

  constructor(private readonly opts: WorkerLoopsOptions) {
    this.all = opts.handlers.map(([kind, handle]) => this.createWorker(kind, handle));
    this.listeners = this.all.map((w) => w.loop.onDidChangeState(() => this.stateChanged.fire(w.kind)));
  }

  loop(kind: JobKind): PollLoop | undefined {
    return this.all.find((w) => w.kind === kind)?.loop;
  }

  /** Jobs leased and not yet settled, over every worker. */
  get inFlight(): number {
    return this.all.reduce((n, w) => n + w.dispatcher.inFlight, 0);
  }

  snapshots(): LoopSnapshot[] {
    return this.all.map((w) => w.loop.snapshot());
  }

  start(): void {
    for (const w of this.all) w.loop.start();
  }

  updateCadence(cadence: CadenceOptions): void {
    for (const w of this.all) w.loop.updateCadence(cadence);
  }

  /** Stop, first half: no job starts any more (a batch waiting out its jitter is handed back) and the loops stop. */
  async stopStarting(): Promise<void> {
    // Dispatchers first: jobs of a batch still waiting for their start are handed back, not started.
    for (const w of this.all) w.dispatcher.stop();
    await Promise.all(this.all.map((w) => w.loop.stop()));
  }

  /**
   * Stop, second half: waits up to `drainMs` for the jobs in flight; then cancels those still
   * running (their signals abort; each handed back to the queue, attempt refunded) and waits up
   * to `cancelGraceMs` more for them to do so.
   */
  async finish({ drainMs, cancelGraceMs }: { drainMs: number; cancelGraceMs: number }): Promise<FinishOutcome> {
    if (await this.drainWithin(drainMs, 'stop: drain deadline')) return 'drained';
    for (const w of this.all) w.dispatcher.cancel(`the daemon is stopping and the job ran past the ${drainMs} ms drain`);
    return (await this.drainWithin(cancelGraceMs, 'stop: cancel grace')) ? 'cancelled' : 'left-leased';
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.stateChanged.dispose();
  }

  private async drainWithin(ms: number, why: string): Promise<boolean> {
    const deadline = timeoutSignal(this.opts.clock, ms, why);
    try {
      const drained = await Promise.all(this.all.map((w) => w.dispatcher.drain(deadline.signal)));
      return drained.every(Boolean);
    } finally {
      deadline.dispose();
    }
  }

  private createWorker(kind: JobKind, handle: JobHandler): Worker {
    const { queue, runner, clock, random } = this.opts;
    const log = this.opts.log.child(kind);
    const dispatcher: Dispatcher<LeasedJob> = new Dispatcher<LeasedJob>({
      name: kind,
      clock,
      lease: (max) => queue.lease(kind, max),
      run: (job, signal) => runner.run(job, handle, signal, log),
      options: this.opts.settings,
      pacing: PACING_BY_KIND[kind],
      random,
      log,
      // A freed slot resets the backoff and schedules a tick: more work may be waiting.
      onSlotFreed: () => loop.wake('slot freed'),
      // Leased but never started because the daemon is stopping: back to the queue, attempt refunded.
      onAbandoned: (jobs) => {
        for (const job of jobs) queue.release(job.id, job.token);
      },
    });
    const tick = async (): Promise<TickResult> => {
      const result = await dispatcher.tick();
      this.opts.onTicked();
      // Clamp the next poll to the next retry still in the future (a due one is leasable now).
      return { ...result, nextDeadline: queue.view.nextRetryAfter(clock.now()) };
    };
    const loop: PollLoop = new PollLoop({
      name: kind,
      clock,
      log,
      cadence: this.opts.cadence,
      canSuspend: () => !queue.view.hasReadyWork() && dispatcher.inFlight === 0,
      tick: this.opts.wrapTick ? this.opts.wrapTick(kind, tick) : tick,
    });
    return { kind, loop, dispatcher };
  }
}
