// The shared store as the daemon sees it: one object to create at start (null without storeUrl),
// wake after local memory writes, hibernate with the loops, ask for status and recall, and stop.
// Everything here only composes the parts (replicator, pool, recall); daemon.ts wires it in a few lines.
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { RecallHit } from '../../shared/protocol';
import type { ParsedQuery } from '../../shared/recall-query';
import type { Settings } from '../../shared/settings';
import type { StoreStatus } from '../../shared/store-status';
import type { SqlDatabase } from '../store/sql';
import { machineId } from './machine-id';
import { Replicator } from './replicator';
import type { SharedQueryOptions } from './search-shared';
import { SharedPool } from './shared-pool';
import { type SharedRecallResult, recallShared } from './shared-recall';
import { describeStoreFailure } from './store-errors';
import { poolConfig } from './store-url';

export interface SharedStoreOptions {
  settings: () => Settings;
  db: SqlDatabase;
  clock: Clock;
  log: Logger;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** A status change worth a status event (reachable, backlog, lastError). */
  onChange?: (status: StoreStatus) => void;
}

export interface SharedStore {
  status(): StoreStatus;
  wake(): void;
  hibernate(): Promise<void>;
  recall(parsed: ParsedQuery, opts: SharedQueryOptions, local: () => RecallHit[]): Promise<SharedRecallResult>;
  stop(): Promise<void>;
}

/** Null when no storeUrl is set (the local store only). A URL that cannot be used gives a store that reports why. */
export function openSharedStore(opts: SharedStoreOptions): SharedStore | null {
  const url = opts.settings().storeUrl;
  if (!url) return null;
  let pool: SharedPool;
  try {
    pool = new SharedPool(poolConfig(url, { env: opts.env, dataDir: opts.dataDir }));
  } catch (err) {
    const message = describeStoreFailure(err).message;
    opts.log.warn(`shared store: ${message}`);
    return brokenStore(message, opts.clock.now());
  }
  const replicator = new Replicator({
    clock: opts.clock, db: opts.db, pool, machineId: machineId(opts.dataDir), log: opts.log,
    sharedFolders: () => opts.settings().sharedFolders,
  });
  if (opts.onChange) replicator.onChange(opts.onChange);
  replicator.wake(); // ship what waited while the daemon was not running, and learn reachability
  return {
    status: () => replicator.snapshot(),
    wake: () => replicator.wake(),
    hibernate: () => replicator.hibernate(),
    recall: (parsed, o, local) => recallShared(pool, parsed, o, local),
    stop: () => replicator.stop(),
  };
}

function brokenStore(message: string, now: number): SharedStore {
  const status: StoreStatus = { kind: 'postgres', reachable: false, backlog: 0, lastError: message, unreachableSince: new Date(now).toISOString() };
  return {
    status: () => ({ ...status }),
    wake: () => undefined,
    hibernate: async () => undefined,
    recall: async (_p, _o, local) => ({ hits: local(), source: 'local', note: `shared store not usable, showing this machine's memories only: ${message}` }),
    stop: async () => undefined,
  };
}
