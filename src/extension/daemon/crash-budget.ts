// How many crashes the supervisor forgives, in the style of vscode-languageclient: more than
// maxCrashes (5) within windowMs (3 min) and it stops restarting, so a daemon that dies at once
// on every start does not spin forever. Crashes older than the window are forgotten. Time is the
// injected clock's monotonic time: tests step it, and a machine asleep forgives no crash.
import type { Clock } from '../../shared/clock';

export interface CrashBudgetOptions {
  clock: Clock;
  /** Crashes allowed within the window; one more means give up. Default 5. */
  maxCrashes?: number;
  /** Default 3 minutes. */
  windowMs?: number;
}

export class CrashBudget {
  readonly maxCrashes: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  private crashTimes: number[] = [];

  constructor(opts: CrashBudgetOptions) {
    this.clock = opts.clock;
    this.maxCrashes = opts.maxCrashes ?? 5;
    this.windowMs = opts.windowMs ?? 3 * 60_000;
  }

  /** Records a crash; returns whether to restart, and how many crashes fell in the window. */
  recordCrash(): { restart: boolean; crashesInWindow: number } {
    const now = this.clock.monotonicNow();
    this.crashTimes = this.crashTimes.filter((t) => now - t < this.windowMs);
    this.crashTimes.push(now);
    const crashesInWindow = this.crashTimes.length;
    return { restart: crashesInWindow <= this.maxCrashes, crashesInWindow };
  }

  reset(): void {
    this.crashTimes = [];
  }

  /** The window in words, for the messages: "3 minutes", "90 seconds". */
  get windowText(): string {
    const ms = this.windowMs;
    if (ms % 60_000 === 0) {
      const minutes = ms / 60_000;
      return minutes === 1 ? '1 minute' : `${minutes} minutes`;
    }
    const seconds = Math.round(ms / 1000);
    return seconds === 1 ? '1 second' : `${seconds} seconds`;
  }
}
