// A "machine" for shared-store tests: its own local SQLite store (real file, real migrations)
// and, on demand, a Replicator on a ManualClock towards a real PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/shared/clock';
import { memoryLogger } from '../../src/shared/logger';
import { openDatabase } from '../../src/daemon/store/open-database';
import { MemoryStore, type NewMemory } from '../../src/daemon/store/memory-store';
import type { SqlDatabase } from '../../src/daemon/store/sql';
import { Replicator, type ReplicatorOptions } from '../../src/daemon/shared-store/replicator';
import { SharedPool } from '../../src/daemon/shared-store/shared-pool';
import { poolConfig } from '../../src/daemon/shared-store/store-url';
import { waitFor } from '../../src/shared/event';
import { afterEach } from 'vitest';

export interface Machine {
  machineId: string;
  clock: ManualClock;
  db: SqlDatabase;
  store: MemoryStore;
  pool: SharedPool;
  replicator: Replicator;
  capture(content: string, extra?: Partial<NewMemory>): number;
  close(): Promise<void>;
}

let n = 0;

export function machine(machineId: string, url: string, opts: Partial<ReplicatorOptions> = {}): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'dm-machine-'));
  const clock = new ManualClock();
  const log = memoryLogger('warn');
  const db = openDatabase(join(dir, 'dormouse.db'), { log, clock, runQuickCheck: false }).db;
  const store = new MemoryStore(db, clock);
  const pool = new SharedPool(poolConfig(url, { env: {} }));
  const replicator = new Replicator({ clock, db, pool, machineId, log, sharedFolders: () => [], ...opts });
  return {
    machineId, clock, db, store, pool, replicator,
    capture(content, extra = {}) {
      const at = clock.now() + ++n;
      return store.insert({
        kind: 'text', path: null, title: content.slice(0, 40), language: null, note: null, exitCode: null,
        content, contentHash: `h${n}`, capturedAt: at, ...extra,
      });
    },
    async close() {
      await replicator.stop();
      db.raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Machines for one test file, closed after each test: `start` makes one (like `machine`),
 * `drained` wakes its replicator and resolves once the backlog is shipped and the store reachable.
 */
export function useMachines(): { start: typeof machine; drained: (m: Machine) => Promise<void> } {
  const machines: Machine[] = [];
  afterEach(async () => {
    await Promise.all(machines.splice(0).map((m) => m.close()));
  });
  const start: typeof machine = (id, url, opts) => {
    const m = machine(id, url, opts);
    machines.push(m);
    return m;
  };
  const drained = async (m: Machine): Promise<void> => {
    const done = waitFor(m.replicator.onChange, (st) => st.backlog === 0 && st.reachable === true);
    m.replicator.wake();
    await m.clock.flush();
    await done;
  };
  return { start, drained };
}

