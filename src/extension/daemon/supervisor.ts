// The daemon supervisor of one VS Code window: connects to the user's daemon (forking one when
// none runs), keeps the connection healthy, and restarts the daemon when it dies. No `vscode`
// import: the integration tests drive it against real daemon processes.
//
// Its states and every legal move between them are one table, TRANSITIONS in
// src/extension/core/supervisor-state.ts; each change goes through transition(), which refuses a
// move not in it. The paths:
//   start()                          stopped -> starting -> running  (onDidConnect: the window replays its outbox)
//   connect/fork/handshake failed    starting -> crashed
//   unexpected disconnect            running -> crashed  (the daemon died or was killed)
//   announced shutdown               running -> crashed  (another window's restart, `dormouse stop`:
//                                                          reconnects without spending the budget)
//   N failed probes in a row         running -> crashed  (unresponsive: its pid is SIGKILLed first)
//   budget left, after restartDelayMs  crashed -> starting (connect again; fork only if none runs)
//   budget spent                     crashed -> given-up (onDidGiveUp with a user-facing message)
//   restart()                        any other -> starting (asks the daemon to stop, resets the budget;
//                                                          while starting it cancels the start and stays)
//   stop()                           any other -> stopping -> stopped (this window only: the daemon
//                                                          is shared and is never told to stop)
//
// Cancellation: each attempt (a start, a restart, a restart after a crash) has its own
// AbortController. A stop, a crash, or a newer attempt aborts it; the signal goes down to the
// connect, the fork, the handshake requests and the exit wait, which give up at once, so an
// attempt that lost the race adopts nothing.
//
// The daemon is shared by every window of the user: two windows may race to start it (the loser's
// fork reports alreadyRunning and it just connects), and a window that goes away only disconnects.
import type { DaemonClient } from '../../client/daemon-client';
import type { Clock } from '../../shared/clock';
import { Emitter, type Event } from '../../shared/event';
import { type Disposable, DisposableStore } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import { type DataDirPaths, dataDirPaths } from '../../shared/paths';
import { type EventMessage, type MethodName, type Params, type Result, RpcError } from '../../shared/protocol';
import { raceTimeout } from '../../shared/race-timeout';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';
import type { DaemonStatus } from '../../shared/status';
import { type StateChange, type SupervisorState, SupervisorStateMachine } from '../core/supervisor-state';
import { CrashBudget } from './crash-budget';
import { DaemonSession } from './daemon-session';
import { openDaemon } from './open-daemon';
import { killQuietly, stopDaemon } from './stop-daemon';
import { errorMessage } from '../../shared/error-message';

export type { StateChange };

export interface SupervisorOptions {
  dataDir: string;
  daemonScript: string;
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** e.g. "vscode-window-<pid>" */
  clientName: string;
  clock: Clock;
  log: Logger;
  /** The watchdog's interval while the daemon has work in flight (the floor). Default 5000. */
  probeIntervalMs?: number;
  /** The longest interval while the daemon backs off with nothing to do. Default 30000. */
  probeIdleCeilingMs?: number;
  /** Default 2000. */
  probeTimeoutMs?: number;
  /** Default 3. */
  probeFailuresBeforeRestart?: number;
  /** Default: 5 crashes in 3 minutes, on `clock`. */
  crashBudget?: CrashBudget;
  /** Default 2000. */
  stopTimeoutMs?: number;
  /** Small delay before a restart after a crash. Default 500. */
  restartDelayMs?: number;
  /** Connect + hello, and each handshake request (subscribe, wake, status). Default 5000. */
  connectTimeoutMs?: number;
  /** How long a forked daemon may take to report ready. Default 15000. */
  forkTimeoutMs?: number;
}

/** The reason an attempt's signal carries: who cancelled it. */
class AttemptCancelled extends Error {
  constructor(by: string) {
    super(`cancelled: ${by}`);
    this.name = 'AttemptCancelled';
  }
}

export class DaemonSupervisor implements Disposable {
  private readonly store = new DisposableStore();
  private readonly paths: DataDirPaths;
  private readonly budget: CrashBudget;
  private readonly probeIntervalMs: number;
  private readonly probeIdleCeilingMs: number;
  private readonly probeTimeoutMs: number;
  private readonly probeFailuresBeforeRestart: number;
  private readonly stopTimeoutMs: number;
  private readonly restartDelayMs: number;
  private readonly connectTimeoutMs: number;

  private readonly stateEmitter = this.store.add(new Emitter<StateChange>());
  private readonly statusEmitter = this.store.add(new Emitter<DaemonStatus | null>());
  private readonly connectEmitter = this.store.add(new Emitter<void>());
  private readonly giveUpEmitter = this.store.add(new Emitter<{ message: string }>());
  private readonly eventEmitter = this.store.add(new Emitter<EventMessage>());

  readonly onDidChangeState: Event<StateChange> = this.stateEmitter.event;
  readonly onDidChangeStatus: Event<DaemonStatus | null> = this.statusEmitter.event;
  /** Fired after each (re)connection once hello+subscribe succeeded: the extension replays its outbox here. */
  readonly onDidConnect: Event<void> = this.connectEmitter.event;
  /** Fired when the crash budget is spent (state given-up), with a user-facing message. */
  readonly onDidGiveUp: Event<{ message: string }> = this.giveUpEmitter.event;
  /** Every event the daemon pushes (`status`, `related` and `shutdown`, subscribed on each connection). */
  readonly onDidReceiveEvent: Event<EventMessage> = this.eventEmitter.event;

  private readonly machine: SupervisorStateMachine;
  private statusValue: DaemonStatus | null = null;
  /** Monotonic ms when statusValue arrived. */
  private statusAt = 0;
  private lastErrorValue: string | null = null;
  private giveUpMessage: string | null = null;
  /** The adopted connection, its listeners and watchdog: disposed the moment the connection is given up. */
  private session: DaemonSession | null = null;
  /** The current attempt's controller: aborted by a stop, a crash, or the next attempt. */
  private attemptController: AbortController | null = null;
  /** The connect-or-fork (or restart) in flight, which stop() waits for (bounded). */
  private inFlight: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private disposed = false;
  private readonly restartScheduler: RunOnceScheduler;

  constructor(private readonly opts: SupervisorOptions) {
    this.paths = dataDirPaths(opts.dataDir);
    this.budget = opts.crashBudget ?? new CrashBudget({ clock: opts.clock });
    this.probeIntervalMs = opts.probeIntervalMs ?? 5000;
    this.probeIdleCeilingMs = Math.max(this.probeIntervalMs, opts.probeIdleCeilingMs ?? 30_000);
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
    this.probeFailuresBeforeRestart = opts.probeFailuresBeforeRestart ?? 3;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 2000;
    this.restartDelayMs = opts.restartDelayMs ?? 500;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    this.machine = new SupervisorStateMachine((from, to, reason) =>
      opts.log.error(`illegal supervisor state change ${from} -> ${to}${reason ? ` (${reason})` : ''} refused`),
    );
    this.restartScheduler = this.store.add(new RunOnceScheduler(opts.clock, () => this.restartAfterCrash()));
  }

  get state(): SupervisorState {
    return this.machine.state;
  }

  /** Last status from the daemon (status events after subscribe, and watchdog probes), null when none. */
  get status(): DaemonStatus | null {
    return this.statusValue;
  }

  /** How long ago the last status arrived (ms); 0 when there is none. */
  get statusAgeMs(): number {
    return this.statusValue ? this.opts.clock.monotonicNow() - this.statusAt : 0;
  }

  get lastError(): string | null {
    return this.lastErrorValue;
  }

  /** The pid of the daemon this window is connected to, null while not connected. */
  get daemonPid(): number | null {
    return this.session && !this.session.client.closed ? this.session.pid : null;
  }

  /**
   * Connects to the user's daemon if one runs, else forks one, then hello, `subscribe`, and an
   * explicit `wake` (a daemon restored hibernating serves the window at once). Failures go through
   * the crash path (restart, or give up). Resolves once running; rejects if the supervisor gives
   * up or is stopped first.
   */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the daemon supervisor is disposed'));
    switch (this.state) {
      case 'running':
        return Promise.resolve();
      case 'starting':
      case 'crashed':
        return this.whenRunning();
      case 'given-up':
        return Promise.reject(new Error(this.giveUpMessage ?? 'the daemon supervisor gave up; restart the daemon'));
      case 'stopping':
        return (this.stopping ?? Promise.resolve()).then(() => this.start());
      case 'stopped': {
        this.stopping = null;
        const running = this.whenRunning();
        const signal = this.beginAttempt('a newer start');
        this.transition('starting', 'start requested');
        // A listener may have stopped us already: its stop aborted this attempt.
        if (!signal.aborted) this.track(this.connectOrFork(signal));
        return running;
      }
    }
  }

  /** Disconnects THIS window only; never stops the shared daemon. Safe twice (same promise). Ends in 'stopped'. */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  /**
   * The "Restart daemon" command: asks the daemon to `stop` (SIGKILLs its pid if it does not
   * stop within stopTimeoutMs), then starts a fresh one. Resets the crash budget and leaves
   * given-up. Resolves once running; rejects if the fresh start gives up or is stopped.
   */
  restart(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the daemon supervisor is disposed'));
    const signal = this.beginAttempt('a restart');
    const client = this.detachConnection();
    this.restartScheduler.cancel();
    this.budget.reset();
    this.giveUpMessage = null;
    this.stopping = null;
    const running = this.whenRunning();
    // A restart while starting cancels the start in flight (aborted above) and stays 'starting'.
    if (this.state !== 'starting') this.transition('starting', 'restart requested');
    if (signal.aborted) return running;
    this.track(
      (async () => {
        await stopDaemon({ paths: this.paths, clientName: this.opts.clientName, clock: this.opts.clock, log: this.opts.log, timeoutMs: this.stopTimeoutMs, client, signal });
        if (!signal.aborted) await this.connectOrFork(signal);
      })(),
    );
    return running;
  }

  /** Sends a request when running; rejects at once when not connected (callers buffer). */
  request<M extends MethodName>(method: M, params: Params<M>, opts?: { timeoutMs?: number }): Promise<Result<M>> {
    const session = this.session;
    if (this.state !== 'running' || !session || session.client.closed) {
      return Promise.reject(new RpcError('DISCONNECTED', `the Dormouse daemon is not connected (${this.state}); ${method} was not sent`));
    }
    session.requestSent();
    return session.client.request(method, params, opts);
  }

  dispose(): void {
    if (this.disposed) return;
    void this.stop(); // its synchronous part aborts the attempt, closes the connection and cancels every timer
    // Settles start()/restart() callers before the emitters go.
    if (this.state === 'stopping') this.transition('stopped', 'disposed');
    this.disposed = true;
    this.store.dispose();
  }

  // ---- connecting ----

  private async connectOrFork(signal: AbortSignal): Promise<void> {
    let client: DaemonClient | undefined;
    /** Once adopted, the client belongs to the supervisor: whoever aborts the attempt closes it. */
    let adopted = false;
    try {
      client = await openDaemon({
        paths: this.paths, clientName: this.opts.clientName, clock: this.opts.clock, log: this.opts.log, connectTimeoutMs: this.connectTimeoutMs,
        daemonScript: this.opts.daemonScript, execPath: this.opts.execPath, env: this.opts.env, forkTimeoutMs: this.opts.forkTimeoutMs, signal,
      });
      signal.throwIfAborted();
      const session = this.adopt(client, signal);
      adopted = true;
      const bounded = { timeoutMs: this.connectTimeoutMs, signal };
      await client.request('subscribe', { events: ['status', 'related', 'shutdown'] }, bounded);
      await client.request('wake', {}, bounded);
      const status = await client.request('status', {}, bounded);
      signal.throwIfAborted(); // whoever aborted it tore the session down
      this.setStatus(status);
      this.lastErrorValue = null;
      this.opts.log.info(`connected to daemon pid ${session.pid} (${this.paths.socket})`);
      this.transition('running', `connected to daemon pid ${session.pid}`);
      if (signal.aborted) return; // a listener stopped or restarted us
      session.watch(this.statusValue);
      this.connectEmitter.fire();
    } catch (error) {
      if (signal.aborted) {
        if (client && !adopted) client.close();
        return;
      }
      // A daemon at its connection limit is alive and well: no crash to count, try again after the
      // delay (a slot may have freed), and say why in the state.
      const full = error instanceof RpcError && error.code === 'TOO_MANY_CONNECTIONS';
      this.crashed(signal, full ? `${error.code}: ${error.message}` : describe(error), undefined, { deliberate: full });
    }
  }

  /** The connection is this attempt's: what it reports and how it ends go through `signal`'s checks. */
  private adopt(client: DaemonClient, signal: AbortSignal): DaemonSession {
    const session = new DaemonSession({
      client,
      clock: this.opts.clock,
      log: this.opts.log,
      probe: { floorMs: this.probeIntervalMs, ceilingMs: this.probeIdleCeilingMs, timeoutMs: this.probeTimeoutMs, failuresBeforeUnresponsive: this.probeFailuresBeforeRestart },
      onLost: (reason, deliberate) => this.crashed(signal, reason, undefined, { deliberate }),
      onStatus: (status) => {
        if (!signal.aborted) this.setStatus(status);
      },
      onEvent: (message) => this.eventEmitter.fire(message),
      onUnresponsive: (reason) => this.crashed(signal, reason, () => killQuietly(client.hello.daemonPid, 'SIGKILL')),
    });
    this.session = session;
    return session;
  }

  // ---- crashes ----

  /**
   * The crash path: the connection (or the attempt to make one) is gone. Drop it, count the crash,
   * then restart after a delay or give up. A `deliberate` stop (the daemon announced it: another
   * window's Restart, `dormouse stop`, a signal) reconnects or starts a new daemon without spending
   * the crash budget. `signal` is the attempt the crash belongs to: a crash of an attempt already
   * cancelled (stopped, restarted, crashed) is no news.
   */
  private crashed(signal: AbortSignal, reason: string, afterDetach?: () => void, opts: { deliberate?: boolean } = {}): void {
    if (signal.aborted || this.disposed) return;
    this.abortAttempt('the daemon crashed');
    this.detachConnection()?.close();
    afterDetach?.();
    this.lastErrorValue = reason;
    if (opts.deliberate) this.opts.log.info(`${reason}; reconnecting`);
    else this.opts.log.warn(`daemon crashed: ${reason}`);
    this.transition('crashed', reason);
    if (this.state !== 'crashed') return; // a listener stopped or restarted us
    if (opts.deliberate) {
      this.restartScheduler.schedule(this.restartDelayMs);
      return;
    }
    const { restart, crashesInWindow } = this.budget.recordCrash();
    if (!restart) {
      this.giveUp(crashesInWindow, reason);
      return;
    }
    this.opts.log.info(`restarting the daemon in ${this.restartDelayMs} ms (crash ${crashesInWindow} of ${this.budget.maxCrashes} allowed in ${this.budget.windowText})`);
    this.restartScheduler.schedule(this.restartDelayMs);
  }

  private restartAfterCrash(): void {
    if (this.state !== 'crashed' || this.disposed) return;
    const signal = this.beginAttempt('a newer attempt');
    this.transition('starting', 'restarting after a crash');
    if (!signal.aborted) this.track(this.connectOrFork(signal));
  }

  private giveUp(crashes: number, lastReason: string): void {
    const message = `The Dormouse daemon crashed ${crashes} times in ${this.budget.windowText}; not restarting it. Last error: ${lastReason}`;
    this.giveUpMessage = message;
    this.opts.log.error(message);
    this.transition('given-up', message);
    if (this.state === 'given-up') this.giveUpEmitter.fire({ message });
  }

  // ---- stopping ----

  private async stopNow(): Promise<void> {
    const inFlight = this.inFlight;
    this.abortAttempt('stop');
    this.restartScheduler.cancel();
    this.detachConnection()?.close();
    if (this.state === 'stopped') return;
    this.transition('stopping', 'stop requested');
    // The attempt in flight saw its signal abort and closes what it opened; wait for that so
    // nothing of this window lingers, but never longer than stopTimeoutMs.
    if (inFlight) await raceTimeout(this.opts.clock, inFlight, this.stopTimeoutMs);
    // Unless a restart() took over meanwhile (or dispose() finished the stop).
    if (this.state === 'stopping') this.transition('stopped', 'stopped');
  }

  // ---- helpers ----

  /** Cancels the attempt in flight (if any) and returns the signal of a new one. */
  private beginAttempt(cancelledBy: string): AbortSignal {
    this.abortAttempt(cancelledBy);
    const controller = new AbortController();
    this.attemptController = controller;
    return controller.signal;
  }

  private abortAttempt(by: string): void {
    this.attemptController?.abort(new AttemptCancelled(by));
    this.attemptController = null;
  }

  /** Forgets the current connection (its disconnect is no longer a crash) and returns its client. */
  private detachConnection(): DaemonClient | null {
    const client = this.session?.client ?? null;
    this.session?.dispose();
    this.session = null;
    this.setStatus(null);
    return client;
  }

  private track(attempt: Promise<void>): void {
    const tracked = attempt.finally(() => {
      if (this.inFlight === tracked) this.inFlight = null;
    });
    this.inFlight = tracked;
  }

  /** Resolves once running; rejects on given-up or stopped. */
  private whenRunning(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sub = this.stateEmitter.event(({ state }) => {
        if (state === 'running') resolve();
        else if (state === 'given-up') reject(new Error(this.giveUpMessage ?? 'the daemon supervisor gave up'));
        else if (state === 'stopped') reject(new Error('the daemon supervisor was stopped before it connected'));
        else return;
        sub.dispose();
      });
    });
  }

  /** The one place the state changes: the table in supervisor-state.ts decides, then listeners hear of it. */
  private transition(to: SupervisorState, reason?: string): void {
    const change = this.machine.transition(to, reason);
    if (!change) return;
    this.opts.log.debug(`state ${change.previous} -> ${to}${reason ? ` (${reason})` : ''}`);
    this.stateEmitter.fire(change);
  }

  private setStatus(status: DaemonStatus | null): void {
    if (status === null && this.statusValue === null) return;
    this.statusValue = status;
    this.statusAt = this.opts.clock.monotonicNow();
    this.statusEmitter.fire(status);
  }
}

function describe(error: unknown): string {
  return errorMessage(error);
}
