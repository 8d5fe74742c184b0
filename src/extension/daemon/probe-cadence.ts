// When the supervisor's watchdog asks the daemon for `status`. The watchdog exists to find a
// daemon that is alive but hung (its process runs, its socket is open, it answers nothing). A
// crash needs no probe: the socket closes and the supervisor sees it at once. And a hibernating
// daemon runs no work that could hang, so probing it only costs wake-ups on both sides.
//
// So the cadence follows what the daemon last said it is doing (every probe reply and every
// `status` event it pushes):
// - work in flight (a loop running or in a tick, jobs queued or leased): a probe every floorMs;
// - backing off with nothing to do (empty polls): relaxed, the interval doubling from floorMs up
//   to ceilingMs;
// - hibernating: no probe at all. The daemon announces leaving hibernation with a `status` event,
//   and anything this window sends it (a capture, a recall, a wake) owes one probe at the floor,
//   so a daemon that hung while hibernating is found as soon as the window needs it.
// A failed probe keeps the floor until one succeeds: failures in a row are what restart a daemon.
import type { DaemonStatus } from '../../shared/status';

export interface ProbeCadenceOptions {
  /** The interval while work is in flight, and after a request or a failed probe. */
  floorMs: number;
  /** The longest interval while the daemon backs off with nothing to do. */
  ceilingMs: number;
}

/** What the watchdog needs to know of the daemon. */
export type DaemonActivity = 'working' | 'backing-off' | 'hibernating';

function daemonActivity(status: DaemonStatus): DaemonActivity {
  const working =
    status.state === 'awake' ||
    status.queue.queued > 0 ||
    status.queue.leased > 0 ||
    status.loops.some((loop) => loop.inFlight);
  if (working) return 'working';
  return status.state === 'hibernating' ? 'hibernating' : 'backing-off';
}

export class ProbeCadence {
  private activity: DaemonActivity = 'working';
  private relaxedMs: number;
  /** A request was sent after the last probe started: a probe at the floor is owed for it. */
  private owed = false;
  /** The last probe failed: keep probing at the floor until one succeeds. */
  private suspect = false;

  constructor(private readonly opts: ProbeCadenceOptions) {
    this.relaxedMs = opts.floorMs;
  }

  /** The delay before the next probe, or null for none (the daemon hibernates). */
  nextDelayMs(): number | null {
    if (this.suspect || this.owed) return this.opts.floorMs;
    switch (this.activity) {
      case 'working':
        return this.opts.floorMs;
      case 'backing-off':
        return this.relaxedMs;
      case 'hibernating':
        return null;
    }
  }

  /** A status the daemon pushed (an event): it says what the daemon does now. */
  observe(status: DaemonStatus): void {
    this.activity = daemonActivity(status);
    if (this.activity === 'working') this.relaxedMs = this.opts.floorMs;
  }

  /** This window sent the daemon a request: whatever it said before, check it answers. */
  requestSent(): void {
    this.owed = true;
    this.relaxedMs = this.opts.floorMs;
  }

  /** A probe covers every request sent before it; one sent while it is in flight owes another. */
  probeStarted(): void {
    this.owed = false;
  }

  probeSucceeded(status: DaemonStatus): void {
    this.suspect = false;
    const before = this.activity;
    this.observe(status);
    // Each quiet probe while backing off doubles the next interval, up to the ceiling.
    if (before === 'backing-off' && this.activity === 'backing-off') {
      this.relaxedMs = Math.min(this.opts.ceilingMs, this.relaxedMs * 2);
    }
  }

  probeFailed(): void {
    this.suspect = true;
  }
}
