// PollLoop: the adaptive loop shared by the capture and recall workers.
//
// States (LoopSnapshot.state):
//   stopped      never started, or stop() called (terminal: a stopped loop does not restart).
//   running      a tick is in flight, or the armed delay is at (or below) the floor.
//   backing-off  armed with a delay above the floor, or in error backoff.
//   suspended    hibernating: no timer armed at all, no SQL; only wake() (or a live reload that
//                forbids suspension) brings it back.
// Transitions:
//   start()                      stopped -> running (a delay-0 tick)
//   tick 'work'                  -> running (delay snaps to the floor)
//   tick 'idle'                  -> backing-off (delay x multiplier), or -> suspended once the idle
//                                   accumulator passes suspendAfterMs and canSuspend() allows
//   tick 'saturated'             keeps the current cadence (a freed slot calls wake())
//   tick throws                  -> backing-off (error backoff); but if a wake landed during the
//                                   tick, the error is recorded and the next tick runs at once
//   wake()                       running/backing-off/suspended -> running (delay-0 tick)
//   suspend()                    running/backing-off -> suspended (the editor-idle signal)
//   stop()                       any -> stopped
// onDidChangeState fires when the state at a rest point (after arming, suspending or stopping)
// changes; the transient 'running' while a backed-off loop's tick is in flight is shown by
// snapshot() but not fired, so a backed-off loop does not emit two events per tick.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { LoopState } from '../../shared/status';
import { type CadenceOptions, PollCadence, suspensionAllowed } from './cadence';
import type { Clock } from '../../shared/clock';
import type { LoopSnapshot } from './loop-snapshot';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';
import { errorMessage, errorStack } from '../../shared/error-message';

export type TickOutcome = 'work' | 'idle' | 'saturated';

export interface TickResult {
  outcome: TickOutcome;
  /** Wall epoch ms of the nearest known deadline (e.g. the earliest retry), or null. */
  nextDeadline?: number | null;
}

export interface TickEvent {
  outcome: TickOutcome | 'error';
  error?: unknown;
  /** null when the loop is now suspended or stopped. */
  nextDelayMs: number | null;
}

export interface PollLoopOptions {
  name: string;
  clock: Clock;
  tick: () => Promise<TickResult>;
  cadence: CadenceOptions;
  log: Logger;
  /** Veto: return false while work is known to be waiting; the loop then keeps its backed-off cadence instead of suspending. */
  canSuspend?: () => boolean;
}

export class PollLoop implements Disposable {
  readonly name: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cadence: PollCadence;
  private readonly scheduler: RunOnceScheduler;
  private readonly stateEmitter = new Emitter<LoopSnapshot>();
  private readonly tickEmitter = new Emitter<TickEvent>();
  readonly onDidChangeState: Event<LoopSnapshot> = this.stateEmitter.event;
  readonly onDidTick: Event<TickEvent> = this.tickEmitter.event;

  private started = false;
  private stopped = false;
  private suspended = false;
  /** Set synchronously when a tick starts, so a wake from inside tick() is seen as in flight. */
  private ticking = false;
  private current: Promise<void> | null = null;
  /** A wake arrived while a tick was in flight: honoured when that tick settles. */
  private wakePending = false;
  /** The delay of the armed timer (null when none), its arm time and due time. */
  private armedDelay: number | null = null;
  private armedAtMono = 0;
  private nextPollAt: number | null = null;
  private nextPollDueMono: number | null = null;
  private lastDeadline: number | null = null;
  private polls = 0;
  private lastStartedAt: number | null = null;
  private lastStartedMono: number | null = null;
  private lastCompletedAt: number | null = null;
  private lastCompletedMono: number | null = null;
  private firedState: LoopState = 'stopped';

  constructor(private readonly opts: PollLoopOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.log = opts.log;
    this.cadence = new PollCadence(opts.cadence);
    this.scheduler = new RunOnceScheduler(this.clock, () => {
      this.current = this.runTick();
    });
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.log.debug(`${this.name}: started`);
    this.arm(0);
  }

  wake(reason: string): void {
    if (!this.started || this.stopped) return;
    if (this.ticking) {
      this.wakePending = true;
      return;
    }
    if (this.suspended) this.log.info(`${this.name}: woken from suspension (${reason})`);
    this.cadence.reset();
    // Already armed to run at once: re-arming would change nothing but churn a timer.
    if (this.armedDelay === 0 && this.scheduler.isScheduled()) return;
    this.arm(0);
  }

  suspend(reason: string): boolean {
    if (!this.started || this.stopped) return false;
    if (this.suspended) return true;
    if (this.ticking) return false;
    if (!suspensionAllowed(this.cadence.options)) return false;
    if (!this.suspensionNotVetoed()) return false;
    this.enterSuspension(reason);
    return true;
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.suspended = false;
      this.scheduler.dispose();
      this.disarmed();
      this.fireStateIfChanged();
      this.log.debug(`${this.name}: stopped`);
    }
    await this.current;
  }

  updateCadence(c: CadenceOptions): void {
    this.cadence.update(c);
    if (!this.started || this.stopped || this.ticking) return; // an in-flight tick arms by the new cadence itself
    if (this.suspended) {
      if (suspensionAllowed(c)) return;
      this.log.info(`${this.name}: resuming, settings no longer allow suspension`);
      this.arm(this.cadence.nextDelay(this.clock.now(), this.lastDeadline));
      return;
    }
    if (this.armedDelay === null || this.armedDelay === 0) return; // a wake's delay-0 tick stays
    const delay = this.cadence.nextDelay(this.clock.now(), this.lastDeadline);
    this.arm(delay, this.clock.monotonicNow() - this.armedAtMono);
  }

  snapshot(): LoopSnapshot {
    return {
      name: this.name,
      state: this.computeState(),
      intervalMs: this.intervalMs(),
      polls: this.polls,
      inFlight: this.ticking,
      consecutiveErrors: this.cadence.consecutiveErrors,
      lastPollStartedAt: this.lastStartedAt,
      lastPollCompletedAt: this.lastCompletedAt,
      nextPollAt: this.nextPollAt,
      lastPollStartedMono: this.lastStartedMono,
      lastPollCompletedMono: this.lastCompletedMono,
      nextPollDueMono: this.nextPollDueMono,
    };
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.tickEmitter.dispose();
  }

  private async runTick(): Promise<void> {
    const waited = this.armedDelay ?? 0;
    this.disarmed();
    this.ticking = true;
    this.wakePending = false;
    this.polls++;
    this.lastStartedAt = this.clock.now();
    this.lastStartedMono = this.clock.monotonicNow();
    let result: TickResult | undefined;
    let error: unknown;
    try {
      result = await this.opts.tick();
    } catch (e) {
      error = e;
      this.log.error(`${this.name}: tick failed: ${errorStack(e)}`);
    } finally {
      this.lastCompletedAt = this.clock.now();
      this.lastCompletedMono = this.clock.monotonicNow();
      this.ticking = false;
      this.current = null;
    }
    const outcome = result ? result.outcome : 'error';
    const nextDelayMs = this.stopped ? null : this.afterTick(result, waited);
    this.tickEmitter.fire(error === undefined ? { outcome, nextDelayMs } : { outcome, error, nextDelayMs });
  }

  /** Records the outcome and arms the next tick (or suspends). Returns the armed delay or null. */
  private afterTick(result: TickResult | undefined, waited: number): number | null {
    if (!result) {
      if (this.wakePending) {
        // The wake landed during this tick, before it failed: apply its reset first, then count
        // the error (consecutiveErrors 1). Error backoff must not delay the wake: run again now.
        this.wakePending = false;
        this.cadence.reset();
        this.cadence.recordError();
        return this.arm(0);
      }
      this.cadence.recordError();
      return this.arm(this.cadence.nextDelay(this.clock.now()));
    }
    this.lastDeadline = result.nextDeadline ?? null;
    if (this.wakePending) {
      // The wake came after this tick looked at the queue: its outcome is stale, run again now.
      this.wakePending = false;
      this.cadence.reset();
      return this.arm(0);
    }
    if (result.outcome === 'work') this.cadence.recordWork();
    else if (result.outcome === 'saturated') this.cadence.recordSaturated();
    else {
      this.cadence.recordIdle(waited);
      if (this.cadence.shouldSuspend()) {
        if (this.suspensionNotVetoed()) {
          this.enterSuspension(`idle for ${this.cadence.idleMs} ms`);
          return null;
        }
        this.log.debug(`${this.name}: suspension vetoed, work is waiting`);
      }
    }
    return this.arm(this.cadence.nextDelay(this.clock.now(), this.lastDeadline));
  }

  /** Arms the next tick `delay` ms after it was armed (`elapsed` ms ago; 0 = now). */
  private arm(delay: number, elapsed = 0): number {
    const remaining = Math.max(0, delay - elapsed);
    this.suspended = false;
    this.scheduler.schedule(remaining);
    this.armedDelay = delay;
    this.armedAtMono = this.clock.monotonicNow() - Math.min(elapsed, delay);
    this.nextPollAt = this.clock.now() + remaining;
    this.nextPollDueMono = this.clock.monotonicNow() + remaining;
    this.fireStateIfChanged();
    return delay;
  }

  /** canSuspend() throwing counts as a veto: staying awake is the safe failure. */
  private suspensionNotVetoed(): boolean {
    if (!this.opts.canSuspend) return true;
    try {
      return this.opts.canSuspend();
    } catch (error) {
      this.log.error(`${this.name}: canSuspend failed: ${errorMessage(error)}`);
      return false;
    }
  }

  private enterSuspension(reason: string): void {
    this.scheduler.cancel();
    this.disarmed();
    this.suspended = true;
    this.log.info(`${this.name}: suspended (${reason})`);
    this.fireStateIfChanged();
  }

  private disarmed(): void {
    this.armedDelay = null;
    this.nextPollAt = null;
    this.nextPollDueMono = null;
  }

  private computeState(): LoopState {
    if (!this.started || this.stopped) return 'stopped';
    if (this.suspended) return 'suspended';
    if (this.ticking) return 'running';
    if (this.armedDelay === 0) return 'running'; // a wake's immediate tick, even after an error
    if (this.cadence.consecutiveErrors > 0) return 'backing-off';
    if (this.armedDelay !== null && this.armedDelay > this.cadence.floor) return 'backing-off';
    return 'running';
  }

  private intervalMs(): number {
    const state = this.computeState();
    if (state === 'running') return this.cadence.floor;
    // Suspended or stopped: the delay the loop would wait next, were it woken into backoff.
    return this.armedDelay ?? this.cadence.idleDelayMs;
  }

  private fireStateIfChanged(): void {
    const snap = this.snapshot();
    if (snap.state === this.firedState) return;
    this.firedState = snap.state;
    this.stateEmitter.fire(snap);
  }
}
