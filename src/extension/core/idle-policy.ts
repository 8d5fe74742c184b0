// Auto-hibernate on editor idle: when nobody has typed, saved or switched editors for
// `dormouse.editorIdleMs`, the window asks the daemon to hibernate, and the first sign of life
// wakes it. activity() runs on every keystroke, so it only records the time; the one armed timer
// checks that time when it fires and re-arms itself for the remainder if the editor was busy.
import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/lifecycle';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';

export interface EditorIdlePolicyOptions {
  clock: Clock;
  /** Quiet time before onIdle; 0 (or less) disables auto-hibernate. */
  idleMs: number;
  onIdle: () => void;
  onActive: () => void;
}

/** After idleMs without editor activity, calls onIdle once (the extension sends `hibernate`); the next activity() calls onActive once (it sends `wake`). activity() is called on every keystroke, so it must be O(1) and must not re-arm a timer each time: keep lastActivity and let the one armed timer re-arm itself for the remainder when it fires early. setIdleMs applies live (0 disables auto-hibernate). */
export class EditorIdlePolicy implements Disposable {
  private idleMs: number;
  private lastActivity: number;
  private isIdle = false;
  private readonly timer: RunOnceScheduler;
  private disposed = false;

  constructor(private readonly opts: EditorIdlePolicyOptions) {
    this.idleMs = enabledOrZero(opts.idleMs);
    this.lastActivity = opts.clock.monotonicNow();
    this.timer = new RunOnceScheduler(opts.clock, () => this.check());
    // Starts active: the window just opened, which counts as activity.
    this.arm();
  }

  get idle(): boolean {
    return this.isIdle;
  }

  activity(): void {
    if (this.disposed) return;
    this.lastActivity = this.opts.clock.monotonicNow();
    if (this.isIdle) {
      this.isIdle = false;
      this.arm();
      this.opts.onActive();
      return;
    }
    // Normally the timer is already armed and this is all a keystroke costs. It is not armed only
    // when auto-hibernate is off, and then arm() is a no-op.
    if (!this.timer.isScheduled()) this.arm();
  }

  /** Applies at once, counting from the last activity; while idle, stays idle until the next activity. */
  setIdleMs(ms: number): void {
    if (this.disposed) return;
    this.idleMs = enabledOrZero(ms);
    this.timer.cancel();
    if (!this.isIdle) this.arm();
  }

  dispose(): void {
    this.disposed = true;
    this.timer.dispose();
  }

  /** Arms the one timer for the time left until idle, or disarms when auto-hibernate is off. */
  private arm(): void {
    if (this.idleMs === 0) {
      this.timer.cancel();
      return;
    }
    const remaining = this.lastActivity + this.idleMs - this.opts.clock.monotonicNow();
    this.timer.schedule(Math.max(0, remaining));
  }

  private check(): void {
    if (this.disposed || this.isIdle || this.idleMs === 0) return;
    const quietFor = this.opts.clock.monotonicNow() - this.lastActivity;
    if (quietFor < this.idleMs) {
      // There was activity since the timer was armed: wait out the rest of the period.
      this.arm();
      return;
    }
    // No timer while idle: nothing can happen until the next activity().
    this.isIdle = true;
    this.opts.onIdle();
  }
}

function enabledOrZero(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
