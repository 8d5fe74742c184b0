import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkContent } from '../../../src/daemon/capture/chunker';
import { searchQuery } from '../../../src/daemon/recall/search-query';
import { typoCandidates } from '../../../src/daemon/recall/typo';
import { MemoryStore } from '../../../src/daemon/store/memory-store';
import { MIGRATIONS } from '../../../src/daemon/store/migrations';
import { REINDEX_BATCH } from '../../../src/daemon/store/migrations/004-identifier-parts';
import { migrate, userVersion } from '../../../src/daemon/store/migrations/runner';
import { openDatabase } from '../../../src/daemon/store/open-database';
import { SqlDatabase } from '../../../src/daemon/store/sql';
import { rebuildVocabulary, vocabularyHas } from '../../../src/daemon/store/vocabulary';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import type { ParsedQuery } from '../../../src/shared/recall-query';
import { memory } from '../recall/memory-db';

const words = (...texts: string[]): ParsedQuery => ({
  terms: texts.map((text) => ({ text, phrase: false, negated: false, prefix: false })), filters: {}, filterLabels: [],
});

let dir: string;
let db: SqlDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-mig-'));
  db = new SqlDatabase(new Database(join(dir, 'dormouse.db')));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Memories written the way version 3 wrote them: chunks without parts, a one-column index. */
function storeAtVersion3(contents: string[]): void {
  migrate(db, MIGRATIONS.slice(0, 3), memoryLogger());
  const mem = db.prepare<[string, string, number, number]>(
    `INSERT INTO memories (kind, path, title, content, content_hash, bytes, captured_at, updated_at) VALUES ('file', ?, 'x.ts', ?, 'h', 1, ?, ?)`,
  );
  const chunk = db.prepare<[number, number, string]>('INSERT INTO chunks (memory_id, seq, text) VALUES (?, ?, ?)');
  db.transaction(() => {
    contents.forEach((content, i) => {
      const id = Number(mem.run(`/p/${i}.ts`, content, i, i).lastInsertRowid);
      chunkContent(content).forEach((text, seq) => chunk.run(id, seq, text));
    });
  });
}

describe('migration 004 (identifier parts)', () => {
  it('a migrated database finds identifier parts of memories stored before the migration', () => {
    storeAtVersion3(['const retryDelaysMs = [1000];\n', 'let plain = 1;\n']);
    expect(userVersion(db)).toBe(3);
    migrate(db, MIGRATIONS, memoryLogger());
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    const hits = searchQuery(db, words('delays'));
    expect(hits.map((h) => h.match?.tier)).toEqual(['parts']);
    expect(searchQuery(db, words('retry', 'delays', 'ms'))[0]?.match?.tier).toBe('exact');
    // The whole-token index still works, and the vocabulary knows the old words (typos find them).
    expect(searchQuery(db, words('plain')).map((h) => h.match?.tier)).toEqual(['exact']);
    expect(typoCandidates(db, 'retrydelaysm').map((c) => c.term)).toContain('retrydelaysms');
  });

  it('a version-3 store opened by the daemon keeps every memory intact, and each is found again', () => {
    const contents = Array.from({ length: 40 }, (_, i) => `// note ${i}\nconst keptValue${i}Ms = ${i};\n${'filler line\n'.repeat(i % 5)}`);
    storeAtVersion3(contents);
    const before = db.prepare<[], { id: number; path: string; content: string; captured_at: number }>(
      'SELECT id, path, content, captured_at FROM memories ORDER BY id').all();
    db.close();

    // The daemon's own open: migrations 004 and 005, then the one-time VACUUM.
    db = openDatabase(join(dir, 'dormouse.db'), { log: memoryLogger(), clock: new ManualClock(0), runQuickCheck: true }).db;
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    const store = new MemoryStore(db);
    expect(before.map((m) => store.get(m.id)).map((r) => ({ id: r!.id, path: r!.path, content: r!.content, captured_at: Date.parse(r!.capturedAt) })))
      .toEqual(before);
    before.forEach((m, i) => {
      const exact = searchQuery(db, words(`keptValue${i}Ms`)).filter((h) => h.match?.tier === 'exact');
      expect(exact.map((h) => h.id)).toEqual([m.id]);
    });
  });

  it('the reindex runs in batches and logs its progress', () => {
    const n = REINDEX_BATCH + 10;
    storeAtVersion3(Array.from({ length: n }, (_, i) => `const fooBar${i} = ${i};\n`));
    const log = memoryLogger();
    migrate(db, MIGRATIONS, log);
    const progress = log.lines.filter((l) => l.includes('identifier parts:'));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[progress.length - 1]).toContain(`${n}/${n} chunks (100 %`);
    expect(searchQuery(db, words('foo', 'bar'), { limit: 200 })).toHaveLength(200);
  });

  it('deletes and merges after the migration keep the two-column index in sync', () => {
    storeAtVersion3(['const oldName = 1;\n']);
    migrate(db, MIGRATIONS, memoryLogger());
    const store = new MemoryStore(db);
    const id = store.insert(memory('const fencingToken = 1;\n'));
    store.replaceContent(id, { title: 't', language: null, content: 'const leaseToken = 2;\n', contentHash: 'h2', updatedAt: 5 });
    expect(searchQuery(db, words('fencing'))).toEqual([]);
    expect(searchQuery(db, words('lease')).map((h) => h.id)).toEqual([id]);
    store.delete(id);
    expect(searchQuery(db, words('lease'))).toEqual([]);
    expect(db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run()).toBeTruthy();
  });
});

describe('vocabulary', () => {
  it('is filled on insert with whole tokens and parts', () => {
    migrate(db, MIGRATIONS, memoryLogger());
    new MemoryStore(db).insert(memory('const HTTPServer2 = 1;\n'));
    expect(vocabularyHas(db, ['httpserver2', 'http', 'server', '2', 'const', 'missing']).sort()).toEqual(['2', 'const', 'http', 'httpserver2', 'server']);
  });

  it('a delete drops the words only it held, and a rebuild gives the same vocabulary', () => {
    migrate(db, MIGRATIONS, memoryLogger());
    const store = new MemoryStore(db);
    const gone = store.insert(memory('const secretProjectName = 1;\n'));
    store.insert(memory('const keptWord = 1;\n'));
    store.delete(gone);
    expect(vocabularyHas(db, ['secretprojectname', 'secret', 'keptword', 'kept'])).toEqual(['keptword', 'kept']);
    rebuildVocabulary(db);
    expect(vocabularyHas(db, ['secretprojectname', 'secret', 'keptword', 'kept'])).toEqual(['keptword', 'kept']);
  });
});
