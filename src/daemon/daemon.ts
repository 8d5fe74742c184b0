// The composition root: builds the daemon's parts in dependency order, connects them, and owns the
// start and shutdown order. What the parts decide lives in files named after it: running jobs
// (scheduling/job-runner.ts, worker-loops.ts), hibernation (scheduling/hibernation-policy.ts),
// the status (health/status-report.ts, status-events.ts), the IPC methods (ipc/rpc-handlers.ts),
// opening the database at start (store/open-at-start.ts).
//
// Start: settings -> own the socket (one daemon per data dir; requests are answered "starting"
// until the handlers exist) -> write the token -> open the database (checked after an unclean
// shutdown, quarantined if corrupt) -> queue (jobs leased by a dead daemon go back to queued) ->
// workers -> loops, reaper, retry alarm on one wake bus -> serve -> ready.
// Stop (safe to call twice): stop accepting work -> stop the loops and the reaper -> let in-flight
// jobs finish up to a timeout, then cancel them (back to the queue) -> close the server -> close
// the database -> mark a clean shutdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setListenerErrorHandler } from '../shared/event';
import { DisposableStore, toDisposable } from '../shared/lifecycle';
import { type Logger, type LogLevel, type LogSink, createLogger } from '../shared/logger';
import { type DataDirPaths, dataDirPaths } from '../shared/paths';
import type { Settings } from '../shared/settings';
import { VERSION } from '../shared/version';
import { type Clock, RealClock } from '../shared/clock';
import { ActivityTracker } from './activity';
import { CaptureWorker } from './capture/capture-worker';
import { CapturePauseStore } from './capture/capture-pause';
import { ConfigStore } from './config/config-store';
import { DaemonCounters } from './counters';
import { DebugHooks, TEST_HOOKS_ENV, testHooksRequested } from './debug-hooks';
import { DiskFullState } from './health/disk-full';
import { StatusEvents } from './health/status-events';
import { StatusReport } from './health/status-report';
import { StuckQueueDetector } from './health/stuck-queue';
import { IdleExit } from './idle-exit';
import { jobHandlers } from './job-handlers';
import { IpcServer } from './ipc/server';
import { type OpenFileLimit, openFileLimitWarning, readOpenFileLimit } from './ipc/open-file-limit';
import { rpcHandlers } from './ipc/rpc-handlers';
import { generateToken, writeToken } from './ipc/token';
import { fileLogSink } from './log/file-log';
import { CompletionGroup } from './queue/completion-scope';
import { JobQueue } from './queue/job-queue';
import { Reaper } from './queue/reaper';
import { RetryAlarm } from './queue/retry-alarm';
import { RecallWorker } from './recall/recall-worker';
import { cadenceOf } from './scheduling/cadence';
import { HibernationPolicy } from './scheduling/hibernation-policy';
import { JobRunner } from './scheduling/job-runner';
import { WakeBus } from './scheduling/wake-bus';
import { WorkerLoops } from './scheduling/worker-loops';
import { DamageWatch } from './store/damage-watch';
import { MemoryStore } from './store/memory-store';
import type { SharedStore, openSharedStore } from './shared-store/shared-store';
import { LOCAL_STORE_STATUS } from '../shared/store-status';
import { type OpenedStore, openStoreAtStart } from './store/open-at-start';
import { errorStack } from '../shared/error-message';

/** How long a stop lets in-flight jobs finish before it cancels them. */
const STOP_DRAIN_TIMEOUT_MS = 10_000;
/** How long cancelled jobs then have to hand themselves back to the queue. */
const STOP_CANCEL_GRACE_MS = 1_000;

export interface DaemonOptions {
  dataDir: string;
  foreground: boolean;
  configFile?: string;
  clock?: Clock;
  random?: () => number;
  /** Extra log sink (tests); the log file is always written. */
  logSink?: LogSink;
  /** Called once the daemon has stopped (the process entry exits then). */
  onStopped?: (code: number) => void;
  /** Serve the test-only `debug` method. Default: DORMOUSE_TEST_HOOKS=1 in the environment, read once at start. */
  testHooks?: boolean;
  /** The start will take long (a migration, a full check): resolves once the starter has been told. */
  onSlowStart?: (reason: string) => Promise<void>;
}

/** What exists before the daemon's parts are built: the socket is owned and the database open. */
interface Foundation {
  opts: DaemonOptions;
  clock: Clock;
  paths: DataDirPaths;
  log: Logger;
  startedMono: number;
  config: ConfigStore;
  server: IpcServer;
  openFileLimit: OpenFileLimit | null;
  store: OpenedStore;
  /** The shared store's module, loaded only with a storeUrl: `pg` costs ~10 MB of RSS a user without one never pays. */
  sharedStoreModule: { openSharedStore: typeof openSharedStore } | null;
  /** Closed at stop, in order: the log file, the server, the database, then what the parts add. */
  disposables: DisposableStore;
}

export class Daemon {
  private readonly opts: DaemonOptions;
  private readonly clock: Clock;
  private readonly paths: DataDirPaths;
  private readonly log: Logger;
  private readonly disposables: DisposableStore;
  private readonly config: ConfigStore;
  private readonly server: IpcServer;
  private readonly counters = new DaemonCounters();
  private readonly wakeBus: WakeBus;
  private readonly damage: DamageWatch;
  private readonly statusEvents: StatusEvents;
  private readonly queue: JobQueue;
  private readonly workers: WorkerLoops;
  private readonly reaper: Reaper;
  private readonly retryAlarm: RetryAlarm;
  private readonly idleExit: IdleExit;
  private readonly statusReport: StatusReport;
  private readonly debugHooks: DebugHooks | null;
  /** The shared PostgreSQL store (storeUrl); null: the local store only. */
  private readonly shared: SharedStore | null;
  private stopping: Promise<void> | null = null;

  /** Owns the socket, opens the database, then builds and starts the rest; rejects (having released what it took) if any step fails. */
  static async start(opts: DaemonOptions): Promise<Daemon> {
    const clock = opts.clock ?? new RealClock();
    const paths = dataDirPaths(opts.dataDir);
    const startedMono = clock.monotonicNow();
    const disposables = new DisposableStore();
    mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
    const fileSink = fileLogSink(paths.logFile, opts.foreground);
    disposables.add({ dispose: () => fileSink.close() });
    const sink: LogSink = opts.logSink ? (lvl, line) => { fileSink(lvl, line); opts.logSink!(lvl, line); } : fileSink;
    // The logger exists before the settings it takes its level from: 'info' until they are loaded.
    let logLevel = (): LogLevel => 'info';
    const log = createLogger(sink, () => logLevel(), () => clock.now(), 'daemon');
    // A faulty event listener is logged, never allowed to crash the daemon.
    setListenerErrorHandler((error) => logUnexpected(log, 'event listener error', error));
    try {
      log.info(`starting dormouse ${VERSION} (pid ${process.pid}, node ${process.version}) for ${paths.dataDir}`);
      // Settings first: a config the daemon cannot honour stops it before it owns anything.
      const config = ConfigStore.load({
        configFile: opts.configFile ?? paths.config,
        explicit: opts.configFile !== undefined,
        pendingFile: `${paths.dataDir}/pending-restart.json`,
        log: log.child('config'),
      });
      logLevel = () => config.settings.logLevel;
      const settings = config.settings;
      // Own the socket: a second daemon of the same data dir fails here, before touching the database.
      const token = generateToken();
      const server = new IpcServer({
        paths,
        token,
        log: log.child('ipc'),
        maxMessageBytes: settings.ipcMaxMessageBytes,
        maxConnections: () => config.settings.ipcMaxConnections,
        clock,
      });
      const openFileLimit = readOpenFileLimit();
      const fdWarning = openFileLimitWarning(settings.ipcMaxConnections, openFileLimit);
      if (fdWarning) log.warn(fdWarning);
      await server.start();
      disposables.add(toDisposable(() => void server.close()));
      writeToken(paths.token, token);
      const store = await openStoreAtStart(paths, { log, clock, onSlowStart: opts.onSlowStart });
      disposables.add(toDisposable(() => store.db.close()));
      const sharedStoreModule = settings.storeUrl ? await import('./shared-store/shared-store.js') : null;
      return new Daemon({ opts, clock, paths, log, startedMono, config, server, openFileLimit, store, sharedStoreModule, disposables });
    } catch (error) {
      try {
        disposables.dispose();
      } catch {
        // Best effort: the start error is what the caller needs.
      }
      throw error;
    }
  }

  /** Builds every part in dependency order, connects them, serves, and starts the loops. Runs no await: no request is handled half-built. */
  private constructor(f: Foundation) {
    const { opts, clock, paths, log, config, server, store, disposables } = f;
    this.opts = opts;
    this.clock = clock;
    this.paths = paths;
    this.log = log;
    this.disposables = disposables;
    this.config = config;
    this.server = server;
    const settings = (): Settings => config.settings;
    const { db } = store;

    this.wakeBus = new WakeBus(log.child('wake'));
    this.damage = new DamageWatch(log.child('db'));
    this.statusEvents = new StatusEvents(clock);
    const diskFull = new DiskFullState(paths.dataDir, () => clock.now(), (entered, episode) => {
      if (entered) log.error(`${episode!.message}: captures are refused (clients keep them) until a write succeeds again`);
      else log.info(`disk space is back in ${paths.dataDir} after ${episode!.refusals} refused write(s) since ${episode!.since}`);
      this.statusEvents.changed();
    });

    this.queue = new JobQueue({
      db,
      clock,
      log: log.child('queue'),
      settings,
      // Every enqueue wakes, at once and through the one wake bus, the loops of the kinds it
      // enqueued and the reaper; a loop with no new work keeps its backoff (waking it would cost an
      // empty lease and restart its way to hibernation).
      onEnqueued: (kinds) => this.wakeBus.wakeAll(`enqueue (${kinds.join(', ')})`, new Set<string>([...kinds, 'reaper'])),
      random: opts.random,
    });
    const recovered = this.queue.recoverLeased();
    if (recovered > 0) log.warn(`${recovered} job(s) left leased by the previous run went back to the queue`);

    const memories = new MemoryStore(db, clock);
    this.shared = f.sharedStoreModule?.openSharedStore({ settings, db, clock, log: log.child('shared-store'), dataDir: paths.dataDir, env: process.env, onChange: () => this.statusEvents.changed() }) ?? null;
    const shared = this.shared;
    // Local memories changed (stored, forgotten, expired, imported): the replicator has work.
    const memoriesChanged = () => shared?.wake();
    /** Loaded once at start, then kept in memory: status and enqueue read it without I/O. */
    const capturePause = new CapturePauseStore(paths.dataDir, log.child('pause'), clock.now());
    const captureWorker = new CaptureWorker({
      store: memories, clock, log: log.child('capture'), settings,
      paused: () => capturePause.isPaused(clock.now()),
    });
    const recallWorker = new RecallWorker({ db, store: memories, clock, log: log.child('recall') });

    // Production bundles have no hooks at all (DORMOUSE_TEST_SURFACE false: compiled out).
    if (DORMOUSE_TEST_SURFACE && (opts.testHooks ?? testHooksRequested(process.env))) {
      log.warn(`TEST HOOKS ENABLED (${TEST_HOOKS_ENV}=1): the debug method can wedge poll loops. Never use this daemon for real work.`);
      this.debugHooks = new DebugHooks({ log: log.child('debug-hooks') });
    } else {
      this.debugHooks = null;
    }
    const debugHooks = this.debugHooks;

    const stuck = new StuckQueueDetector({ clock, log: log.child('health'), thresholdMs: () => settings().stuckThresholdMs });
    this.retryAlarm = new RetryAlarm({
      clock,
      log: log.child('retry'),
      // Retries already due were announced by the firing that asks; only later ones re-arm.
      earliestRetryAt: (after) => this.queue.view.nextRetryAfter(after),
      onDue: () => this.wakeBus.wakeAll('retry deadline'),
    });
    disposables.add(this.retryAlarm);

    const runner = new JobRunner({
      queue: this.queue,
      completions: new CompletionGroup(db, this.queue),
      counters: this.counters,
      diskFull,
      damage: this.damage,
      retryAlarm: this.retryAlarm,
      onStarted: (job) => server.broadcast('jobStarted', { id: job.id, kind: job.kind, attempt: job.attempts }),
    });
    this.workers = new WorkerLoops({
      handlers: jobHandlers({ captureWorker, recallWorker, counters: this.counters, broadcastRelated: (related) => server.broadcast('related', related), memoriesChanged }),
      queue: this.queue,
      runner,
      clock,
      log,
      settings,
      cadence: cadenceOf(settings()),
      random: opts.random,
      // With test hooks, a `debug wedge-loop` can hold a loop's next tick.
      wrapTick: debugHooks ? (kind, tick) => debugHooks.wrapTick(kind, tick) : undefined,
      onTicked: () => stuck.evaluate(this.queue.view),
    });
    disposables.add(this.workers);

    this.reaper = new Reaper({
      clock,
      log: log.child('reaper'),
      queue: this.queue,
      intervalMs: () => settings().reaperIntervalMs,
      random: opts.random,
      onReclaimed: () => this.wakeBus.wakeAll('leases reclaimed'),
      // Age retention rides on the reaper's sweeps: no timer of its own, and none while hibernating.
      onSweep: () => {
        const { retentionDays } = settings();
        const pruned = memories.pruneExpired(retentionDays);
        if (pruned > 0) log.info(`retention: deleted ${pruned} memorie(s) older than ${retentionDays} days`);
        if (pruned > 0) memoriesChanged();
      },
    });
    const hibernation = new HibernationPolicy({
      queue: this.queue, workers: this.workers, reaper: this.reaper, cadence: () => cadenceOf(settings()), log,
      // The replicator hibernates with the daemon: no statement and no open connection reach Postgres.
      onHibernated: () => void shared?.hibernate(),
    });

    this.idleExit = new IdleExit({
      clock,
      log: log.child('idle-exit'),
      enabled: !opts.foreground,
      delayMs: () => settings().idleExitMs,
      // Retries still pending keep a background daemon alive too: they would otherwise wait for the next start.
      isBusy: () => hibernation.isBusy() || this.queue.view.counts.retrying > 0,
      onExit: () => void this.stop('idle exit'),
    });
    disposables.add(this.idleExit);

    const activity = new ActivityTracker(clock);
    this.statusReport = new StatusReport({
      clock, log, paths, foreground: opts.foreground, startedMono: f.startedMono, settings, config,
      database: { db, quarantined: store.quarantined, lastRepair: store.lastRepair },
      dataDirWarning: store.dataDirWarning,
      openFileLimit: f.openFileLimit,
      queue: this.queue.view,
      stuck,
      workers: this.workers,
      reaper: this.reaper,
      wakeBus: this.wakeBus,
      counters: this.counters,
      server,
      activity,
      capturePause,
      diskFull,
      sharedStore: () => shared?.status() ?? LOCAL_STORE_STATUS,
    });

    // Connections: wakes, status events, live settings, clients.
    for (const w of this.workers.all) disposables.add(toDisposable(this.wakeBus.register(w.loop)));
    disposables.add(toDisposable(this.wakeBus.register(this.reaper)));
    disposables.add(this.workers.onDidChangeState(() => {
      this.statusEvents.changed();
      hibernation.reaperFollowsLoops();
    }));
    disposables.add(stuck.onDidChange(() => this.statusEvents.changed()));
    disposables.add(this.statusEvents.onDidCoalesce(() => server.broadcast('status', this.statusReport.build())));
    disposables.add(config.onDidChange(() => this.applyLiveSettings()));
    disposables.add(this.queue.view.onDidChange(() => this.statusEvents.changed()));
    disposables.add(server.onDidChangeClients((n) => {
      this.idleExit.clientsChanged(n);
      this.statusEvents.changed();
    }));
    disposables.add(server.onDidRequest(({ method }) => activity.request(method)));
    if (debugHooks) disposables.add(debugHooks.onDidArm((kind) => this.workers.loop(kind)?.wake('debug wedge-loop')));

    server.serve(rpcHandlers({
      clock, log, paths, settings, config, db, memories, queue: this.queue, captureWorker, recallWorker, capturePause,
      counters: this.counters, diskFull, damage: this.damage, wakeBus: this.wakeBus, statusEvents: this.statusEvents, debugHooks, shared, memoriesChanged,
      status: () => this.statusReport.build(),
      hibernate: () => hibernation.hibernate(),
      stopping: () => this.stopping !== null,
      stop: (reason) => void this.stop(reason),
    }));

    this.workers.start();
    this.reaper.start();
    this.retryAlarm.rearmFromDatabase();
    this.idleExit.clientsChanged(server.clientCount);
    log.info(`ready on ${paths.socket}${store.repairedAtStart ? ` (${store.repairedAtStart})` : ''}`);
  }

  get socket(): string {
    return this.paths.socket;
  }

  /** A live reload applied: the loops take the new cadence, and work that waited on a setting is looked at now. */
  private applyLiveSettings(): void {
    this.workers.updateCadence(cadenceOf(this.config.settings));
    // Work that waited on a setting (maxConcurrent raised from 0, say) is looked at now.
    if (this.queue.view.hasReadyWork()) this.wakeBus.wakeAll('settings changed');
    this.idleExit.rearm();
    this.statusEvents.changed();
  }

  /** SIGHUP: re-read the config file; an invalid one is rejected loudly and the old values kept. */
  reloadFromSignal(): void {
    if (this.stopping) return;
    const outcome = this.config.reload({});
    if (outcome.ok) this.log.info(`SIGHUP reload: ${outcome.changes.length} change(s)`);
  }

  logUnexpected(what: string, reason: unknown): void {
    logUnexpected(this.log, what, reason);
  }

  /** Graceful stop; safe to call twice (the second call returns the first one's promise). */
  stop(reason: string): Promise<void> {
    if (!this.stopping) this.stopping = this.shutDown(reason);
    return this.stopping;
  }

  private async shutDown(reason: string): Promise<void> {
    this.log.info(`stopping: ${reason}`);
    // Clients learn it is deliberate before the socket closes, so they do not count a crash.
    this.server.broadcast('shutdown', { reason });
    this.statusEvents.dispose();
    let code = 0;
    try {
      // A wedged tick would hold the loop's stop forever: open every test-hook gate first.
      this.debugHooks?.dispose();
      await this.workers.stopStarting();
      this.reaper.stop();
      await this.shared?.stop();
      const finished = await this.workers.finish({ drainMs: STOP_DRAIN_TIMEOUT_MS, cancelGraceMs: STOP_CANCEL_GRACE_MS });
      if (finished === 'cancelled') this.log.warn('stop timed out with jobs in flight; they were cancelled and went back to the queue');
      if (finished === 'left-leased') this.log.warn('stop timed out with jobs in flight; they stay leased and return to the queue at the next start');
      await this.server.close();
      this.queue.flushCompletions();
      this.queue.dispose();
      this.disposables.dispose();
      // Damage seen while serving: no clean marker, so the next start checks and repairs the file.
      if (this.damage.seen) this.log.warn(`not marking a clean shutdown: the next start checks the database (${this.damage.seen})`);
      else writeFileSync(this.paths.cleanShutdownMarker, new Date(this.clock.now()).toISOString() + '\n', { mode: 0o600 });
      this.log.info('stopped');
    } catch (error) {
      code = 1;
      this.log.error(`error while stopping: ${errorStack(error)}`);
    }
    this.opts.onStopped?.(code);
  }
}

function logUnexpected(log: Logger, what: string, reason: unknown): void {
  log.error(`${what}: ${errorStack(reason)}`);
}
