// Scratch: where a searchQuery's time goes, per SQL statement (text, calls, ms), on a bench corpus.
//   tsx bench/profile-query.ts /tmp/dm100k/recall-bench.db 'find user4 ' ...
// SINCE/UNTIL (epoch ms) in the environment add a time filter.
import Database from 'better-sqlite3';
import { plainQuery } from '../src/daemon/recall/plain-query';
import { searchQuery } from '../src/daemon/recall/search-query';
import { SqlDatabase, SqlStatement } from '../src/daemon/store/sql';

const [file, ...texts] = process.argv.slice(2);
const db = new SqlDatabase(new Database(file, { readonly: true }));
const times = new Map<string, { n: number; ms: number }>();

// Wraps the statement methods to time them; `stmt` is SqlStatement's private better-sqlite3 statement.
type Method = (this: SqlStatement, ...args: unknown[]) => unknown;
const proto = SqlStatement.prototype as unknown as Record<'get' | 'all' | 'run', Method>;
for (const m of ['get', 'all', 'run'] as const) {
  const orig = proto[m];
  proto[m] = function (this: SqlStatement, ...args: unknown[]) {
    const t = performance.now();
    try { return orig.apply(this, args); } finally {
      const sql = (this as unknown as { stmt: { source: string } }).stmt.source.replace(/\s+/g, ' ').slice(0, 90);
      const key = `${sql} | ${JSON.stringify(args).slice(0, 160)}`;
      const e = times.get(key) ?? { n: 0, ms: 0 };
      e.n++; e.ms += performance.now() - t; times.set(key, e);
    }
  };
}
const filters = {
  ...(process.env.SINCE ? { since: Number(process.env.SINCE) } : {}),
  ...(process.env.UNTIL ? { until: Number(process.env.UNTIL) } : {}),
};
for (const text of texts) {
  for (let round = 0; round < 2; round++) {
    times.clear();
    const t = performance.now();
    const hits = searchQuery(db, plainQuery(text, filters), { limit: 20 });
    const total = performance.now() - t;
    if (round === 0) continue;
    console.log(`\n${JSON.stringify(text)}: ${total.toFixed(1)} ms, ${hits.length} hits, tiers ${[...new Set(hits.map((h) => h.match?.tier))].join(',')}`);
    for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${v.ms.toFixed(1).padStart(7)} ms x${v.n}  ${k}`);
  }
}

