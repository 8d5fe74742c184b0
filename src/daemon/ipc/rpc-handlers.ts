// What each IPC method does in the daemon (the server authenticates, validates the params and
// replies; see server.ts). Rules kept here:
// - control-plane methods (status, wake, hibernate, pause, resume) run no SQL and count as no activity;
// - an enqueue while stopping is refused (SHUTTING_DOWN), one refused by a full disk is DISK_FULL,
//   and while capture is paused its capture jobs are dropped (paused-enqueue.ts);
// - a method that reads or writes memories and runs into a damaged page notes it (damage-watch.ts);
// - `memory` with another machine's id reads the shared store (that machine's local id means
//   another memory here); with this daemon's own id, or none, the local store;
// - forget logs which target only, never the path;
// - what changes a UI's lists (forget, import, pause) asks for a status event;
// - stop replies first, then stops.
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import { type MemoryRecord, type Params, type RecallAnswer, RpcError } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import type { DaemonStatus } from '../../shared/status';
import type { Clock } from '../../shared/clock';
import type { CaptureWorker } from '../capture/capture-worker';
import type { CapturePauseStore } from '../capture/capture-pause';
import { importMemories } from '../capture/import-memories';
import { enqueueUnlessPaused } from '../capture/paused-enqueue';
import type { ConfigStore } from '../config/config-store';
import type { DaemonCounters } from '../counters';
import { type DebugHooks, TEST_HOOKS_DISABLED_MESSAGE } from '../debug-hooks';
import type { DiskFullState } from '../health/disk-full';
import type { StatusEvents } from '../health/status-events';
import type { JobQueue } from '../queue/job-queue';
import { fitMemoryToMessage } from '../recall/fit-memory';
import { queryErrorToRpc, toParsedQuery } from '../recall/recall-request';
import type { RecallWorker } from '../recall/recall-worker';
import { searchQuery } from '../recall/search-query';
import type { SharedStore } from '../shared-store/shared-store';
import type { HibernateOutcome } from '../scheduling/hibernation-policy';
import type { WakeBus } from '../scheduling/wake-bus';
import type { DamageWatch } from '../store/damage-watch';
import { exportPage } from '../store/export-memories';
import { forget } from '../store/forget';
import type { MemoryStore } from '../store/memory-store';
import type { SqlDatabase } from '../store/sql';
import type { Handlers } from './server';

export interface RpcHandlerParts {
  clock: Clock;
  log: Logger;
  paths: DataDirPaths;
  settings: () => Settings;
  config: ConfigStore;
  db: SqlDatabase;
  memories: MemoryStore;
  queue: JobQueue;
  captureWorker: CaptureWorker;
  recallWorker: RecallWorker;
  capturePause: CapturePauseStore;
  counters: DaemonCounters;
  diskFull: DiskFullState;
  damage: DamageWatch;
  wakeBus: WakeBus;
  statusEvents: StatusEvents;
  /** Only with test hooks enabled; the `debug` method is refused otherwise. */
  debugHooks: DebugHooks | null;
  /** The shared PostgreSQL store; null: recall searches the local store only. */
  shared: SharedStore | null;
  /** Local memories changed (forgotten, imported): the shared store's replicator has work. */
  memoriesChanged: () => void;
  status: () => DaemonStatus;
  hibernate: () => HibernateOutcome;
  stopping: () => boolean;
  stop: (reason: string) => void;
}

export function rpcHandlers(p: RpcHandlerParts): Handlers {
  // Requests that read or write memories: damage they run into is noted for the next start.
  /** The shared store answers when reachable (every machine's memories); else the local one, with the note saying so. */
  // Synchronous when local only, so `watched` sees a damaged database's error as it is thrown.
  const recallAnswer = (params: Params<'recall'>): RecallAnswer | Promise<RecallAnswer> => {
    let parsed;
    try {
      parsed = toParsedQuery(params, p.clock.now());
    } catch (error) {
      throw queryErrorToRpc(error);
    }
    const page = { limit: params.limit, offset: params.offset };
    const local = () => searchQuery(p.db, parsed, page);
    if (!p.shared) return { hits: local(), note: null };
    return p.shared.recall(parsed, page, local).then((r) => ({ hits: r.hits, note: r.note ?? null }));
  };
  const watched = <P extends unknown[], R>(method: string, fn: (...params: P) => R) => (...params: P): R => {
    try {
      return fn(...params);
    } catch (error) {
      p.damage.note(error, method);
      throw error;
    }
  };
  /** Returns `result` after asking for a status event: every window's lists or status bar are out of date. */
  const thenStatus = <T>(result: T): T => {
    p.statusEvents.changed();
    return result;
  };
  return {
    status: () => p.status(),
    wake: () => ({ woken: p.wakeBus.wakeAll('wake requested') }),
    hibernate: () => p.hibernate(),
    reload: (params: Params<'reload'>) => {
      const outcome = p.config.reload(params);
      if (!outcome.ok) {
        throw new RpcError('INVALID_SETTINGS', `rejected: ${outcome.rejected.map((r) => `${r.key}: ${r.reason}`).join('; ')}`, {
          rejected: outcome.rejected,
        });
      }
      return { changes: outcome.changes, pendingRestart: outcome.pendingRestart };
    },
    enqueue: (params: Params<'enqueue'>) => {
      if (p.stopping()) throw new RpcError('SHUTTING_DOWN', 'the daemon is stopping; enqueue again after it restarts');
      try {
        const result = enqueueUnlessPaused(params.jobs, { queue: p.queue, capturePause: p.capturePause, counters: p.counters, now: p.clock.now() });
        p.diskFull.succeeded();
        return result;
      } catch (error) {
        if (p.diskFull.refused(error)) throw p.diskFull.rpcError();
        throw error;
      }
    },
    recall: watched('recall', (params: Params<'recall'>) => {
      const answer = recallAnswer(params);
      return answer instanceof Promise ? answer.then((r) => r.hits) : answer.hits;
    }),
    recallWithNote: watched('recallWithNote', (params: Params<'recallWithNote'>) => recallAnswer(params)),
    related: (params: Params<'related'>) => p.recallWorker.handle(params),
    memory: watched('memory', (params: Params<'memory'>) => {
      const fit = (memory: MemoryRecord | null) => memory && fitMemoryToMessage(memory, p.settings().ipcMaxMessageBytes);
      const machine = params.machineId;
      if (machine === undefined || machine === p.shared?.machineId) return fit(p.memories.get(params.id));
      if (!p.shared) {
        throw new RpcError('STORE_UNAVAILABLE', `cannot read memory ${params.id} of machine ${machine}: no shared store is configured (storeUrl), and this machine's store has only its own memories`);
      }
      return p.shared.memory(machine, params.id).then(fit);
    }),
    forget: watched('forget', (params: Params<'forget'>) => {
      const outcome = forget(p.db, params, p.paths.forgetPurgeMarker);
      // Which target only, never the path: the log must not keep what was forgotten.
      p.log.info(`forgot ${outcome.forgotten} memorie(s) by ${Object.keys(params)[0]}; ${outcome.payloadsBlanked} job payload(s) blanked${outcome.checkpointed ? '' : '; WAL checkpoint incomplete'}`);
      if (outcome.forgotten > 0) {
        p.counters.memoriesForgotten += outcome.forgotten;
        p.memoriesChanged();
        p.statusEvents.changed(); // every window's lists (Timeline, Recall section) are out of date
      }
      return { forgotten: outcome.forgotten };
    }),
    // Control-plane: a file write at most, no SQL, no wake.
    pause: (params: Params<'pause'>) => thenStatus(p.capturePause.pause(params.until, p.clock.now())),
    resume: () => thenStatus(p.capturePause.resume(p.clock.now())),
    export: watched('export', (params: Params<'export'>) => exportPage(p.db, params, p.settings().ipcMaxMessageBytes)),
    import: watched('import', (params: Params<'import'>) => {
      const outcome = importMemories(
        { db: p.db, store: p.memories, worker: p.captureWorker, log: p.log.child('import'), snapshotsPerFile: () => p.settings().retentionSnapshotsPerFile },
        params.memories,
      );
      if (outcome.imported > 0) {
        p.counters.memoriesImported += outcome.imported;
        p.memoriesChanged();
        p.statusEvents.changed();
      }
      return outcome;
    }),
    // Not in production bundles: the server then answers UNKNOWN_METHOD for `debug`.
    ...(DORMOUSE_TEST_SURFACE
      ? {
          debug: (params: Params<'debug'>) => {
            if (!p.debugHooks) throw new RpcError('UNKNOWN_METHOD', TEST_HOOKS_DISABLED_MESSAGE);
            return p.debugHooks.handle(params);
          },
        }
      : {}),
    stop: () => {
      // Reply first, then stop.
      p.clock.setTimeout(() => p.stop('stop requested'), 0);
      return {};
    },
  };
}
