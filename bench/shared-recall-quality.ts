// Recall quality on the shared store beside the local store, on the corpus of recall-quality.ts
// (every version of src/**/*.ts in this repository's git history, the same known-item queries):
// the issue asks for the same matching and ranking rules on both stores, so the shared store's
// hit@5 is judged by the local store's targets, with the local figure from the same run beside it.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { searchQuery } from '../src/daemon/recall/search-query';
import { ensureSharedSchema } from '../src/daemon/shared-store/ensure-schema';
import { searchShared } from '../src/daemon/shared-store/search-shared';
import { upsertMemories } from '../src/daemon/shared-store/upsert-memories';
import { MemoryStore } from '../src/daemon/store/memory-store';
import { MIGRATIONS } from '../src/daemon/store/migrations';
import { migrate } from '../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../src/daemon/store/sql';
import { memoryLogger } from '../src/shared/logger';
import { startPostgres } from '../test/helpers/postgres';
import { HIT5_TARGET } from './quality-rows';
import { evaluate, gitVersions, knownItems } from './recall-quality';
import { type BenchRow, NO_TARGET, countAtLeast, countAtMost } from './report';

export async function benchSharedRecallQuality(repo: string): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dm-shared-quality-'));
  const server = await startPostgres();
  try {
    const versions = gitVersions(repo);
    const db = new SqlDatabase(new Database(join(dir, 'local.db')));
    migrate(db, MIGRATIONS, memoryLogger());
    const memories = versions.map((v) => ({
      kind: 'file' as const, path: v.path, title: v.path.split('/').pop()!, language: 'typescript', note: null, exitCode: null,
      content: v.content, contentHash: createHash('sha256').update(v.content).digest('hex'), capturedAt: v.capturedAt,
    }));
    const ids = new MemoryStore(db).insertMany(memories);
    await server.createRole('quality', 'pw-quality');
    const client = new pg.Client({ connectionString: server.url('quality', 'pw-quality', await server.createDatabase('quality')) });
    await client.connect();
    try {
      await ensureSharedSchema(client);
      const shared = memories.map((m, i) => ({ ...m, localId: ids[i]!, workspace: null, shared: false, updatedAt: m.capturedAt }));
      for (let i = 0; i < shared.length; i += 200) await upsertMemories(client, 'quality', shared.slice(i, i + 200));
      await client.query('ANALYZE dormouse.memories');
      const rows = await evaluate(
        knownItems(versions, ids),
        (item) => searchShared(client, item.parsed, { limit: 20 }),
        (item) => searchQuery(db, item.parsed, { limit: 20 }),
      );
      db.close();
      const section = `shared store recall quality (${versions.length} git versions)`;
      const config = `in process: the same memories and known-item queries as "recall quality", upserted into a throw-away PostgreSQL 15 and searched with searchShared (limit 20); baseline: the local store's searchQuery on the same memories`;
      return rows.flatMap((q): BenchRow[] => {
        const target = HIT5_TARGET[q.kind];
        return [
          {
            section, name: `${q.kind}: hit@5 (${q.queries} queries)`, value: q.hitAt5, unit: '', config,
            baseline: { name: 'local store', value: q.baselineHitAt5 },
            ...(target === undefined ? NO_TARGET : countAtLeast(q.hitAt5, target)),
          },
          { section, name: `${q.kind}: MRR`, value: q.mrr, unit: '', config, baseline: { name: 'local store', value: q.baselineMrr } },
          ...(q.kind === 'filtered' ? [{ section, name: 'filtered: hits outside the filter', value: q.outsideFilter, unit: '', config, ...countAtMost(q.outsideFilter, 0) }] : []),
        ];
      });
    } finally {
      await client.end();
    }
  } finally {
    server.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
