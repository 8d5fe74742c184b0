// One one-shot timer at the earliest known retry deadline, instead of polling for due retries
// (performance-facts: each timer wake costs ~120 us of CPU; an idle daemon should arm none).
// When it fires, onDue wakes the loops, which lease the due jobs; then it re-arms for the next
// deadline still in the future. No pending retry, no timer.
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { Clock, Timer } from '../../shared/clock';
import { errorMessage } from '../../shared/error-message';

export interface RetryAlarmOptions {
  clock: Clock;
  log: Logger;
  /**
   * The earliest retry deadline (wall ms) later than `afterWall`, or null. Pass
   * `(after) => queue.view.nextRetryAfter(after)`: retries already due were announced by the
   * firing that is asking, and re-arming for them would spin.
   */
  earliestRetryAt: (afterWall: number) => number | null;
  onDue: () => void;
}

export class RetryAlarm implements Disposable {
  private timer: Timer | null = null;
  private armedAt: number | null = null;
  private disposed = false;

  constructor(private readonly opts: RetryAlarmOptions) {}

  /** The wall deadline the timer is armed for, or null. */
  get armedFor(): number | null {
    return this.armedAt;
  }

  /** Makes sure the alarm fires by `atWall`: a later deadline than the armed one changes nothing. */
  arm(atWall: number): void {
    if (this.disposed) return;
    if (this.armedAt !== null && this.armedAt <= atWall) return;
    this.timer?.dispose();
    this.armedAt = atWall;
    // Wall deadline, monotonic timer: if the machine sleeps the alarm fires late, and the loops
    // then find the retry due (a due retry is never missed, only delayed).
    this.timer = this.opts.clock.setTimeout(() => this.fire(), Math.max(0, atWall - this.opts.clock.now()));
  }

  /** Start-up: arm for the earliest retry on record; one already due fires at once. */
  rearmFromDatabase(): void {
    const at = this.opts.earliestRetryAt(Number.NEGATIVE_INFINITY);
    if (at !== null) this.arm(at);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.armedAt = null;
  }

  private fire(): void {
    const firedFor = this.armedAt;
    this.timer = null;
    this.armedAt = null;
    try {
      this.opts.onDue();
    } catch (error) {
      this.opts.log.error(`retry alarm: onDue threw: ${errorMessage(error)}`);
    }
    // Strictly later than now and than the deadline that fired, so a due job not yet leased never re-arms a 0 ms timer.
    const now = this.opts.clock.now();
    const next = this.opts.earliestRetryAt(Math.max(now, firedFor ?? Number.NEGATIVE_INFINITY));
    if (next !== null && next > now) this.arm(next);
  }
}
