// The supervisor's watchdog over one connection: asks the daemon for `status` when the cadence
// (probe-cadence.ts) says so, bounds each probe by a clock timer, and reports a daemon that fails
// `failuresBeforeUnresponsive` probes in a row. It holds at most one armed clock timer (the next
// probe, or the timeout of the probe in flight) and none while the daemon hibernates.
import type { Clock, Timer } from '../../shared/clock';
import type { Disposable } from '../../shared/lifecycle';
import { RpcError } from '../../shared/protocol';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';
import type { DaemonStatus } from '../../shared/status';
import { ProbeCadence, type ProbeCadenceOptions } from './probe-cadence';

export interface WatchdogOptions {
  clock: Clock;
  cadence: ProbeCadenceOptions;
  /** A probe with no reply within this is a failed probe. */
  timeoutMs: number;
  failuresBeforeUnresponsive: number;
  /** What the daemon said last (the handshake's status), if anything. */
  initial: DaemonStatus | null;
  /** Sends one `status` request; the signal aborts it when the probe times out. */
  probe(signal: AbortSignal): Promise<DaemonStatus>;
  onStatus(status: DaemonStatus): void;
  onProbeFailed(failures: number, error: unknown): void;
  /** Called once, after the last failed probe; the watchdog arms nothing more. */
  onUnresponsive(failures: number): void;
}

export class Watchdog implements Disposable {
  private readonly cadence: ProbeCadence;
  private readonly scheduler: RunOnceScheduler;
  /** Monotonic due time of the armed probe, null when none is armed. */
  private dueAt: number | null = null;
  private probing = false;
  private failures = 0;
  private done = false;

  constructor(private readonly opts: WatchdogOptions) {
    this.cadence = new ProbeCadence(opts.cadence);
    if (opts.initial) this.cadence.observe(opts.initial);
    this.scheduler = new RunOnceScheduler(opts.clock, () => {
      this.dueAt = null;
      void this.probe();
    });
    this.arm();
  }

  /** A `status` event the daemon pushed. */
  observe(status: DaemonStatus): void {
    this.cadence.observe(status);
    this.arm();
  }

  /** This window sent the daemon a request. */
  requestSent(): void {
    this.cadence.requestSent();
    this.arm();
  }

  dispose(): void {
    this.done = true;
    this.scheduler.dispose();
  }

  /** Arms the probe the cadence asks for; an earlier one already armed stays. */
  private arm(): void {
    if (this.probing || this.done) return;
    const delay = this.cadence.nextDelayMs();
    if (delay === null) {
      this.scheduler.cancel();
      this.dueAt = null;
      return;
    }
    const at = this.opts.clock.monotonicNow() + delay;
    if (this.dueAt !== null && this.dueAt <= at) return;
    this.dueAt = at;
    this.scheduler.schedule(delay);
  }

  private async probe(): Promise<void> {
    this.probing = true;
    this.cadence.probeStarted();
    const controller = new AbortController();
    const timer: Timer = this.opts.clock.setTimeout(
      () => controller.abort(new RpcError('TIMEOUT', `status got no reply within ${this.opts.timeoutMs} ms`)),
      this.opts.timeoutMs,
    );
    try {
      const status = await this.opts.probe(controller.signal);
      if (this.done) return;
      this.failures = 0;
      this.cadence.probeSucceeded(status);
      this.opts.onStatus(status);
    } catch (error) {
      if (this.done) return;
      this.failures++;
      this.cadence.probeFailed();
      this.opts.onProbeFailed(this.failures, error);
      if (this.failures >= this.opts.failuresBeforeUnresponsive) {
        this.done = true;
        this.opts.onUnresponsive(this.failures);
        return;
      }
    } finally {
      timer.dispose();
      this.probing = false;
    }
    this.arm();
  }
}
