// How many crashes the supervisor forgives, in the style of vscode-languageclient: more than
// maxCrashes (5) within windowMs (3 min) and it stops restarting, so a daemon that dies at once
// on every start does not spin forever. Crashes older than the window are forgotten.

export interface CrashBudgetOptions {
  /** Crashes allowed within the window; one more means give up. Default 5. */
  maxCrashes?: number;
  /** Default 3 minutes. */
  windowMs?: number;
  /** Monotonic-enough milliseconds; tests inject a fixed or stepped time. Default Date.now. */
  now?: () => number;
}

export class CrashBudget {
  readonly maxCrashes: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private crashTimes: number[] = [];

  constructor(opts: CrashBudgetOptions = {}) {
    this.maxCrashes = opts.maxCrashes ?? 5;
    this.windowMs = opts.windowMs ?? 3 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Records a crash; returns whether to restart, and how many crashes fell in the window. */
  recordCrash(): { restart: boolean; crashesInWindow: number } {
    const now = this.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < this.windowMs);
    this.crashTimes.push(now);
    const crashesInWindow = this.crashTimes.length;
    return { restart: crashesInWindow <= this.maxCrashes, crashesInWindow };
  }

  reset(): void {
    this.crashTimes = [];
  }
}
