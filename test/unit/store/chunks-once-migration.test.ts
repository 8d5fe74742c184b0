// Migration 005 on a real version-4 store: rows written the way version 4 wrote them (content in
// memories.content and again in fixed-size chunks with their parts), opened the daemon's way.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkParts } from '../../../src/daemon/recall/identifiers';
import { searchQuery } from '../../../src/daemon/recall/search-query';
import { MemoryStore } from '../../../src/daemon/store/memory-store';
import { MIGRATIONS } from '../../../src/daemon/store/migrations';
import { MIGRATE_BATCH } from '../../../src/daemon/store/migrations/005-chunks-once';
import { migrate, userVersion } from '../../../src/daemon/store/migrations/runner';
import { openDatabase } from '../../../src/daemon/store/open-database';
import { SqlDatabase } from '../../../src/daemon/store/sql';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import type { ParsedQuery } from '../../../src/shared/recall-query';

const words = (...texts: string[]): ParsedQuery => ({
  terms: texts.map((text) => ({ text, phrase: false, negated: false, prefix: false })), filters: {}, filterLabels: [],
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-mig5-'));
  file = join(dir, 'dormouse.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface OldMemory {
  path: string;
  content: string;
  note: string | null;
}

/** Version 4's chunker: fixed 40-line pieces (the note as one more chunk), as capture wrote them then. */
function fixedChunks(content: string): string[] {
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 40) out.push(lines.slice(i, i + 40).join(''));
  return out;
}

/** A store at schema version 4 with these memories, written as version 4 wrote them. */
function storeAtVersion4(memories: OldMemory[]): void {
  const db = new SqlDatabase(new Database(file));
  db.pragma('journal_mode = WAL');
  migrate(db, MIGRATIONS.slice(0, 4), memoryLogger());
  const mem = db.prepare<[string, string, string | null, number, number]>(
    `INSERT INTO memories (kind, path, title, content, note, content_hash, bytes, captured_at, updated_at) VALUES ('file', ?, 'x.ts', ?, ?, 'h', 1, ?, ?)`,
  );
  const chunk = db.prepare<[number, number, string, string]>('INSERT INTO chunks (memory_id, seq, text, parts) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    memories.forEach((m, i) => {
      const id = Number(mem.run(m.path, m.content, m.note, i, i).lastInsertRowid);
      const chunks = m.note ? [...fixedChunks(m.content), m.note] : fixedChunks(m.content);
      chunks.forEach((text, seq) => chunk.run(id, seq, text, chunkParts(text)));
    });
  });
  expect(userVersion(db)).toBe(4);
  db.close();
}

/** 30 versions of one file, each with one function changed, plus a file with a note. */
function history(): OldMemory[] {
  const fn = (i: number, v: number) => `export function step${i}(input: number): number {\n  return input * ${i === v % 20 ? v : i};\n}\n`;
  const out: OldMemory[] = [];
  for (let v = 0; v < 30; v++) out.push({ path: '/p/steps.ts', content: Array.from({ length: 20 }, (_, i) => fn(i, v)).join('\n') + `// version${v}Marker\n`, note: null });
  out.push({ path: '/p/noted.ts', content: 'const notedValue = 1;', note: 'why I kept this' });
  out.push({ path: '/p/empty.ts', content: '', note: null });
  return out;
}

describe('migration 005 (each chunk stored once)', () => {
  it('a version-4 store opened by the daemon keeps every memory intact, stores its chunks once, and finds each again', () => {
    const memories = history();
    storeAtVersion4(memories);
    const sizeBefore = statSync(file).size;
    const log = memoryLogger();

    const db = openDatabase(file, { log, clock: new ManualClock(0), runQuickCheck: true }).db;
    try {
      expect(userVersion(db)).toBe(MIGRATIONS.length);
      const store = new MemoryStore(db);
      memories.forEach((m, i) => {
        const got = store.get(i + 1)!;
        expect(got.content).toBe(m.content);
        expect(got.note).toBe(m.note);
        expect(got.path).toBe(m.path);
      });
      // Thirty versions of 20 functions: the unchanged functions are one row each.
      const distinct = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()!.n;
      const refs = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memory_chunks').get()!.n;
      expect(distinct).toBeLessThan(refs / 5);
      const exact = (...q: string[]) => searchQuery(db, words(...q)).filter((h) => h.match?.tier === 'exact').map((h) => h.id);
      for (let v = 0; v < 30; v++) expect(exact(`version${v}Marker`)).toEqual([v + 1]);
      expect(exact('kept')).toEqual([31]); // the note, indexed as before
      // Identifier parts: computed from the chunk text, no longer stored.
      expect(searchQuery(db, words('noted', 'value')).map((h) => [h.id, h.match?.tier])).toEqual([[31, 'exact']]);
      db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();
      expect(db.prepare<[], { c: string }>("SELECT count(*) AS c FROM pragma_table_info('memories') WHERE name = 'content'").get()!.c).toBe(0);
      expect(log.lines.some((l) => l.includes(`chunks stored once: ${memories.length}/${memories.length} memories (100 %`))).toBe(true);
      expect(log.lines.some((l) => l.includes('vacuumed the migrated database'))).toBe(true);
    } finally {
      db.close();
    }
    expect(statSync(file).size).toBeLessThan(sizeBefore);
  });

  it('the conversion runs in batches and logs its progress', () => {
    const n = MIGRATE_BATCH * 2 + 10;
    storeAtVersion4(Array.from({ length: n }, (_, i) => ({ path: `/p/${i}.ts`, content: `const fooBar${i} = ${i};\n`, note: null })));
    const log = memoryLogger();
    const db = new SqlDatabase(new Database(file));
    try {
      migrate(db, MIGRATIONS, log);
      const progress = log.lines.filter((l) => l.includes('chunks stored once:'));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[progress.length - 1]).toContain(`${n}/${n} memories (100 %`);
      expect(searchQuery(db, words('foo', 'bar'), { limit: 200 })).toHaveLength(200);
    } finally {
      db.close();
    }
  });
});
