// Measures how many small captures to commit per transaction: each capture's memory write plus its
// job's completion, one transaction per capture (each is a savepoint inside the group, as a
// group commit would run them) against groups of 4, 16 and 64, on a real WAL file with the real
// schema (synchronous=NORMAL), interleaved rounds. Run: tsx bench/capture-commit-forms.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNewMemory, type Draft } from '../src/daemon/capture/capture-worker';
import { completeJob } from '../src/daemon/queue/complete';
import { insertJob } from '../src/daemon/queue/enqueue';
import { leaseJobs } from '../src/daemon/queue/lease';
import { MemoryStore } from '../src/daemon/store/memory-store';
import { openDatabase } from '../src/daemon/store/open-database';
import type { SqlDatabase } from '../src/daemon/store/sql';
import { RealClock } from '../src/shared/clock';
import { memoryLogger } from '../src/shared/logger';

const CAPTURES = 2_000;
const ROUNDS = 5;
const GROUPS = [1, 4, 16, 64];

function draft(round: number, i: number): Draft {
  const content = `// module ${round}-${i}\nexport function handler${round}x${i}(input: number): number {\n  const retries = ${i % 7};\n  return input * retries + ${round};\n}\n`;
  return { kind: 'file', path: `/bench/r${round}/module-${i}.ts`, title: `module-${i}.ts`, language: 'typescript', note: null, exitCode: null, content };
}

/** Captures per second, committing `group` captures per transaction. */
function round(db: SqlDatabase, store: MemoryStore, group: number, tag: number): number {
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < CAPTURES; i++) insertJob(db, { kind: 'capture', payload: { type: 'text', text: 'x' } }, 5, now);
  });
  const jobs = leaseJobs(db, 'capture', CAPTURES, now, 120_000);
  const start = process.hrtime.bigint();
  for (let i = 0; i < jobs.length; i += group) {
    db.transaction(() => {
      for (const [k, job] of jobs.slice(i, i + group).entries()) {
        db.transaction(() => {
          const d = draft(tag, i + k);
          if (store.latestForPath(d.path!) === undefined) store.insert(toNewMemory(d, now));
          completeJob(db, job.id, job.token, now);
        });
      }
    });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return CAPTURES / seconds;
}

const { db } = openDatabase(join(mkdtempSync(join(tmpdir(), 'dm-bench-commit-')), 'dormouse.db'), { log: memoryLogger(), clock: new RealClock(), runQuickCheck: false });
const store = new MemoryStore(db);
const rates = new Map<number, number[]>(GROUPS.map((g) => [g, []]));
let tag = 0;
for (let r = 0; r < ROUNDS; r++) for (const g of GROUPS) rates.get(g)!.push(round(db, store, g, tag++));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const one = median(rates.get(1)!);
for (const g of GROUPS) {
  const m = median(rates.get(g)!);
  console.log(`${String(g).padStart(3)} per transaction: ${Math.round(m)} captures/s (${(m / one).toFixed(2)}x one per transaction)`);
}
