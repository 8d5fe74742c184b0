// One adopted connection to the daemon, for as long as the supervisor keeps it: what the daemon
// pushes (status, related, shutdown), how the connection ends (an announced stop, or a crash),
// and, once the handshake is done, the watchdog over it. Disposing it forgets the connection at
// once: its disconnect is no longer news and its watchdog arms nothing more.
import type { DaemonClient } from '../../client/daemon-client';
import type { Clock } from '../../shared/clock';
import { type Disposable, DisposableStore } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { EventMessage } from '../../shared/protocol';
import type { DaemonStatus } from '../../shared/status';
import { Watchdog } from './watchdog';
import { errorMessage } from '../../shared/error-message';

export interface DaemonSessionOptions {
  client: DaemonClient;
  clock: Clock;
  log: Logger;
  probe: {
    /** The interval while the daemon has work in flight (the floor). */
    floorMs: number;
    /** The longest interval while the daemon backs off with nothing to do. */
    ceilingMs: number;
    timeoutMs: number;
    failuresBeforeUnresponsive: number;
  };
  /** The connection closed; `deliberate` when the daemon announced its stop first (no crash to count). */
  onLost(reason: string, deliberate: boolean): void;
  /** A status the daemon pushed, or a probe's answer. */
  onStatus(status: DaemonStatus): void;
  /** Every event the daemon pushes. */
  onEvent(message: EventMessage): void;
  /** The watchdog's last probe failed: the daemon is alive but hung. Nothing was killed yet. */
  onUnresponsive(reason: string): void;
}

export class DaemonSession implements Disposable {
  readonly client: DaemonClient;
  readonly pid: number;
  private readonly store = new DisposableStore();
  private watchdog: Watchdog | null = null;

  constructor(private readonly opts: DaemonSessionOptions) {
    const { client } = opts;
    this.client = client;
    this.pid = client.hello.daemonPid;
    /** The reason of a `shutdown` event: the daemon said it stops on purpose. */
    let announced: string | null = null;
    this.store.add(
      client.onDidDisconnect(() =>
        announced === null
          ? opts.onLost(`the connection to the daemon (pid ${this.pid}) closed unexpectedly`, false)
          : opts.onLost(`the daemon (pid ${this.pid}) stopped: ${announced}`, true),
      ),
    );
    this.store.add(
      client.onEvent((message) => {
        if (message.event === 'status') {
          const status = message.data as DaemonStatus;
          opts.onStatus(status);
          this.watchdog?.observe(status);
        }
        if (message.event === 'shutdown') announced = (message.data as { reason: string }).reason;
        opts.onEvent(message);
      }),
    );
  }

  /**
   * After the handshake: the watchdog probes from now on. At most one armed clock timer, and none
   * while the daemon hibernates: the cadence (probe-cadence.ts) follows what the daemon says it
   * does, from each probe's reply and each `status` event; a request this window sends owes one
   * probe at the floor. `status` is control-plane: no SQL, not activity, never wakes the daemon's
   * loops. A stale poll loop (health.pollStale) is only reported through `status`, never acted on.
   */
  watch(initial: DaemonStatus | null): void {
    const { opts, client } = this;
    const { probe } = opts;
    this.watchdog = this.store.add(
      new Watchdog({
        clock: opts.clock,
        cadence: { floorMs: probe.floorMs, ceilingMs: probe.ceilingMs },
        timeoutMs: probe.timeoutMs,
        failuresBeforeUnresponsive: probe.failuresBeforeUnresponsive,
        initial,
        // The watchdog's own timer bounds the probe: no second timer in the client.
        probe: (signal) => client.request('status', {}, { signal, timeoutMs: null }),
        onStatus: (status) => opts.onStatus(status),
        onProbeFailed: (failures, error) =>
          opts.log.warn(`status probe ${failures}/${probe.failuresBeforeUnresponsive} failed: ${errorMessage(error)}`),
        onUnresponsive: (failures) => opts.onUnresponsive(`the daemon (pid ${this.pid}) did not answer ${failures} status probes in a row; killed it`),
      }),
    );
  }

  /** This window sent the daemon a request: the watchdog owes a probe for it. */
  requestSent(): void {
    this.watchdog?.requestSent();
  }

  /** Forgets the connection (its listeners and watchdog go); closing the client is the owner's call. */
  dispose(): void {
    this.watchdog = null;
    this.store.dispose();
  }
}
