// When the daemon may hibernate: zero timers, zero SQL, until a wake. The worker loops suspend on
// their own once their idle time passes suspendAfterMs (cadence.ts); this decides the rest:
// - `hibernate` (the editor-idle signal) suspends every loop at once, unless work is queued or in
//   flight, or the settings forbid hibernation;
// - the reaper sleeps only with the loops: when the last worker loop suspends with nothing queued
//   or leased there is nothing for it to reclaim, so it suspends too instead of sweeping twice more.
import type { Logger } from '../../shared/logger';
import type { JobQueue } from '../queue/job-queue';
import type { Reaper } from '../queue/reaper';
import { type CadenceOptions, suspensionAllowed } from './cadence';
import type { WorkerLoops } from './worker-loops';

export interface HibernationPolicyOptions {
  queue: JobQueue;
  workers: WorkerLoops;
  reaper: Reaper;
  /** The cadence the settings ask for now. */
  cadence: () => CadenceOptions;
  log: Logger;
  /** The daemon hibernated (on request, or the reaper followed the loops): what rides on it sleeps too. */
  onHibernated?: () => void;
}

export type HibernateOutcome = { hibernated: boolean; reason?: string };

export class HibernationPolicy {
  constructor(private readonly opts: HibernationPolicyOptions) {}

  /** Work queued, leased, in flight, or a retry already due. */
  isBusy(): boolean {
    const { view } = this.opts.queue;
    return view.counts.queued > 0 || view.counts.leased > 0 || view.hasReadyWork() || this.opts.workers.inFlight > 0;
  }

  /** The editor-idle signal: suspend every loop now, unless work is queued or in flight. */
  hibernate(): HibernateOutcome {
    const { queue, workers, reaper } = this.opts;
    // Finished jobs whose completion waits for the next lease are done work, not busy work.
    queue.flushCompletions();
    if (this.isBusy()) return { hibernated: false, reason: 'work is queued or in flight' };
    if (!suspensionAllowed(this.opts.cadence())) {
      return { hibernated: false, reason: 'hibernation is disabled by the settings (suspendEnabled, suspendAfterMs 0, or backoffEnabled)' };
    }
    const refused = workers.all.filter((w) => !w.loop.suspend('hibernate requested'));
    // The reaper sleeps only with the loops: a loop still running may need a lease reclaimed.
    if (refused.length > 0) return { hibernated: false, reason: `loop(s) busy: ${refused.map((w) => w.kind).join(', ')}` };
    reaper.suspend('hibernate requested');
    this.opts.onHibernated?.();
    this.opts.log.info('hibernating on request');
    return { hibernated: true };
  }

  /** Called when a worker loop changes state: the reaper follows the last one into hibernation. */
  reaperFollowsLoops(): void {
    const { workers } = this.opts;
    if (workers.all.length === 0) return;
    if (!workers.all.every((w) => w.loop.snapshot().state === 'suspended')) return;
    if (this.isBusy()) return;
    this.opts.reaper.suspend('every loop is hibernating');
    this.opts.onHibernated?.();
  }
}
