// The daemon's status, from the parts as they are in memory now: a status request runs no SQL,
// counts as no activity and wakes nothing. Each build also judges health: the stuck queue (its
// detector logs STUCK/RESUMED once per episode) and stale loops (one STALE line when the set of
// stale loops changes, one line when none is stale any more).
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import { effectiveStaleThresholdMs, type Settings } from '../../shared/settings';
import type { DaemonStatus } from '../../shared/status';
import { VERSION } from '../../shared/version';
import type { Clock } from '../../shared/clock';
import type { ActivityTracker } from '../activity';
import type { CapturePauseStore } from '../capture/capture-pause';
import type { ConfigStore } from '../config/config-store';
import type { DaemonCounters } from '../counters';
import type { IpcServer } from '../ipc/server';
import type { OpenFileLimit } from '../ipc/open-file-limit';
import type { QueueView } from '../queue/queue-view';
import type { Reaper } from '../queue/reaper';
import type { WakeBus } from '../scheduling/wake-bus';
import type { WorkerLoops } from '../scheduling/worker-loops';
import type { SqlDatabase } from '../store/sql';
import { buildStatus } from './daemon-status';
import type { StoreStatus } from '../../shared/store-status';
import type { DiskFullState } from './disk-full';
import type { StuckQueueDetector } from './stuck-queue';

export interface StatusReportParts {
  clock: Clock;
  log: Logger;
  paths: DataDirPaths;
  foreground: boolean;
  /** Monotonic ms at which the daemon started (uptime). */
  startedMono: number;
  settings: () => Settings;
  config: ConfigStore;
  database: { db: SqlDatabase } & Pick<DaemonStatus['database'], 'quarantined' | 'lastRepair'>;
  dataDirWarning: string | null;
  openFileLimit: OpenFileLimit | null;
  queue: QueueView;
  stuck: StuckQueueDetector;
  workers: WorkerLoops;
  reaper: Reaper;
  wakeBus: WakeBus;
  counters: DaemonCounters;
  server: IpcServer;
  activity: ActivityTracker;
  capturePause: CapturePauseStore;
  diskFull: DiskFullState;
  /** The shared store's status (kind 'local' without a storeUrl); read without SQL. */
  sharedStore: () => StoreStatus;
}

export class StatusReport {
  private lastStaleKey = '';

  constructor(private readonly p: StatusReportParts) {}

  build(): DaemonStatus {
    const { p } = this;
    const settings = p.settings();
    const nowMono = p.clock.monotonicNow();
    const status = buildStatus({
      pid: process.pid,
      version: VERSION,
      uptimeMs: nowMono - p.startedMono,
      socket: p.paths.socket,
      nowMono,
      workerLoops: p.workers.snapshots(),
      otherLoops: [p.reaper.snapshot()],
      queue: p.queue.counts,
      stuck: p.stuck.evaluate(p.queue),
      staleThresholdMs: effectiveStaleThresholdMs(settings),
      counters: {
        sqlStatements: p.database.db.statements,
        wakes: p.wakeBus.wakes,
        jobsCompleted: p.counters.jobsCompleted,
        capturesStored: p.counters.capturesStored,
        capturesSkipped: p.counters.capturesSkipped,
        jobsFailed: p.counters.jobsFailed,
        skipsByReason: p.counters.skipsByReason,
        memoriesForgotten: p.counters.memoriesForgotten,
        memoriesImported: p.counters.memoriesImported,
        timersArmed: p.clock.activeTimers,
      },
      config: settings,
      pendingRestart: p.config.pendingRestart,
      database: { path: p.paths.database, quarantined: p.database.quarantined, lastRepair: p.database.lastRepair },
      dataDir: p.paths.dataDir,
      clients: p.server.clientCount,
      connections: { ...p.server.connections, max: settings.ipcMaxConnections, openFileLimit: p.openFileLimit?.soft ?? null },
      foreground: p.foreground,
      lastActivityAt: p.activity.lastActivityAt,
      capture: p.capturePause.current(p.clock.now()),
      diskFull: p.diskFull.status,
      dataDirWarning: p.dataDirWarning,
    });
    status.store = p.sharedStore();
    this.logStaleChange(status.health.staleLoops);
    return status;
  }

  private logStaleChange(staleLoops: string[]): void {
    const staleKey = staleLoops.join(',');
    if (staleKey === this.lastStaleKey) return;
    if (staleKey) this.p.log.warn(`STALE poll loop(s): ${staleKey}`);
    else if (this.lastStaleKey) this.p.log.info(`poll loop(s) no longer stale: ${this.lastStaleKey}`);
    this.lastStaleKey = staleKey;
  }
}
