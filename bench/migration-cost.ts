// Migration 004 on an existing store: a version-3 database of N chunks (texts copied from a
// recall-bench corpus), migrated to the latest version; time (as the migration logs it), size
// breakdown before and after (dbstat, after VACUUM).
//   tsx bench/migration-cost.ts /tmp/dm100k/recall-bench.db 20000
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../src/daemon/store/migrations';
import { migrate } from '../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../src/daemon/store/sql';
import type { Logger } from '../src/shared/logger';

/** Bytes per table or index (dbstat), largest first, and the total. */
export function sizeBreakdown(db: SqlDatabase): { total: number; rows: Array<{ name: string; bytes: number }> } {
  const rows = db.prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
  return { total: rows.reduce((n, r) => n + r.bytes, 0), rows };
}

function print(label: string, db: SqlDatabase): void {
  const { total, rows } = sizeBreakdown(db);
  console.log(`${label}: ${(total / 1e6).toFixed(1)} MB`);
  for (const r of rows.filter((x) => x.bytes > total / 200)) console.log(`  ${r.name.padEnd(24)} ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB ${((100 * r.bytes) / total).toFixed(1).padStart(5)} %`);
}

if (require.main === module) {
  const [source, n = '20000'] = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'dm-migration-cost-'));
  const log: Logger = {
    debug() {}, warn: (m: string) => console.log(`  warn ${m}`), error: (m: string) => console.log(`  error ${m}`),
    info: (m: string) => console.log(`  log: ${m}`), child() { return log; },
  };
  try {
    const db = new SqlDatabase(new Database(join(dir, 'v3.db')));
    migrate(db, MIGRATIONS.slice(0, 3), log);
    db.exec(`ATTACH '${source}' AS s;
      INSERT INTO memories SELECT * FROM s.memories WHERE id IN (SELECT memory_id FROM s.chunks WHERE id <= ${Number(n)});
      INSERT INTO chunks (id, memory_id, seq, text) SELECT id, memory_id, seq, text FROM s.chunks WHERE id <= ${Number(n)};
      DETACH s;`);
    db.exec('VACUUM');
    print(`version 3, ${n} chunks`, db);
    const t = performance.now();
    migrate(db, MIGRATIONS, log);
    console.log(`migrated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    db.exec('VACUUM');
    print('after migration + VACUUM', db);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
