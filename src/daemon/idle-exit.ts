// A daemon started in the background exits once its last client has been gone for idleExitMs,
// so a closed editor leaves nothing running. Never while work is queued or in flight; never in
// the foreground; idleExitMs 0 disables it. One one-shot timer, armed only while no client is
// connected.
import type { Disposable } from '../shared/lifecycle';
import type { Logger } from '../shared/logger';
import type { Clock, Timer } from '../shared/clock';

export class IdleExit implements Disposable {
  private timer: Timer | null = null;
  private clients = 0;
  private disposed = false;

  constructor(
    private readonly opts: {
      clock: Clock;
      log: Logger;
      enabled: boolean;
      delayMs: () => number;
      isBusy: () => boolean;
      onExit: () => void;
    },
  ) {}

  /** Call at start (0 clients) and on every change of the client count. */
  clientsChanged(count: number): void {
    this.clients = count;
    this.rearm();
  }

  /** Settings changed: re-arm with the new delay. */
  rearm(): void {
    this.timer?.dispose();
    this.timer = null;
    if (this.disposed || !this.opts.enabled || this.clients > 0) return;
    const delay = this.opts.delayMs();
    if (delay <= 0) return;
    this.timer = this.opts.clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = null;
    if (this.disposed || this.clients > 0) return;
    if (this.opts.isBusy()) {
      this.opts.log.info('no client left but work is queued or in flight; idle exit postponed');
      this.rearm();
      return;
    }
    this.opts.log.info(`no client for ${this.opts.delayMs()} ms: exiting`);
    this.opts.onExit();
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
  }
}
