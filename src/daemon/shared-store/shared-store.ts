// The shared store as the daemon sees it: one object to create at start (null without storeUrl),
// wake after local memory writes, hibernate with the loops, ask for status and recall, and stop.
// Everything here only composes the parts (replicator, pool, recall); daemon.ts wires it in a few lines.
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { type MemoryRecord, type RecallHit, RpcError } from '../../shared/protocol';
import type { ParsedQuery } from '../../shared/recall-query';
import type { Settings } from '../../shared/settings';
import type { StoreStatus } from '../../shared/store-status';
import type { SqlDatabase } from '../store/sql';
import { machineId } from './machine-id';
import { readSharedMemory } from './read-shared-memory';
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
  /** This data dir's machine id (machine-id.ts): hits and memories under it are the local store's. */
  readonly machineId: string;
  status(): StoreStatus;
  wake(): void;
  hibernate(): Promise<void>;
  recall(parsed: ParsedQuery, opts: SharedQueryOptions, local: () => RecallHit[]): Promise<SharedRecallResult>;
  /** Another machine's memory (null: none, or not visible to this role); STORE_UNAVAILABLE when the store cannot answer. */
  memory(machineId: string, localId: number): Promise<MemoryRecord | null>;
  stop(): Promise<void>;
}

/** Null when no storeUrl is set (the local store only). A URL that cannot be used gives a store that reports why. */
export function openSharedStore(opts: SharedStoreOptions): SharedStore | null {
  const url = opts.settings().storeUrl;
  if (!url) return null;
  const ownId = machineId(opts.dataDir);
  let pool: SharedPool;
  try {
    pool = new SharedPool(poolConfig(url, { env: opts.env, dataDir: opts.dataDir }));
  } catch (err) {
    const message = describeStoreFailure(err).message;
    opts.log.warn(`shared store: ${message}`);
    return brokenStore(ownId, message, opts.clock.now());
  }
  const replicator = new Replicator({
    clock: opts.clock, db: opts.db, pool, machineId: ownId, log: opts.log,
    sharedFolders: () => opts.settings().sharedFolders,
  });
  if (opts.onChange) replicator.onChange(opts.onChange);
  replicator.wake(); // ship what waited while the daemon was not running, and learn reachability
  return {
    machineId: ownId,
    status: () => replicator.snapshot(),
    wake: () => replicator.wake(),
    hibernate: () => replicator.hibernate(),
    recall: (parsed, o, local) => recallShared(pool, ownId, parsed, o, local),
    memory: (machine, localId) => pool.with((client) => readSharedMemory(client, machine, localId)).catch((err: unknown) => {
      throw unavailable(`shared store unreachable: ${describeStoreFailure(err).message}`, machine, localId);
    }),
    stop: () => replicator.stop(),
  };
}

/** Unlike recall, there is no local answer to fall back to: the memory lives on the other machine. */
function unavailable(why: string, machine: string, localId: number): RpcError {
  return new RpcError('STORE_UNAVAILABLE', `cannot read memory ${localId} of machine ${machine}: ${why}`);
}

function brokenStore(ownId: string, message: string, now: number): SharedStore {
  const status: StoreStatus = { kind: 'postgres', reachable: false, backlog: 0, lastError: message, unreachableSince: new Date(now).toISOString() };
  return {
    machineId: ownId,
    status: () => ({ ...status }),
    wake: () => undefined,
    hibernate: async () => undefined,
    recall: async (_p, _o, local) => ({ hits: local(), source: 'local', note: `shared store not usable, showing this machine's memories only: ${message}` }),
    memory: async (machine, localId) => {
      throw unavailable(`shared store not usable: ${message}`, machine, localId);
    },
    stop: async () => undefined,
  };
}
