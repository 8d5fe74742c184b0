// Test helper: a real SQLite file in a temp dir with every migration applied.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../src/daemon/store/migrations';
import { migrate } from '../../../src/daemon/store/migrations/runner';
import { memoryLogger } from '../../../src/shared/logger';
import { MemoryStore, type NewMemory } from '../../../src/daemon/store/memory-store';
import { SqlDatabase } from '../../../src/daemon/store/sql';

export interface MemoryDb {
  dir: string;
  db: SqlDatabase;
  store: MemoryStore;
  close(): void;
}

export function openMemoryDb(): MemoryDb {
  const dir = mkdtempSync(join(tmpdir(), 'dormouse-mem-'));
  const db = new SqlDatabase(new Database(join(dir, 'dormouse.db')));
  db.pragma('journal_mode = WAL');
  migrate(db, MIGRATIONS, memoryLogger());
  return {
    dir,
    db,
    store: new MemoryStore(db),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** A memory with sensible defaults; content is chunked like capture does. */
export function memory(content: string, over: Partial<NewMemory> = {}): NewMemory {
  seq++;
  return {
    kind: 'file', path: `/p/file${seq}.ts`, title: `file${seq}.ts`, language: null, note: null, exitCode: null,
    content, contentHash: `h${seq}`, capturedAt: Date.UTC(2026, 0, 1) + seq, ...over,
  };
}
