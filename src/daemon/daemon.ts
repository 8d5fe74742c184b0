// The composition root: wires the rooms together and owns the start and shutdown order.
//
// Start: own the socket (one daemon per data dir) -> write the token -> open the database
// (quick check after an unclean shutdown, quarantine if corrupt) -> load settings -> queue
// (jobs leased by a dead daemon go back to queued) -> workers -> loops, reaper, retry alarm on
// one wake bus -> ready.
// Stop (safe to call twice): stop accepting work -> stop the loops and the reaper -> let
// in-flight jobs finish up to a timeout -> close the server -> close the database -> mark a
// clean shutdown.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Emitter, setListenerErrorHandler } from '../shared/event';
import { DisposableStore, toDisposable } from '../shared/lifecycle';
import { type Logger, type LogSink, createLogger } from '../shared/logger';
import { type DataDirPaths, dataDirPaths } from '../shared/paths';
import { RpcError, type JobKind, type Params, type Result } from '../shared/protocol';
import { effectiveStaleThresholdMs, type Settings } from '../shared/settings';
import type { DaemonStatus } from '../shared/status';
import { VERSION } from '../shared/version';
import { ActivityTracker } from './activity';
import { CaptureWorker, type CommitScope } from './capture/capture-worker';
import { CapturePauseStore } from './capture/capture-pause';
import { importMemories } from './capture/import-memories';
import { ConfigStore } from './config/config-store';
import { DaemonCounters } from './counters';
import { DebugHooks, TEST_HOOKS_DISABLED_MESSAGE, TEST_HOOKS_ENV, testHooksRequested } from './debug-hooks';
import { buildStatus } from './health/daemon-status';
import { DiskFullState } from './health/disk-full';
import { StuckQueueDetector } from './health/stuck-queue';
import { IdleExit } from './idle-exit';
import { IpcServer } from './ipc/server';
import { type OpenFileLimit, openFileLimitWarning, readOpenFileLimit } from './ipc/open-file-limit';
import { writeToken } from './ipc/token';
import { fileLogSink } from './log/file-log';
import { JobQueue } from './queue/job-queue';
import { type LeasedJob, StaleLeaseError } from './queue/job-queue';
import { CompletionGroup } from './queue/completion-scope';
import { Reaper } from './queue/reaper';
import { RetryAlarm } from './queue/retry-alarm';
import { fitMemoryToMessage } from './recall/fit-memory';
import { RecallWorker } from './recall/recall-worker';
import { queryErrorToRpc, toParsedQuery } from './recall/recall-request';
import { searchQuery } from './recall/search-query';
import { type SharedStore, openSharedStore } from './shared-store/shared-store';
import { LOCAL_STORE_STATUS } from '../shared/store-status';
import { type Clock, RealClock } from '../shared/clock';
import { type CadenceOptions, suspensionAllowed } from './scheduling/cadence';
import { Dispatcher } from './scheduling/dispatcher';
import { PACING_BY_KIND } from './scheduling/pacing-policy';
import { PollLoop } from './scheduling/poll-loop';
import { WakeBus } from './scheduling/wake-bus';
import { exportPage } from './store/export-memories';
import { finishInterruptedPurge, forget } from './store/forget';
import { MemoryStore } from './store/memory-store';
import { openDatabase, slowOpenReason } from './store/open-database';
import { DamageWatch } from './store/damage-watch';
import { dataDirWarning, tightenDataDir } from './store/file-modes';
import { lastRecordedRepair, recordRepair } from './store/repair-record';
import type { SqlDatabase } from './store/sql';

/** A database this small is quick-checked at every start; a larger one only after an unclean shutdown. */
const QUICK_CHECK_ALWAYS_BELOW_BYTES = 64 * 1024 * 1024;
const STOP_DRAIN_TIMEOUT_MS = 10_000;
/** A job refused by a full disk is tried again after this long (attempt refunded). */
const DISK_FULL_RETRY_MS = 10_000;
const STATUS_EVENT_COALESCE_MS = 50;

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

/** Runs one job; a durable write goes through `commit`, which also completes the job. */
type JobHandler = (job: LeasedJob, commit: CommitScope) => Promise<void>;

interface Worker {
  kind: JobKind;
  loop: PollLoop;
  dispatcher: Dispatcher<LeasedJob>;
}

export class Daemon {
  private readonly store = new DisposableStore();
  private readonly clock: Clock;
  private readonly paths: DataDirPaths;
  private readonly log: Logger;
  private readonly startedMono: number;
  private readonly counters = new DaemonCounters();
  private readonly activity: ActivityTracker;
  private readonly wakeBus: WakeBus;
  private readonly stopped = new Emitter<number>();
  readonly onDidStop = this.stopped.event;

  private server!: IpcServer;
  private db!: SqlDatabase;
  private quarantined: DaemonStatus['database']['quarantined'] = null;
  private openFileLimit: OpenFileLimit | null = null;
  private lastRepair: DaemonStatus['database']['lastRepair'] = null;
  private diskFull!: DiskFullState;
  private dataDirWarning: string | null = null;
  private damage!: DamageWatch;
  private config!: ConfigStore;
  private queue!: JobQueue;
  private memories!: MemoryStore;
  /** Captures ready in the same turn commit in one transaction (completion-scope.ts). */
  private completions!: CompletionGroup;
  /** The shared PostgreSQL store (storeUrl); null: the local store only. */
  private shared: SharedStore | null = null;
  private captureWorker!: CaptureWorker;
  /** Loaded once at start, then kept in memory: status and enqueue read it without I/O. */
  private capturePause!: CapturePauseStore;
  private recallWorker!: RecallWorker;
  private workers: Worker[] = [];
  private reaper!: Reaper;
  private retryAlarm!: RetryAlarm;
  private stuck!: StuckQueueDetector;
  private idleExit!: IdleExit;
  /** Only with test hooks enabled; the `debug` method is refused otherwise. */
  private debugHooks: DebugHooks | null = null;
  private stopping: Promise<void> | null = null;
  private statusEventTimer: { dispose(): void } | null = null;
  private lastStuck = false;
  private lastStaleKey = '';

  private constructor(private readonly opts: DaemonOptions) {
    this.clock = opts.clock ?? new RealClock();
    this.paths = dataDirPaths(opts.dataDir);
    this.startedMono = this.clock.monotonicNow();
    mkdirSync(this.paths.dataDir, { recursive: true, mode: 0o700 });
    const fileSink = fileLogSink(this.paths.logFile, opts.foreground);
    this.store.add({ dispose: () => fileSink.close() });
    const sink: LogSink = opts.logSink ? (lvl, line) => { fileSink(lvl, line); opts.logSink!(lvl, line); } : fileSink;
    this.log = createLogger(sink, () => (this.config ? this.config.settings.logLevel : 'info'), () => this.clock.now(), 'daemon');
    this.activity = new ActivityTracker(this.clock);
    // A faulty event listener is logged, never allowed to crash the daemon.
    setListenerErrorHandler((error) => this.logUnexpected('event listener error', error));
    this.wakeBus = new WakeBus(this.log.child('wake'));
    this.damage = new DamageWatch(this.log.child('db'));
    this.diskFull = new DiskFullState(this.paths.dataDir, () => this.clock.now(), (entered, episode) => {
      if (entered) this.log.error(`${episode!.message}: captures are refused (clients keep them) until a write succeeds again`);
      else this.log.info(`disk space is back in ${this.paths.dataDir} after ${episode!.refusals} refused write(s) since ${episode!.since}`);
      this.statusChanged();
    });
  }

  static async start(opts: DaemonOptions): Promise<Daemon> {
    const daemon = new Daemon(opts);
    try {
      await daemon.startUp();
    } catch (error) {
      await daemon.abortStart();
      throw error;
    }
    return daemon;
  }

  get socket(): string {
    return this.paths.socket;
  }

  private get settings(): Settings {
    return this.config.settings;
  }

  private async startUp(): Promise<void> {
    const { log, paths, clock } = this;
    log.info(`starting dormouse ${VERSION} (pid ${process.pid}, node ${process.version}) for ${paths.dataDir}`);

    // Settings first: a config the daemon cannot honour stops it before it owns anything.
    const configFile = this.opts.configFile ?? paths.config;
    this.config = ConfigStore.load({
      configFile,
      explicit: this.opts.configFile !== undefined,
      pendingFile: `${paths.dataDir}/pending-restart.json`,
      log: log.child('config'),
    });

    // Own the socket: a second daemon of the same data dir fails here, before touching the database.
    const token = randomBytes(32).toString('hex');
    this.server = new IpcServer({
      paths,
      token,
      handlers: this.handlers(),
      log: log.child('ipc'),
      maxMessageBytes: this.settings.ipcMaxMessageBytes,
      maxConnections: () => this.settings.ipcMaxConnections,
      clock,
    });
    this.openFileLimit = readOpenFileLimit();
    const fdWarning = openFileLimitWarning(this.settings.ipcMaxConnections, this.openFileLimit);
    if (fdWarning) log.warn(fdWarning);
    // From here to `ready` the start-up runs without awaiting, so no request is handled before
    // the queue and stores exist.
    await this.server.start();
    this.store.add(toDisposable(() => void this.server.close()));
    writeToken(paths.token, token);

    // An absent marker means the last run did not shut down cleanly: check the database fully.
    const cleanShutdown = existsSync(paths.cleanShutdownMarker);
    rmSync(paths.cleanShutdownMarker, { force: true });
    const small = !existsSync(paths.database) || statSync(paths.database).size < QUICK_CHECK_ALWAYS_BELOW_BYTES;
    const runQuickCheck = !cleanShutdown || small;
    const slow = slowOpenReason(paths.database, { runQuickCheck, largeFile: !small });
    if (slow) {
      log.info(`slow start: ${slow}; the daemon serves once it is done`);
      await this.opts.onSlowStart?.(slow);
    }
    const opened = openDatabase(paths.database, { log: log.child('db'), clock, runQuickCheck, checkIndexConsistency: !cleanShutdown });
    this.db = opened.db;
    this.quarantined = opened.quarantined;
    const repairFile = `${paths.dataDir}/last-repair.json`;
    if (opened.repair) {
      try {
        recordRepair(repairFile, opened.repair);
      } catch (error) {
        log.warn(`could not record the repair in ${repairFile}: ${(error as Error).message}`);
      }
    }
    this.lastRepair = opened.repair ?? lastRecordedRepair(repairFile);
    if (finishInterruptedPurge(this.db, paths.forgetPurgeMarker)) log.info('finished the purge of a forget cut short by the last stop');
    this.store.add(toDisposable(() => this.db.close()));
    // Now that the database, its WAL and SHM exist: every file private, whatever made it.
    const tightened = tightenDataDir(paths.dataDir);
    if (tightened.length > 0) log.warn(`made ${tightened.length} file(s) in the data dir private (0600, folders 0700): ${tightened.join(', ')}`);
    this.dataDirWarning = dataDirWarning(paths.dataDir);
    if (this.dataDirWarning) log.warn(this.dataDirWarning);

    this.queue = new JobQueue({
      db: this.db,
      clock,
      log: log.child('queue'),
      settings: () => this.settings,
      onEnqueued: (kinds) => this.onEnqueued(kinds),
      random: this.opts.random,
    });
    const recovered = this.queue.recoverLeased();
    if (recovered > 0) log.warn(`${recovered} job(s) left leased by the previous run went back to the queue`);

    this.memories = new MemoryStore(this.db, clock);
    this.completions = new CompletionGroup(this.db, this.queue);
    this.shared = openSharedStore({ settings: () => this.settings, db: this.db, clock, log: log.child('shared-store'), dataDir: paths.dataDir, env: process.env, onChange: () => this.statusChanged() });
    this.capturePause = new CapturePauseStore(paths.dataDir, log.child('pause'), clock.now());
    const captureWorker = new CaptureWorker({
      store: this.memories, clock, log: log.child('capture'), settings: () => this.settings,
      paused: () => this.capturePause.isPaused(clock.now()),
    });
    this.captureWorker = captureWorker;
    this.recallWorker = new RecallWorker({ db: this.db, store: this.memories, clock, log: log.child('recall') });

    if (this.opts.testHooks ?? testHooksRequested(process.env)) {
      log.warn(`TEST HOOKS ENABLED (${TEST_HOOKS_ENV}=1): the debug method can wedge poll loops. Never use this daemon for real work.`);
      this.debugHooks = new DebugHooks({
        log: log.child('debug-hooks'),
        wakeLoop: (loop, reason) => this.workers.find((w) => w.kind === loop)?.loop.wake(reason),
      });
    }

    this.stuck = new StuckQueueDetector({ clock, log: log.child('health'), thresholdMs: () => this.settings.stuckThresholdMs });

    this.workers = [
      this.createWorker('capture', async (job, commit) => {
        const outcome = await captureWorker.handle(job.payload as never, commit);
        if (outcome.stored) this.counters.capturesStored++;
        else this.counters.skipped(outcome.reason);
        if (outcome.stored) this.shared?.wake();
      }),
      this.createWorker('recall', async (job) => {
        const related = await this.recallWorker.handle(job.payload as never);
        this.server.broadcast('related', related);
      }),
    ];

    this.retryAlarm = new RetryAlarm({
      clock,
      log: log.child('retry'),
      // Retries already due were announced by the firing that asks; only later ones re-arm.
      earliestRetryAt: (after) => this.queue.view.nextRetryAfter(after),
      onDue: () => this.wakeBus.wakeAll('retry deadline'),
    });
    this.store.add(this.retryAlarm);

    this.reaper = new Reaper({
      clock,
      log: log.child('reaper'),
      queue: this.queue,
      intervalMs: () => this.settings.reaperIntervalMs,
      random: this.opts.random,
      onReclaimed: () => this.wakeBus.wakeAll('leases reclaimed'),
      // Age retention rides on the reaper's sweeps: no timer of its own, and none while hibernating.
      onSweep: () => {
        const pruned = this.memories.pruneExpired(this.settings.retentionDays);
        if (pruned > 0) log.info(`retention: deleted ${pruned} memorie(s) older than ${this.settings.retentionDays} days`);
        if (pruned > 0) this.shared?.wake();
      },
    });
    this.store.add(toDisposable(this.wakeBus.register(this.reaper)));

    this.store.add(this.config.onDidChange(() => this.applyLiveSettings()));
    this.store.add(this.queue.view.onDidChange(() => this.statusChanged()));

    this.idleExit = new IdleExit({
      clock,
      log: log.child('idle-exit'),
      enabled: !this.opts.foreground,
      delayMs: () => this.settings.idleExitMs,
      // Retries still pending keep a background daemon alive too: they would otherwise wait for the next start.
      isBusy: () => this.isBusy() || this.queue.view.counts.retrying > 0,
      onExit: () => void this.stop('idle exit'),
    });
    this.store.add(this.idleExit);
    this.store.add(this.server.onDidChangeClients((n) => {
      this.idleExit.clientsChanged(n);
      this.statusChanged();
    }));
    this.store.add(this.server.onDidRequest(({ method }) => this.activity.request(method)));

    for (const w of this.workers) w.loop.start();
    this.reaper.start();
    this.retryAlarm.rearmFromDatabase();
    this.idleExit.clientsChanged(this.server.clientCount);
    log.info(`ready on ${paths.socket}${opened.repair ? ` (database ${opened.repair.kind})` : this.quarantined ? ' (database was quarantined)' : ''}`);
  }

  private createWorker(kind: JobKind, handle: JobHandler): Worker {
    const log = this.log.child(kind);
    const dispatcher: Dispatcher<LeasedJob> = new Dispatcher<LeasedJob>({
      name: kind,
      clock: this.clock,
      lease: (max) => this.queue.lease(kind, max),
      run: (job) => this.runJob(job, handle, log),
      options: () => this.settings,
      pacing: PACING_BY_KIND[kind],
      random: this.opts.random,
      log,
      // A freed slot resets the backoff and schedules a tick: more work may be waiting.
      onSlotFreed: () => loop.wake('slot freed'),
      // Leased but never started because the daemon is stopping: back to the queue, attempt refunded.
      onAbandoned: (jobs) => {
        for (const job of jobs) this.queue.release(job.id, job.token);
      },
    });
    const tick = async () => {
      const result = await dispatcher.tick();
      this.evaluateHealth();
      // Clamp the next poll to the next retry still in the future (a due one is leasable now).
      return { ...result, nextDeadline: this.queue.view.nextRetryAfter(this.clock.now()) };
    };
    const loop: PollLoop = new PollLoop({
      name: kind,
      clock: this.clock,
      log,
      cadence: this.cadence(),
      canSuspend: () => !this.queue.view.hasReadyWork() && dispatcher.inFlight === 0,
      // With test hooks, a `debug wedge-loop` can hold this loop's next tick.
      tick: this.debugHooks ? this.debugHooks.wrapTick(kind, tick) : tick,
    });
    this.store.add(toDisposable(this.wakeBus.register(loop)));
    this.store.add(loop.onDidChangeState(() => {
      this.statusChanged();
      this.reaperFollowsLoops();
    }));
    return { kind, loop, dispatcher };
  }

  private async runJob(job: LeasedJob, handle: JobHandler, log: Logger): Promise<void> {
    this.server.broadcast('jobStarted', { id: job.id, kind: job.kind, attempt: job.attempts });
    // The handler's durable write and the job's completion commit together, or not at all.
    const scope = this.completions.scope(job);
    try {
      await handle(job, scope.commit);
      if (!scope.completed) this.queue.completeSoon(job.id, job.token);
      this.counters.jobsCompleted++;
      // Only a job that wrote (its commit went through) proves the disk takes writes again.
      if (scope.completed) this.diskFull.succeeded();
    } catch (error) {
      if (error instanceof StaleLeaseError) {
        log.warn(`job ${job.id}: ${error.message}; its result was dropped`);
        return;
      }
      this.damage.note(error, `${job.kind} job`);
      const message = error instanceof Error ? error.message : String(error);
      this.counters.jobsFailed++;
      try {
        if (this.diskFull.refused(error)) {
          // Not the job's fault: no attempt spent. The one-shot retry finds out when space is back.
          const deferred = this.queue.defer(job.id, job.token, message, DISK_FULL_RETRY_MS);
          this.retryAlarm.arm(deferred.nextRunAt);
          return;
        }
        const failed = this.queue.fail(job.id, job.token, message);
        if (failed.state === 'failed-retrying') {
          log.warn(`job ${job.id} failed (attempt ${job.attempts}/${job.maxAttempts}), retry at ${new Date(failed.nextRunAt).toISOString()}: ${message}`);
          this.retryAlarm.arm(failed.nextRunAt);
        } else {
          log.error(`job ${job.id} is dead after ${job.attempts} attempt(s): ${message}`);
        }
      } catch (failError) {
        log.warn(`job ${job.id}: could not record failure: ${(failError as Error).message}`);
      }
    }
  }

  private cadence(): CadenceOptions {
    const s = this.settings;
    return {
      pollFloorMs: s.pollFloorMs,
      pollCeilingMs: s.pollCeilingMs,
      backoffMultiplier: s.backoffMultiplier,
      backoffEnabled: s.backoffEnabled,
      suspendEnabled: s.suspendEnabled,
      suspendAfterMs: s.suspendAfterMs,
    };
  }

  private applyLiveSettings(): void {
    const cadence = this.cadence();
    for (const w of this.workers) w.loop.updateCadence(cadence);
    // Work that waited on a setting (maxConcurrent raised from 0, say) is looked at now.
    if (this.queue.view.hasReadyWork()) this.wakeBus.wakeAll('settings changed');
    this.idleExit.rearm();
    this.statusChanged();
  }

  private onEnqueued(kinds: JobKind[]): void {
    // Every enqueue wakes, at once and through the one wake bus, the loops of the kinds it
    // enqueued and the reaper; a loop with no new work keeps its backoff (waking it would cost an
    // empty lease and restart its way to hibernation).
    this.wakeBus.wakeAll(`enqueue (${kinds.join(', ')})`, new Set<string>([...kinds, 'reaper']));
  }

  /** Work queued, leased, in flight, or a retry already due. */
  /**
   * When the last worker loop suspends (suspend window reached) with nothing queued or leased, the
   * reaper has nothing to reclaim either: it hibernates with them instead of sweeping twice more,
   * so a hibernating daemon runs no SQL and arms no timer. The next enqueue wakes it with them.
   */
  private reaperFollowsLoops(): void {
    if (!this.workers || this.workers.length === 0) return;
    if (!this.workers.every((w) => w.loop.snapshot().state === 'suspended')) return;
    if (this.isBusy()) return;
    this.reaper.suspend('every loop is hibernating');
    void this.shared?.hibernate();
  }

  private isBusy(): boolean {
    const counts = this.queue.view.counts;
    return (
      counts.queued > 0 ||
      counts.leased > 0 ||
      this.queue.view.hasReadyWork() ||
      this.workers.some((w) => w.dispatcher.inFlight > 0)
    );
  }

  /** Evaluated after every tick and every status: no SQL. Logs STUCK/RESUMED transitions once. */
  private evaluateHealth(): { stuck: boolean; since: number | null } {
    const result = this.stuck.evaluate(this.queue.view);
    if (result.stuck !== this.lastStuck) {
      this.lastStuck = result.stuck;
      this.statusChanged();
    }
    return result;
  }

  status(): DaemonStatus {
    const stuck = this.evaluateHealth();
    const status = buildStatus({
      pid: process.pid,
      version: VERSION,
      uptimeMs: this.clock.monotonicNow() - this.startedMono,
      socket: this.paths.socket,
      nowMono: this.clock.monotonicNow(),
      workerLoops: this.workers.map((w) => w.loop.snapshot()),
      otherLoops: [this.reaper.snapshot()],
      queue: this.queue.view.counts,
      stuck,
      staleThresholdMs: effectiveStaleThresholdMs(this.settings),
      counters: {
        sqlStatements: this.db.statements,
        wakes: this.wakeBus.wakes,
        jobsCompleted: this.counters.jobsCompleted,
        capturesStored: this.counters.capturesStored,
        capturesSkipped: this.counters.capturesSkipped,
        jobsFailed: this.counters.jobsFailed,
        skipsByReason: this.counters.skipsByReason,
        memoriesForgotten: this.counters.memoriesForgotten,
        memoriesImported: this.counters.memoriesImported,
        timersArmed: this.clock.activeTimers,
      },
      config: this.settings,
      pendingRestart: this.config.pendingRestart,
      database: { path: this.paths.database, quarantined: this.quarantined, lastRepair: this.lastRepair },
      dataDir: this.paths.dataDir,
      clients: this.server.clientCount,
      connections: { ...this.server.connections, max: this.settings.ipcMaxConnections, openFileLimit: this.openFileLimit?.soft ?? null },
      foreground: this.opts.foreground,
      lastActivityAt: this.activity.lastActivityAt,
      capture: this.capturePause.current(this.clock.now()),
      diskFull: this.diskFull.status,
      dataDirWarning: this.dataDirWarning,
    });
    status.store = this.shared?.status() ?? LOCAL_STORE_STATUS;
    const staleKey = status.health.staleLoops.join(',');
    if (staleKey !== this.lastStaleKey) {
      if (staleKey) this.log.warn(`STALE poll loop(s): ${staleKey}`);
      else if (this.lastStaleKey) this.log.info(`poll loop(s) no longer stale: ${this.lastStaleKey}`);
      this.lastStaleKey = staleKey;
    }
    return status;
  }

  /** Coalesces status changes into one `status` event for subscribers (one short timer, only after a change). */
  private statusChanged(): void {
    if (this.statusEventTimer || this.stopping) return;
    this.statusEventTimer = this.clock.setTimeout(() => {
      this.statusEventTimer = null;
      if (!this.stopping) this.server.broadcast('status', this.status());
    }, STATUS_EVENT_COALESCE_MS);
  }

  /** The editor-idle signal: suspend every loop now, unless work is queued or in flight. */
  hibernate(): { hibernated: boolean; reason?: string } {
    // Finished jobs whose completion waits for the next lease are done work, not busy work.
    this.queue.flushCompletions();
    if (this.isBusy()) return { hibernated: false, reason: 'work is queued or in flight' };
    if (!suspensionAllowed(this.cadence())) {
      return { hibernated: false, reason: 'hibernation is disabled by the settings (suspendEnabled, suspendAfterMs 0, or backoffEnabled)' };
    }
    const refused = this.workers.filter((w) => !w.loop.suspend('hibernate requested'));
    // The reaper sleeps only with the loops: a loop still running may need a lease reclaimed.
    if (refused.length === 0) this.reaper.suspend('hibernate requested');
    if (refused.length > 0) {
      return { hibernated: false, reason: `loop(s) busy: ${refused.map((w) => w.kind).join(', ')}` };
    }
    void this.shared?.hibernate();
    this.log.info('hibernating on request');
    return { hibernated: true };
  }

  private handlers() {
    // Requests that read or write memories: damage they run into is noted for the next start.
    const watched = <P extends unknown[], R>(method: string, fn: (...params: P) => R) => (...params: P): R => {
      try {
        return fn(...params);
      } catch (error) {
        this.damage.note(error, method);
        throw error;
      }
    };
    return {
      status: () => this.status(),
      wake: () => ({ woken: this.wakeBus.wakeAll('wake requested') }),
      hibernate: () => this.hibernate(),
      reload: (params: Params<'reload'>) => {
        const outcome = this.config.reload(params);
        if (!outcome.ok) {
          throw new RpcError('INVALID_SETTINGS', `rejected: ${outcome.rejected.map((r) => `${r.key}: ${r.reason}`).join('; ')}`, {
            rejected: outcome.rejected,
          });
        }
        return { changes: outcome.changes, pendingRestart: outcome.pendingRestart };
      },
      enqueue: (params: Params<'enqueue'>) => {
        if (this.stopping) throw new RpcError('SHUTTING_DOWN', 'the daemon is stopping; enqueue again after it restarts');
        try {
          const result = this.enqueue(params.jobs);
          this.diskFull.succeeded();
          return result;
        } catch (error) {
          if (this.diskFull.refused(error)) throw this.diskFull.rpcError();
          throw error;
        }
      },
      recall: watched('recall', (params: Params<'recall'>) => {
        let parsed;
        try {
          parsed = toParsedQuery(params, this.clock.now());
        } catch (error) {
          throw queryErrorToRpc(error);
        }
        const local = () => searchQuery(this.db, parsed, { limit: params.limit, offset: params.offset });
        return this.shared ? this.shared.recall(parsed, { limit: params.limit, offset: params.offset }, local).then((r) => r.hits) : local();
      }),
      related: (params: Params<'related'>) => this.recallWorker.handle(params),
      memory: watched('memory', (params: Params<'memory'>) => {
        const memory = this.memories.get(params.id);
        return memory && fitMemoryToMessage(memory, this.settings.ipcMaxMessageBytes);
      }),
      forget: watched('forget', (params: Params<'forget'>) => {
        const outcome = forget(this.db, params, this.paths.forgetPurgeMarker);
        // Which target only, never the path: the log must not keep what was forgotten.
        this.log.info(`forgot ${outcome.forgotten} memorie(s) by ${Object.keys(params)[0]}; ${outcome.payloadsBlanked} job payload(s) blanked${outcome.checkpointed ? '' : '; WAL checkpoint incomplete'}`);
        if (outcome.forgotten > 0) {
          this.counters.memoriesForgotten += outcome.forgotten;
          this.shared?.wake();
          this.statusChanged(); // every window's lists (Timeline, Recall section) are out of date
        }
        return { forgotten: outcome.forgotten };
      }),
      // Control-plane: a file write at most, no SQL, no wake.
      pause: (params: Params<'pause'>) => this.pauseChanged(this.capturePause.pause(params.until, this.clock.now())),
      resume: () => this.pauseChanged(this.capturePause.resume(this.clock.now())),
      export: watched('export', (params: Params<'export'>) => exportPage(this.db, params, this.settings.ipcMaxMessageBytes)),
      import: watched('import', (params: Params<'import'>) => {
        const outcome = importMemories(
          { db: this.db, store: this.memories, worker: this.captureWorker, log: this.log.child('import'), snapshotsPerFile: () => this.settings.retentionSnapshotsPerFile },
          params.memories,
        );
        if (outcome.imported > 0) {
          this.counters.memoriesImported += outcome.imported;
          this.shared?.wake();
          this.statusChanged();
        }
        return outcome;
      }),
      debug: (params: Params<'debug'>) => {
        if (!this.debugHooks) throw new RpcError('UNKNOWN_METHOD', TEST_HOOKS_DISABLED_MESSAGE);
        return this.debugHooks.handle(params);
      },
      stop: () => {
        // Reply first, then stop.
        this.clock.setTimeout(() => void this.stop('stop requested'), 0);
        return {};
      },
    };
  }

  /** While capture is paused, capture jobs are dropped (counted as skipped, reason 'paused'); the rest of the batch is queued. */
  private enqueue(jobs: Params<'enqueue'>['jobs']): Result<'enqueue'> {
    const now = this.clock.now();
    if (!this.capturePause.isPaused(now)) return { ids: this.queue.enqueueBatch(jobs) };
    const kept = jobs.filter((job) => job.kind !== 'capture');
    const dropped = jobs.length - kept.length;
    for (let i = 0; i < dropped; i++) this.counters.skipped('paused');
    const ids = this.queue.enqueueBatch(kept);
    return dropped > 0 ? { ids, dropped, capture: this.capturePause.current(now) } : { ids };
  }

  private pauseChanged<T>(result: T): T {
    this.statusChanged();
    return result;
  }

  /** SIGHUP: re-read the config file; an invalid one is rejected loudly and the old values kept. */
  reloadFromSignal(): void {
    if (this.stopping) return;
    const outcome = this.config.reload({});
    if (outcome.ok) this.log.info(`SIGHUP reload: ${outcome.changes.length} change(s)`);
  }

  logUnexpected(what: string, reason: unknown): void {
    this.log.error(`${what}: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
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
    this.statusEventTimer?.dispose();
    let code = 0;
    try {
      // A wedged tick would hold the loop's stop forever: open every test-hook gate first.
      this.debugHooks?.dispose();
      // Dispatchers first: jobs of a batch still waiting for their start are handed back, not started.
      for (const w of this.workers) w.dispatcher.stop();
      await Promise.all(this.workers.map((w) => w.loop.stop()));
      await this.reaper.stop();
      await this.shared?.stop();
      const drained = await Promise.all(this.workers.map((w) => w.dispatcher.drain(STOP_DRAIN_TIMEOUT_MS)));
      if (drained.some((ok) => !ok)) this.log.warn('stop timed out with jobs in flight; they stay leased and return to the queue at the next start');
      await this.server.close();
      this.queue.flushCompletions();
      this.queue.dispose();
      this.store.dispose();
      // Damage seen while serving: no clean marker, so the next start checks and repairs the file.
      if (this.damage.seen) this.log.warn(`not marking a clean shutdown: the next start checks the database (${this.damage.seen})`);
      else writeFileSync(this.paths.cleanShutdownMarker, new Date(this.clock.now()).toISOString() + '\n', { mode: 0o600 });
      this.log.info('stopped');
    } catch (error) {
      code = 1;
      this.log.error(`error while stopping: ${(error as Error).stack ?? error}`);
    }
    this.stopped.fire(code);
    this.opts.onStopped?.(code);
  }

  private async abortStart(): Promise<void> {
    try {
      this.store.dispose();
    } catch {
      // Best effort: the start error is what the caller needs.
    }
  }
}

