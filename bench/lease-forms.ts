// Measures the two lease forms of src/daemon/queue/lease.ts on a real WAL file with the real
// schema (synchronous=NORMAL), in one run, interleaved, so their ratio is trustworthy even on a
// noisy shared machine. Run: tsx bench/lease-forms.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobInput } from '../src/shared/protocol';
import { memoryLogger } from '../src/shared/logger';
import { RealClock } from '../src/shared/clock';
import { insertJob } from '../src/daemon/queue/enqueue';
import { leaseSelectThenUpdate, leaseUpdateReturning } from '../src/daemon/queue/lease';
import { openDatabase } from '../src/daemon/store/open-database';
import type { SqlDatabase } from '../src/daemon/store/sql';

const JOBS = 2_000; // ready jobs per round
const BATCH = 4; // lease up to 4, as the loops do
const ROUNDS = 9;
const LEASE_MS = 120_000;

type LeaseFn = typeof leaseSelectThenUpdate;
const FORMS: Array<[string, LeaseFn]> = [
  ['select-then-update', leaseSelectThenUpdate],
  ['update-returning', leaseUpdateReturning],
];

function refill(db: SqlDatabase): void {
  db.exec('DELETE FROM jobs');
  const now = Date.now();
  const input: JobInput = { kind: 'capture', payload: { type: 'text', text: 'x'.repeat(200) } };
  db.transaction(() => {
    for (let i = 0; i < JOBS; i++) insertJob(db, { ...input, priority: i % 3 }, 5, now);
  });
}

/** Leases/s for one round: drains the table BATCH at a time. */
function round(db: SqlDatabase, lease: LeaseFn): number {
  refill(db);
  let leases = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    const got = lease(db, 'capture', BATCH, Date.now(), LEASE_MS);
    if (got.length === 0) break;
    leases++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return leases / seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'dm-bench-'));
try {
  const { db } = openDatabase(join(dir, 'bench.db'), { log: memoryLogger('error'), clock: new RealClock(), runQuickCheck: false });
  for (const [, fn] of FORMS) round(db, fn); // warm-up: statement caches, page cache
  const results = new Map<string, number[]>(FORMS.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which form goes first so drift (thermal, neighbours) hits both alike.
    const order = r % 2 === 0 ? FORMS : [...FORMS].reverse();
    for (const [name, fn] of order) results.get(name)!.push(round(db, fn));
  }
  db.close();
  const a = median(results.get('select-then-update')!);
  const b = median(results.get('update-returning')!);
  console.log(`lease up to ${BATCH} from ${JOBS} ready jobs, median of ${ROUNDS} interleaved rounds (${process.version})`);
  console.log(`  select-then-update (one transaction): ${Math.round(a)} leases/s`);
  console.log(`  UPDATE ... IN (SELECT) RETURNING:      ${Math.round(b)} leases/s`);
  console.log(`  ratio select-then-update / returning:  ${(a / b).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
