// RunOnceScheduler in the style of VS Code's: one runner, at most one armed clock timer.
// schedule() always cancels before arming, so callers can re-arm freely without leaking timers.
import type { Disposable } from './lifecycle';
import type { Clock, Timer } from './clock';

export class RunOnceScheduler implements Disposable {
  private timer: Timer | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly runner: () => void,
  ) {}

  /** Arms (or re-arms) the runner `delayMs` from now. No-op once disposed. */
  schedule(delayMs: number): void {
    this.cancel();
    if (this.disposed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.runner();
    }, delayMs);
  }

  cancel(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  isScheduled(): boolean {
    return this.timer !== undefined;
  }

  /** If armed: disarm and run now. */
  flush(): void {
    if (!this.isScheduled()) return;
    this.cancel();
    this.runner();
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }
}
