// PollCadence: how long a loop waits before its next poll. Pure arithmetic, no clock, so the
// curve is testable without timers and a machine that sleeps cannot fake idle time.
//
// Default curve (floor 250, ceiling 30 000, multiplier 1.5), delay after 0, 1, 2, ... empty ticks:
//   250, 375, 562, 843, 1264, 1896, 2844, 4266, 6399, 9598, 14397, 21595, 30000, 30000, ...
// The ceiling is reached after 12 empty ticks (~64 s of idle). The idle accumulator (the sum of
// the delays waited) passes the default suspendAfterMs of 300 000 on the 20th empty tick, about
// 304 s after the last real work; the loop then hibernates.
//
// Error backoff is separate: floor x 2^errors (first error 2 x floor), capped at 60 s, cleared by
// the next good tick. It wins over the idle delay, and applies even with backoffEnabled false,
// because a broken database must not be hammered at the floor rate.
import type { Settings } from '../../shared/settings';

export interface CadenceOptions {
  pollFloorMs: number;
  pollCeilingMs: number;
  backoffMultiplier: number;
  backoffEnabled: boolean;
  suspendEnabled: boolean;
  suspendAfterMs: number;
  /** Lower bound when clamping to a deadline, so an overdue deadline cannot spin. Default 5. */
  minDelayMs?: number;
}

export const MAX_ERROR_BACKOFF_MS = 60_000;
const DEFAULT_MIN_DELAY_MS = 5;

/** The cadence the settings ask for (read again at every live reload). */
export function cadenceOf(s: Settings): CadenceOptions {
  return {
    pollFloorMs: s.pollFloorMs,
    pollCeilingMs: s.pollCeilingMs,
    backoffMultiplier: s.backoffMultiplier,
    backoffEnabled: s.backoffEnabled,
    suspendEnabled: s.suspendEnabled,
    suspendAfterMs: s.suspendAfterMs,
  };
}

/** Settings under which a loop may never hibernate (checked by suspend() and live reload too). */
export function suspensionAllowed(o: CadenceOptions): boolean {
  return o.suspendEnabled && o.suspendAfterMs > 0 && o.backoffEnabled;
}

export class PollCadence {
  private opts: CadenceOptions;
  private delay: number;
  private idle = 0;
  private errors = 0;

  constructor(options: CadenceOptions) {
    this.opts = { ...options };
    this.delay = this.floor;
  }

  get floor(): number {
    return this.opts.pollFloorMs;
  }

  get options(): Readonly<CadenceOptions> {
    return this.opts;
  }

  /** The idle-backoff delay, ignoring errors and deadlines. */
  get idleDelayMs(): number {
    return this.delay;
  }

  /** Idle time accumulated from the delays waited, not from the clock. */
  get idleMs(): number {
    return this.idle;
  }

  get consecutiveErrors(): number {
    return this.errors;
  }

  get errorDelayMs(): number {
    if (this.errors === 0) return 0;
    return Math.min(MAX_ERROR_BACKOFF_MS, this.floor * 2 ** this.errors);
  }

  recordWork(): void {
    this.delay = this.floor;
    this.idle = 0;
    this.errors = 0;
  }

  /**
   * An empty tick. `waitedMs` is the delay actually waited before it (a wake or a deadline clamp
   * waits less than the idle delay); it defaults to the idle delay.
   */
  recordIdle(waitedMs: number = this.delay): void {
    this.idle += Math.max(0, waitedMs);
    this.delay = this.clampIdle(Math.floor(this.delay * this.opts.backoffMultiplier));
    this.errors = 0;
  }

  /** The worker pool is full: nothing was learned about the queue, so nothing changes. */
  recordSaturated(): void {}

  recordError(): void {
    this.errors++;
  }

  /** A wake: something happened, poll fast again. */
  reset(): void {
    this.delay = this.floor;
    this.idle = 0;
    this.errors = 0;
  }

  shouldSuspend(): boolean {
    return suspensionAllowed(this.opts) && this.idle >= this.opts.suspendAfterMs;
  }

  /** The delay to arm now, clamped to the nearest known deadline (wall epoch ms). */
  nextDelay(nowWall: number, nextDeadlineWall?: number | null): number {
    let delay = this.errors > 0 ? this.errorDelayMs : this.opts.backoffEnabled ? this.delay : this.floor;
    if (nextDeadlineWall !== undefined && nextDeadlineWall !== null) {
      const minDelay = this.opts.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
      delay = Math.min(delay, Math.max(minDelay, Math.ceil(nextDeadlineWall - nowWall)));
    }
    return delay;
  }

  /** Live reload: keeps the idle progress and error count, re-clamped to the new floor/ceiling. */
  update(options: CadenceOptions): void {
    this.opts = { ...options };
    this.delay = this.clampIdle(this.delay);
  }

  private clampIdle(delay: number): number {
    return Math.max(this.floor, Math.min(this.opts.pollCeilingMs, delay));
  }
}
