// The daemon supervisor of one VS Code window: connects to the user's daemon (forking one when
// none runs), keeps the connection healthy, and restarts the daemon when it dies. No `vscode`
// import: the integration tests drive it against real daemon processes.
//
// States (src/extension/core/supervisor-state.ts) and transitions:
//   stopped   --start()-->                 starting
//   starting  --hello+subscribe+wake ok--> running     (onDidConnect: the window replays its outbox)
//   starting  --connect/fork failed-->     crashed
//   running   --unexpected disconnect-->   crashed     (the daemon died or was killed)
//   running   --announced shutdown-->      crashed     (another window's restart, `dormouse stop`:
//                                                       reconnects without spending the budget)
//   running   --N failed probes in a row-> crashed     (unresponsive: its pid is SIGKILLed first)
//   crashed   --budget left, after restartDelayMs--> starting (connect again; fork only if none runs)
//   crashed   --budget spent-->            given-up    (onDidGiveUp with a user-facing message)
//   any       --restart()-->               starting    (asks the daemon to stop, resets the budget)
//   any       --stop()-->                  stopping --> stopped (this window only: the daemon is
//                                                                shared and is never told to stop)
//
// The daemon is shared by every window of the user: two windows may race to start it (the loser's
// fork reports alreadyRunning and it just connects), and a window that goes away only disconnects.
import { DaemonClient, DaemonUnreachableError } from '../../client/daemon-client';
import type { Clock } from '../../shared/clock';
import { Emitter, type Event } from '../../shared/event';
import { type Disposable, DisposableStore, toDisposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import { type DataDirPaths, dataDirPaths } from '../../shared/paths';
import { isProcessAlive } from '../../shared/process-alive';
import { type EventMessage, type MethodName, type Params, type Result, RpcError } from '../../shared/protocol';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';
import type { DaemonStatus } from '../../shared/status';
import type { SupervisorState } from '../core/supervisor-state';
import { CrashBudget } from './crash-budget';
import { DaemonStartError, forkDaemon } from './fork-daemon';
import { Watchdog } from './watchdog';
import { errorMessage } from '../../shared/error-message';

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

export interface StateChange {
  state: SupervisorState;
  previous: SupervisorState;
  reason?: string;
}

/** How often restart() checks whether the stopped daemon's process is gone. */
const EXIT_POLL_MS = 25;
/** The client's own (real-time) request timeout, behind the clock-driven one: only a safety net. */
const CLIENT_TIMEOUT_BACKSTOP_MS = 60_000;

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

  private stateValue: SupervisorState = 'stopped';
  private statusValue: DaemonStatus | null = null;
  /** Monotonic ms when statusValue arrived. */
  private statusAt = 0;
  private lastErrorValue: string | null = null;
  private giveUpMessage: string | null = null;
  private client: DaemonClient | null = null;
  /** The current connection's listeners and watchdog: disposed the moment the connection is given up. */
  private session: DisposableStore | null = null;
  /** Tells the current connection's watchdog that this window sent a request (null while none runs). */
  private noteRequest: (() => void) | null = null;
  /**
   * Bumped by every start, crash, restart and stop. Async work (a connect, a fork, a probe)
   * remembers the generation it began in and drops its result when that has moved on.
   */
  private generation = 0;
  /** The connect-or-fork (or restart) in flight, which stop() waits for (bounded). */
  private attempt: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private disposed = false;
  private readonly restartScheduler: RunOnceScheduler;

  constructor(private readonly opts: SupervisorOptions) {
    this.paths = dataDirPaths(opts.dataDir);
    this.budget = opts.crashBudget ?? new CrashBudget();
    this.probeIntervalMs = opts.probeIntervalMs ?? 5000;
    this.probeIdleCeilingMs = Math.max(this.probeIntervalMs, opts.probeIdleCeilingMs ?? 30_000);
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
    this.probeFailuresBeforeRestart = opts.probeFailuresBeforeRestart ?? 3;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 2000;
    this.restartDelayMs = opts.restartDelayMs ?? 500;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    this.restartScheduler = this.store.add(new RunOnceScheduler(opts.clock, () => this.restartAfterCrash()));
  }

  get state(): SupervisorState {
    return this.stateValue;
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
    return this.client && !this.client.closed ? this.client.hello.daemonPid : null;
  }

  /**
   * Connects to the user's daemon if one runs, else forks one, then hello, `subscribe`, and an
   * explicit `wake` (a daemon restored hibernating serves the window at once). Failures go through
   * the crash path (restart, or give up). Resolves once running; rejects if the supervisor gives
   * up or is stopped first.
   */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the daemon supervisor is disposed'));
    switch (this.stateValue) {
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
        const gen = ++this.generation;
        this.setState('starting', 'start requested');
        if (gen === this.generation) this.track(this.connectOrFork(gen));
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
    const gen = ++this.generation;
    const client = this.detachConnection();
    this.restartScheduler.cancel();
    this.budget.reset();
    this.giveUpMessage = null;
    this.stopping = null;
    const running = this.whenRunning();
    this.setState('starting', 'restart requested');
    if (gen !== this.generation) return running;
    this.track(
      (async () => {
        await this.stopDaemon(client);
        if (gen === this.generation) await this.connectOrFork(gen);
      })(),
    );
    return running;
  }

  /** Sends a request when running; rejects at once when not connected (callers buffer). */
  request<M extends MethodName>(method: M, params: Params<M>, opts?: { timeoutMs?: number }): Promise<Result<M>> {
    const client = this.client;
    if (this.stateValue !== 'running' || !client || client.closed) {
      return Promise.reject(new RpcError('DISCONNECTED', `the Dormouse daemon is not connected (${this.stateValue}); ${method} was not sent`));
    }
    this.noteRequest?.();
    return client.request(method, params, opts);
  }

  dispose(): void {
    if (this.disposed) return;
    void this.stop(); // its synchronous part closes the connection and cancels every timer
    this.setState('stopped', 'disposed'); // settles start()/restart() callers before the emitters go
    this.disposed = true;
    this.store.dispose();
  }

  // ---- connecting ----

  private async connectOrFork(gen: number): Promise<void> {
    let client: DaemonClient | undefined;
    /** Once adopted, the client belongs to the supervisor: whoever moves the generation closes it. */
    let adopted = false;
    try {
      client = await this.openClient(gen);
      if (gen !== this.generation) {
        client.close();
        return;
      }
      const pid = client.hello.daemonPid;
      const session = new DisposableStore();
      this.client = client;
      adopted = true;
      this.session = session;
      let announced: string | null = null;
      session.add(
        client.onDidDisconnect(() =>
          announced === null
            ? this.crashed(gen, `the connection to the daemon (pid ${pid}) closed unexpectedly`)
            : this.crashed(gen, `the daemon (pid ${pid}) stopped: ${announced}`, undefined, { deliberate: true }),
        ),
      );
      session.add(
        client.onEvent((message) => {
          if (message.event === 'status') this.setStatus(message.data as DaemonStatus);
          if (message.event === 'shutdown') announced = (message.data as { reason: string }).reason;
          this.eventEmitter.fire(message);
        }),
      );
      await this.requestWithin(client, 'subscribe', { events: ['status', 'related', 'shutdown'] }, this.connectTimeoutMs);
      await this.requestWithin(client, 'wake', {}, this.connectTimeoutMs);
      const status = await this.requestWithin(client, 'status', {}, this.connectTimeoutMs);
      if (gen !== this.generation) return; // whoever moved the generation tore the session down
      this.setStatus(status);
      this.lastErrorValue = null;
      this.opts.log.info(`connected to daemon pid ${pid} (${this.paths.socket})`);
      this.setState('running', `connected to daemon pid ${pid}`);
      if (gen !== this.generation) return;
      this.startWatchdog(gen, client, session);
      this.connectEmitter.fire();
    } catch (error) {
      if (gen !== this.generation) {
        if (client && !adopted) client.close();
        return;
      }
      // A daemon at its connection limit is alive and well: no crash to count, try again after the
      // delay (a slot may have freed), and say why in the state.
      const full = error instanceof RpcError && error.code === 'TOO_MANY_CONNECTIONS';
      this.crashed(gen, full ? `${error.code}: ${error.message}` : describe(error), undefined, { deliberate: full });
    }
  }

  /** Connects to the running daemon; when none answers, forks one and connects to it. */
  private async openClient(gen: number): Promise<DaemonClient> {
    try {
      return await this.connectClient();
    } catch (error) {
      if (!(error instanceof DaemonUnreachableError)) throw error;
      this.opts.log.debug(`no daemon answered (${error.message}); starting one`);
    }
    if (gen !== this.generation) throw new Error('superseded');
    try {
      const { pid } = await forkDaemon({
        daemonScript: this.opts.daemonScript,
        dataDir: this.paths.dataDir,
        execPath: this.opts.execPath,
        env: this.opts.env,
        timeoutMs: this.opts.forkTimeoutMs,
        clock: this.opts.clock,
        onSlowStart: (reason) => this.opts.log.info(`the daemon takes longer to start: ${reason}`),
      });
      this.opts.log.info(`started daemon pid ${pid}`);
    } catch (error) {
      if (!(error instanceof DaemonStartError && error.alreadyRunning)) throw error;
      // Another window won the race to start it: use that one.
      this.opts.log.info('another window started the daemon first; connecting to it');
    }
    if (gen !== this.generation) throw new Error('superseded');
    return this.connectClient();
  }

  private connectClient(): Promise<DaemonClient> {
    return DaemonClient.connect({ paths: this.paths, clientName: this.opts.clientName, connectTimeoutMs: this.connectTimeoutMs });
  }

  // ---- watchdog ----

  /**
   * At most one armed clock timer while running, and none while the daemon hibernates: the cadence
   * (probe-cadence.ts) follows what the daemon says it does, from each probe's reply and each
   * `status` event; a request this window sends owes one probe at the floor.
   */
  private startWatchdog(gen: number, client: DaemonClient, session: DisposableStore): void {
    // `status` is control-plane: no SQL, not activity, never wakes the daemon's loops. A stale
    // poll loop (health.pollStale) is only reported through `status`, never acted on here.
    const watchdog = session.add(
      new Watchdog({
        clock: this.opts.clock,
        cadence: { floorMs: this.probeIntervalMs, ceilingMs: this.probeIdleCeilingMs },
        timeoutMs: this.probeTimeoutMs,
        failuresBeforeUnresponsive: this.probeFailuresBeforeRestart,
        initial: this.statusValue,
        probe: (signal) => client.request('status', {}, { signal, timeoutMs: this.probeTimeoutMs + CLIENT_TIMEOUT_BACKSTOP_MS }),
        onStatus: (status) => {
          if (gen === this.generation) this.setStatus(status);
        },
        onProbeFailed: (failures, error) => {
          if (gen === this.generation) this.opts.log.warn(`status probe ${failures}/${this.probeFailuresBeforeRestart} failed: ${describe(error)}`);
        },
        onUnresponsive: (failures) => this.unresponsive(gen, client.hello.daemonPid, failures),
      }),
    );
    session.add(
      client.onEvent((message) => {
        if (message.event === 'status') watchdog.observe(message.data as DaemonStatus);
      }),
    );
    const noteRequest = () => watchdog.requestSent();
    this.noteRequest = noteRequest;
    session.add(
      toDisposable(() => {
        if (this.noteRequest === noteRequest) this.noteRequest = null;
      }),
    );
  }

  private unresponsive(gen: number, pid: number, failures: number): void {
    const reason = `the daemon (pid ${pid}) did not answer ${failures} status probes in a row; killed it`;
    this.crashed(gen, reason, () => killQuietly(pid, 'SIGKILL'));
  }

  // ---- crashes ----

  /** The crash path: drop the connection, count the crash, then restart after a delay or give up. */
  /**
   * The connection is gone. A `deliberate` stop (the daemon announced it: another window's
   * Restart, `dormouse stop`, a signal) reconnects or starts a new daemon without spending the
   * crash budget; anything else is a crash.
   */
  private crashed(gen: number, reason: string, afterDetach?: () => void, opts: { deliberate?: boolean } = {}): void {
    if (gen !== this.generation || this.disposed) return;
    this.generation++;
    this.detachConnection()?.close();
    afterDetach?.();
    this.lastErrorValue = reason;
    const crashGen = this.generation;
    if (opts.deliberate) {
      this.opts.log.info(`${reason}; reconnecting`);
      this.setState('crashed', reason);
      if (crashGen !== this.generation) return;
      this.restartScheduler.schedule(this.restartDelayMs);
      return;
    }
    this.opts.log.warn(`daemon crashed: ${reason}`);
    this.setState('crashed', reason);
    if (crashGen !== this.generation) return; // a listener stopped or restarted us
    const { restart, crashesInWindow } = this.budget.recordCrash();
    if (!restart) {
      this.giveUp(crashesInWindow, reason);
      return;
    }
    this.opts.log.info(`restarting the daemon in ${this.restartDelayMs} ms (crash ${crashesInWindow} of ${this.budget.maxCrashes} allowed in ${formatWindow(this.budget.windowMs)})`);
    this.restartScheduler.schedule(this.restartDelayMs);
  }

  private restartAfterCrash(): void {
    if (this.stateValue !== 'crashed' || this.disposed) return;
    const gen = ++this.generation;
    this.setState('starting', 'restarting after a crash');
    if (gen === this.generation) this.track(this.connectOrFork(gen));
  }

  private giveUp(crashes: number, lastReason: string): void {
    const message = `The Dormouse daemon crashed ${crashes} times in ${formatWindow(this.budget.windowMs)}; not restarting it. Last error: ${lastReason}`;
    this.giveUpMessage = message;
    this.opts.log.error(message);
    const gen = this.generation;
    this.setState('given-up', message);
    if (gen === this.generation) this.giveUpEmitter.fire({ message });
  }

  // ---- stopping ----

  private async stopNow(): Promise<void> {
    const attempt = this.attempt;
    const gen = ++this.generation;
    this.restartScheduler.cancel();
    this.detachConnection()?.close();
    if (this.stateValue === 'stopped') return;
    this.setState('stopping', 'stop requested');
    // A connect or fork in flight sees the new generation and closes what it opened; wait for
    // that so nothing of this window lingers, but never longer than stopTimeoutMs.
    if (attempt) await this.raceTimeout(attempt, this.stopTimeoutMs);
    if (gen === this.generation) this.setState('stopped', 'stopped');
  }

  /**
   * restart(): asks the daemon to stop and waits (bounded) for its process to end; SIGKILLs it
   * when it does not. With no connection of our own, connects just to ask.
   */
  private async stopDaemon(client: DaemonClient | null): Promise<void> {
    let target = client && !client.closed ? client : null;
    if (!target) {
      try {
        target = await DaemonClient.connect({ paths: this.paths, clientName: this.opts.clientName, connectTimeoutMs: this.stopTimeoutMs });
      } catch {
        return; // nothing answers: nothing to stop
      }
    }
    const pid = target.hello.daemonPid;
    try {
      await this.requestWithin(target, 'stop', {}, this.stopTimeoutMs);
      if (await this.waitForExit(pid, this.stopTimeoutMs)) {
        this.opts.log.info(`daemon pid ${pid} stopped`);
        return;
      }
      // The window closed while the daemon was stopping gracefully: let it finish.
      if (this.disposed) return;
      this.opts.log.warn(`daemon pid ${pid} did not exit within ${this.stopTimeoutMs} ms of stop; killing it`);
    } catch (error) {
      this.opts.log.warn(`daemon pid ${pid} did not answer stop (${describe(error)}); killing it`);
    } finally {
      target.close();
    }
    killQuietly(pid, 'SIGKILL');
  }

  /** Polls (through the clock) until `pid` is gone; false when it outlives `timeoutMs`. */
  private async waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = this.opts.clock.monotonicNow() + timeoutMs;
    while (isProcessAlive(pid)) {
      if (this.opts.clock.monotonicNow() >= deadline || this.disposed) return false;
      await this.delay(EXIT_POLL_MS).done;
    }
    return true;
  }

  // ---- helpers ----

  /** Forgets the current connection (its disconnect is no longer a crash) and returns its client. */
  private detachConnection(): DaemonClient | null {
    const client = this.client;
    this.session?.dispose();
    this.session = null;
    this.client = null;
    this.setStatus(null);
    return client;
  }

  private track(attempt: Promise<void>): void {
    const tracked = attempt.finally(() => {
      if (this.attempt === tracked) this.attempt = null;
    });
    this.attempt = tracked;
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

  /** A request bounded by a clock timer (so tests with a ManualClock drive it too). */
  private async requestWithin<M extends MethodName>(client: DaemonClient, method: M, params: Params<M>, timeoutMs: number): Promise<Result<M>> {
    const controller = new AbortController();
    const timer = this.opts.clock.setTimeout(
      () => controller.abort(new RpcError('TIMEOUT', `${method} got no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      return await client.request(method, params, { signal: controller.signal, timeoutMs: timeoutMs + CLIENT_TIMEOUT_BACKSTOP_MS });
    } finally {
      timer.dispose();
    }
  }

  /** A clock delay; disposing it (or the supervisor) cancels the timer and resolves at once. */
  private delay(ms: number): { done: Promise<void> } & Disposable {
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const timer = this.opts.clock.setTimeout(() => this.store.delete(pending), ms);
    const pending = this.store.add(
      toDisposable(() => {
        timer.dispose();
        resolveDone();
      }),
    );
    return { done, dispose: () => this.store.delete(pending) };
  }

  /** Waits for `work`, at most `ms`; the timer goes as soon as either is done. */
  private async raceTimeout(work: Promise<unknown>, ms: number): Promise<void> {
    const timeout = this.delay(ms);
    try {
      await Promise.race([work.then(() => undefined, () => undefined), timeout.done]);
    } finally {
      timeout.dispose();
    }
  }

  private setState(state: SupervisorState, reason?: string): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.opts.log.debug(`state ${previous} -> ${state}${reason ? ` (${reason})` : ''}`);
    this.stateEmitter.fire({ state, previous, reason });
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

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function formatWindow(ms: number): string {
  if (ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  const seconds = Math.round(ms / 1000);
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
