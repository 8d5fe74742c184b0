// When subscribers get a `status` event: a change of anything a UI draws (a loop's state, the
// queue's counts, a stuck queue, the clients, a pause, a forget...) asks for one, and the asks of
// the next 50 ms are coalesced into one. One short timer, armed only after a change, so a
// hibernating daemon arms none. Disposed first thing at stop: no status event after `shutdown`.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { Clock, Timer } from '../../shared/clock';

export const STATUS_EVENT_COALESCE_MS = 50;

export class StatusEvents implements Disposable {
  private timer: Timer | null = null;
  private disposed = false;
  private readonly due = new Emitter<void>();
  /** Time to send one `status` event (the composition root builds and broadcasts it). */
  readonly onDidCoalesce: Event<void> = this.due.event;

  constructor(private readonly clock: Clock) {}

  /** Something a UI draws changed. */
  changed(): void {
    if (this.timer || this.disposed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.disposed) this.due.fire();
    }, STATUS_EVENT_COALESCE_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.due.dispose();
  }
}
