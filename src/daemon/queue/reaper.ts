// The lease reaper: returns expired leases to the queue (their holders hung or died) and prunes
// old finished jobs. It runs only while the queue is active: after two consecutive sweeps that
// find nothing queued or leased it hibernates with no timer armed, so an idle daemon costs
// nothing; wake() (new work arrived) brings it back. Intervals are jittered by +/-25% so sweeps
// never fall into lockstep with the other loops' timers.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { LoopState } from '../../shared/status';
import type { Clock, Timer } from '../../shared/clock';
import type { LoopSnapshot } from '../scheduling/loop-snapshot';
import type { JobQueue } from './job-queue';
import { errorMessage } from '../../shared/error-message';

export const DONE_RETENTION_MS = 7 * 24 * 60 * 60 * 1_000;
/** Mean delay of the first sweep after wake(), capped by the interval. */
const WAKE_DELAY_MS = 1_000;
const EMPTY_SWEEPS_TO_HIBERNATE = 2;

export interface SweepResult {
  reclaimed: number;
  pruned: number;
}

export interface ReaperOptions {
  clock: Clock;
  log: Logger;
  queue: JobQueue;
  /** Mean interval, read before each sweep so a reload applies at the next one. */
  intervalMs: () => number;
  random?: () => number;
  onSweep?: (result: { reclaimed: number }) => void;
  /** Jobs went back to queued: the daemon wakes the loops to run them. */
  onReclaimed?: (count: number) => void;
}

export class Reaper implements Disposable {
  /** As a WakeTarget on the daemon's wake bus. */
  readonly name = 'reaper';
  private state: LoopState = 'stopped';
  private timer: Timer | null = null;
  private emptySweeps = 0;
  private polls = 0;
  private consecutiveErrors = 0;
  private inFlight = false;
  private plannedDelayMs = 0;
  private lastStartedWall: number | null = null;
  private lastStartedMono: number | null = null;
  private lastCompletedWall: number | null = null;
  private lastCompletedMono: number | null = null;
  private nextDueMono: number | null = null;
  private readonly random: () => number;
  private readonly stateChanged = new Emitter<LoopState>();
  private readonly swept = new Emitter<SweepResult>();
  readonly onDidChangeState: Event<LoopState> = this.stateChanged.event;
  readonly onDidSweep: Event<SweepResult> = this.swept.event;

  constructor(private readonly opts: ReaperOptions) {
    this.random = opts.random ?? Math.random;
  }

  get currentState(): LoopState {
    return this.state;
  }

  /** First sweep at a random point in [0, interval]: daemons started together spread out. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.emptySweeps = 0;
    this.setState('running');
    this.schedule(this.random() * this.opts.intervalMs());
  }

  stop(): void {
    this.cancel();
    this.setState('stopped');
  }

  /** New activity: leave hibernation (first sweep after a short jittered delay) and restart the idle count. */
  wake(reason: string): void {
    if (this.state === 'stopped') return;
    this.emptySweeps = 0;
    if (this.state !== 'suspended') return; // already sweeping on its own schedule
    this.opts.log.debug(`reaper woken: ${reason}`);
    this.setState('running');
    this.schedule(Math.min(WAKE_DELAY_MS, this.opts.intervalMs()) * this.jitter());
  }

  /**
   * Hibernate now (the editor went idle and nothing is queued or in flight): no timer until the
   * next wake(). Returns false when stopped. A lease taken later comes with a wake, so none is missed.
   */
  suspend(reason: string): boolean {
    if (this.state === 'stopped') return false;
    if (this.state === 'running') this.opts.log.debug(`reaper suspended: ${reason}`);
    this.cancel();
    this.setState('suspended');
    return true;
  }

  snapshot(): LoopSnapshot {
    const mono = this.opts.clock.monotonicNow();
    return {
      name: 'reaper',
      state: this.state,
      intervalMs: this.plannedDelayMs,
      polls: this.polls,
      inFlight: this.inFlight,
      consecutiveErrors: this.consecutiveErrors,
      lastPollStartedAt: this.lastStartedWall,
      lastPollCompletedAt: this.lastCompletedWall,
      nextPollAt: this.nextDueMono === null ? null : this.opts.clock.now() + (this.nextDueMono - mono),
      lastPollStartedMono: this.lastStartedMono,
      lastPollCompletedMono: this.lastCompletedMono,
      nextPollDueMono: this.nextDueMono,
    };
  }

  dispose(): void {
    this.stop();
    this.stateChanged.dispose();
    this.swept.dispose();
  }

  private sweep(): void {
    const { clock, queue, log } = this.opts;
    this.timer = null;
    this.nextDueMono = null;
    this.polls++;
    this.inFlight = true;
    this.lastStartedWall = clock.now();
    this.lastStartedMono = clock.monotonicNow();
    let result: SweepResult | null = null;
    try {
      result = { reclaimed: queue.reapExpired(), pruned: queue.pruneDone(clock.now() - DONE_RETENTION_MS) };
      this.consecutiveErrors = 0;
    } catch (error) {
      this.consecutiveErrors++;
      log.error(`reaper sweep failed (${this.consecutiveErrors} in a row): ${errorMessage(error)}`);
    }
    this.inFlight = false;
    this.lastCompletedWall = clock.now();
    this.lastCompletedMono = clock.monotonicNow();
    if (result) this.report(result);
    if (this.state !== 'running') return; // a hook stopped us

    // A failed sweep proves nothing about idleness, so it never counts towards hibernation.
    const counts = queue.view.counts;
    const active = result === null || counts.queued + counts.leased > 0;
    this.emptySweeps = active ? 0 : this.emptySweeps + 1;
    if (this.emptySweeps >= EMPTY_SWEEPS_TO_HIBERNATE) {
      log.debug(`reaper hibernates after ${this.emptySweeps} empty sweeps`);
      this.setState('suspended');
      return;
    }
    this.schedule(this.opts.intervalMs() * this.jitter());
  }

  private report(result: SweepResult): void {
    const hooks: Array<() => void> = [
      () => this.opts.onSweep?.({ reclaimed: result.reclaimed }),
      () => this.swept.fire(result),
      () => {
        if (result.reclaimed > 0) this.opts.onReclaimed?.(result.reclaimed);
      },
    ];
    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        this.opts.log.error(`reaper hook threw: ${errorMessage(error)}`);
      }
    }
  }

  private schedule(delayMs: number): void {
    this.cancel();
    this.plannedDelayMs = Math.round(delayMs);
    this.nextDueMono = this.opts.clock.monotonicNow() + this.plannedDelayMs;
    this.timer = this.opts.clock.setTimeout(() => this.sweep(), this.plannedDelayMs);
  }

  private cancel(): void {
    this.timer?.dispose();
    this.timer = null;
    this.nextDueMono = null;
  }

  /** A factor in [0.75, 1.25). */
  private jitter(): number {
    return 0.75 + 0.5 * this.random();
  }

  private setState(state: LoopState): void {
    if (this.state === state) return;
    this.state = state;
    this.stateChanged.fire(state);
  }
}
