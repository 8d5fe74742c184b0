// Detects a stuck queue: ready jobs exist but nothing has been leased for longer than the
// threshold (monotonic time, so a sleeping laptop is never "stuck"). It reads only the in-memory
// QueueView, so the status can evaluate it without SQL. It logs one STUCK line on entering and one
// RESUMED line on leaving, however often it is evaluated.
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/logger';
import type { QueueView } from '../queue/queue-view';
import type { Clock } from '../../shared/clock';

export interface StuckQueueResult {
  stuck: boolean;
  /** Wall ms since which ready work has waited for a lease, while stuck; else null. */
  since: number | null;
}

export interface StuckQueueDetectorOptions {
  clock: Clock;
  log: Logger;
  /** Read on every evaluation: the setting applies live. */
  thresholdMs: () => number;
}

export class StuckQueueDetector {
  private stuckSinceWall: number | null = null;
  private stuckAtMono: number | null = null;
  private readonly changed = new Emitter<boolean>();
  /** Fires on entering (true) and leaving (false) a stuck queue: what a UI draws changed. */
  readonly onDidChange: Event<boolean> = this.changed.event;

  constructor(private readonly opts: StuckQueueDetectorOptions) {}

  evaluate(view: QueueView): StuckQueueResult {
    const { clock, log } = this.opts;
    const mono = clock.monotonicNow();
    const waitingSince = view.waitingSinceMono();
    const waitedMs = waitingSince === null ? 0 : mono - waitingSince;
    const threshold = this.opts.thresholdMs();
    const stuck = waitingSince !== null && waitedMs > threshold;

    if (stuck && this.stuckSinceWall === null) {
      this.stuckSinceWall = clock.now() - waitedMs;
      this.stuckAtMono = mono;
      log.warn(`STUCK queue: ${view.readyCount} ready job(s), nothing leased for ${seconds(waitedMs)} (threshold ${seconds(threshold)})`);
      this.changed.fire(true);
    } else if (!stuck && this.stuckSinceWall !== null) {
      const lasted = mono - (this.stuckAtMono ?? mono);
      log.info(`RESUMED queue: stuck for ${seconds(lasted)} past the threshold; ${view.readyCount} ready job(s) now`);
      this.stuckSinceWall = null;
      this.stuckAtMono = null;
      this.changed.fire(false);
    }
    return { stuck, since: this.stuckSinceWall };
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
