// The shared store on a real, throw-away PostgreSQL 15 (test/helpers/postgres.ts), beside the
// local SQLite store in the same run:
// - replication throughput (memories/s from the outbox to Postgres) beside the local insert rate
//   of the same memories; target >= 2,000 memories/s;
// - the first replicated memory after hibernation (a fresh connection) beside the same while awake;
// - recall p50/p99 of selective, broad, parts, prefix and typo queries on Postgres beside the local store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../src/shared/clock';
import { waitFor } from '../src/shared/event';
import { memoryLogger } from '../src/shared/logger';
import { parseQuery } from '../src/shared/query-language';
import { searchQuery } from '../src/daemon/recall/search-query';
import { Replicator } from '../src/daemon/shared-store/replicator';
import { searchShared } from '../src/daemon/shared-store/search-shared';
import { SharedPool } from '../src/daemon/shared-store/shared-pool';
import { poolConfig } from '../src/daemon/shared-store/store-url';
import { MemoryStore, type NewMemory } from '../src/daemon/store/memory-store';
import { openDatabase } from '../src/daemon/store/open-database';
import { mulberry32 } from '../test/helpers/mulberry32';
import { startPostgres } from '../test/helpers/postgres';
import { type BenchRow, absoluteAtMost, median, NO_TARGET, tail } from './report';

const WORDS = ['retry', 'delay', 'lease', 'token', 'upload', 'jitter', 'queue', 'parse', 'render', 'cache', 'budget', 'socket', 'worker', 'index', 'chunk'];

function corpus(n: number): NewMemory[] {
  const rnd = mulberry32(11);
  const word = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  const ident = () => `${word()}${word()[0]!.toUpperCase()}${word().slice(1)}${Math.floor(rnd() * 50)}`;
  return Array.from({ length: n }, (_, i) => {
    const lines = Array.from({ length: 12 }, () => `const ${ident()} = ${word()}(${ident()}, ${Math.floor(rnd() * 1000)});`);
    if (i % 1000 === 7) lines.push('const okapiZebraMarker = 1;'); // the selective query's rare identifier
    const content = lines.join('\n');
    return { kind: 'file', path: `/w/app/src/f${i % 500}.ts`, title: `f${i % 500}.ts`, language: 'typescript', note: null, exitCode: null, content, contentHash: `h${i}`, capturedAt: 1_700_000_000_000 + i };
  });
}

async function timed(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function benchSharedStore(memories: number, queryRuns: number): Promise<BenchRow[]> {
  const section = `shared store (${memories / 1000}k memories)`;
  // In process (the daemon's own Replicator and search over a real PostgreSQL 15 started for the
  // bench, socket only), on a synthetic corpus; the local baseline is the same corpus in SQLite.
  const config = `in process: Replicator + searchShared against a throw-away PostgreSQL 15 on a unix socket; synthetic corpus of ${memories} memories`;
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'dm-bench-shared-'));
  const clock = new RealClock();
  try {
    await pg.createRole('bench_user', 'pw-bench');
    const dbName = await pg.createDatabase('bench_user');
    const db = openDatabase(join(dir, 'dormouse.db'), { log: memoryLogger('warn'), clock, runQuickCheck: false }).db;
    const store = new MemoryStore(db, clock);
    const rows = corpus(memories);
    const localMs = await timed(() => { for (let i = 0; i < rows.length; i += 1000) store.insertMany(rows.slice(i, i + 1000)); });
    const pool = new SharedPool(poolConfig(pg.url('bench_user', 'pw-bench', dbName), { env: {} }));
    const replicator = new Replicator({ clock, db, pool, machineId: 'bench', log: memoryLogger('warn'), sharedFolders: () => [] });
    const drained = () => waitFor(replicator.onChange, (s) => s.backlog === 0 && s.reachable === true);
    const replMs = await timed(async () => { const d = drained(); replicator.wake(); await d; });
    const out: BenchRow[] = [{
      section, name: 'replication throughput', value: Math.round(memories / (replMs / 1000)), unit: 'memories/s',
      baseline: { name: 'local SQLite insert', value: Math.round(memories / (localMs / 1000)) },
      config,
      // The issue states the figure in memories per second: absolute, machine-dependent.
      target: '>= 2000 memories/s (absolute, issue 11)', pass: memories / (replMs / 1000) >= 2000,
    }];
    // One capture replicated while awake (pool open) vs right after hibernation (pool ended: a new connection).
    const one = async () => { store.insert({ ...rows[0]!, contentHash: `x${Math.random()}`, capturedAt: clock.now() }); const d = drained(); replicator.wake(); await d; };
    const awake: number[] = [];
    const woken: number[] = [];
    for (let i = 0; i < 10; i++) {
      awake.push(await timed(one));
      await replicator.hibernate();
      woken.push(await timed(one));
    }
    const wokenMedian = median(woken);
    out.push({ section, name: `first memory replicated after hibernation (${wokenMedian.label})`, value: wokenMedian.value, unit: 'ms', config, baseline: { name: 'while awake', value: median(awake).value } });
    const now = clock.now();
    const kinds = [
      ['selective identifier', 'okapiZebraMarker'], ['broad word', 'retry'], ['parts', 'retry budget'],
      ['as-you-type prefix', 'retryDel'], ['typo', 'okapiZebraMarkr'],
    ] as const;
    for (const [label, text] of kinds) {
      const parsed = parseQuery(text, { now });
      const local: number[] = [];
      const shared: number[] = [];
      for (let i = 0; i < queryRuns; i++) {
        local.push(await timed(() => searchQuery(db, parsed, { limit: 20 })));
        shared.push(await timed(() => pool.with((c) => searchShared(c, parsed, { limit: 20 }))));
      }
      const mid = median(shared);
      const p99 = tail(shared, 99);
      out.push({ section, name: `recall "${text}" (${label}) ${mid.label}`, value: mid.value, unit: 'ms', config, baseline: { name: 'local store', value: median(local).value } });
      out.push({
        section, name: `recall "${text}" (${label}) ${p99.label}`, value: p99.value, unit: 'ms', config, baseline: { name: 'local store', value: tail(local, 99).value },
        ...(label === 'selective identifier' ? absoluteAtMost(p99.value, 50, 'ms', 'issue 11, at 1M chunks') : NO_TARGET),
      });
    }
    await replicator.stop();
    db.raw.close();
    return out;
  } finally {
    pg.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
