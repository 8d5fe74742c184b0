// Bytes on disk per MB of captured content, on a real history: every version of every
// src/**/*.ts file in this repository's git history (recall-quality.ts's gitVersions), captured
// one memory per transaction as the capture worker does, then a TRUNCATE checkpoint (db + wal).
// Beside it, in the same run, the layout before migration 005 (schema 4: memories.content, fixed
// 40-line chunks with their stored parts, FTS over chunks.text + parts) built from the same versions
// through the old migration chain only. A second pair measures the 35 files with the most versions
// (the "300 versions of 35 files" kind of history: many versions of few files).
//   tsx bench/store-size.ts
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkParts } from '../src/daemon/recall/identifiers';
import { MemoryStore } from '../src/daemon/store/memory-store';
import { MIGRATIONS } from '../src/daemon/store/migrations';
import { migrate } from '../src/daemon/store/migrations/runner';
import { openDatabase } from '../src/daemon/store/open-database';
import { SqlDatabase } from '../src/daemon/store/sql';
import { rebuildVocabulary } from '../src/daemon/store/vocabulary';
import { ManualClock } from '../src/shared/clock';
import { memoryLogger } from '../src/shared/logger';
import { type Version, gitVersions } from './recall-quality';
import { type BenchRow, NO_TARGET, countAtMost } from './report';

/** The goal of issue 9: the store, index included, at most this many bytes per byte of content. */
export const STORE_RATIO_TARGET = 0.6;

export interface StoreSize {
  versions: number;
  files: number;
  contentBytes: number;
  bytes: number;
  baselineBytes: number;
  /** The largest tables and indexes of the new layout (dbstat), MB. */
  breakdown: string;
}

const onDisk = (file: string) => [file, `${file}-wal`].filter(existsSync).reduce((sum, f) => sum + statSync(f).size, 0);

/** The chunks schema 4 wrote: at most 40 lines and 2 KB (long lines cut), by position. */
function fixedChunks(content: string): string[] {
  const chunks: string[] = [];
  let current = '';
  let lines = 0;
  for (const line of content.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    for (let piece = line; piece.length > 0; ) {
      let cut = piece;
      while (Buffer.byteLength(cut) > 2048) cut = cut.slice(0, Math.floor(cut.length / 2));
      if (lines > 0 && (lines >= 40 || Buffer.byteLength(current) + Buffer.byteLength(cut) > 2048)) {
        chunks.push(current);
        current = '';
        lines = 0;
      }
      current += cut;
      lines++;
      piece = piece.slice(cut.length);
    }
  }
  if (lines > 0) chunks.push(current);
  return chunks;
}

/** Schema 4's layout, written the way its memory store wrote it. */
function buildSchema4(file: string, versions: Version[]): number {
  const db = new SqlDatabase(new Database(file));
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON');
  migrate(db, MIGRATIONS.slice(0, 4), memoryLogger());
  const mem = db.prepare<[string, string, string, string, number, number, number]>(
    `INSERT INTO memories (kind, path, title, language, content, content_hash, bytes, captured_at, updated_at)
     VALUES ('file', ?, ?, 'typescript', ?, ?, ?, ?, ?)`,
  );
  const chunk = db.prepare<[number, number, string, string]>('INSERT INTO chunks (memory_id, seq, text, parts) VALUES (?, ?, ?, ?)');
  for (const v of versions) {
    db.transaction(() => {
      const id = Number(mem.run(v.path, v.path.split('/').pop()!, v.content, v.rev, Buffer.byteLength(v.content), v.capturedAt, v.capturedAt).lastInsertRowid);
      fixedChunks(v.content).forEach((t, seq) => chunk.run(id, seq, t, chunkParts(t)));
    });
  }
  rebuildVocabulary(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return onDisk(file);
}

/** The current layout, through the daemon's own open and memory store. */
function buildCurrent(file: string, versions: Version[]): { bytes: number; breakdown: string } {
  const db = openDatabase(file, { log: memoryLogger(), clock: new ManualClock(0), runQuickCheck: false }).db;
  const store = new MemoryStore(db);
  for (const v of versions) {
    store.insert({
      kind: 'file', path: v.path, title: v.path.split('/').pop()!, language: 'typescript', note: null, exitCode: null,
      content: v.content, contentHash: v.rev, capturedAt: v.capturedAt,
    });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const breakdown = db.prepare<[], { name: string; s: number }>('SELECT name, sum(pgsize) AS s FROM dbstat GROUP BY name ORDER BY s DESC LIMIT 6')
    .all().map((r) => `${r.name} ${(r.s / 1e6).toFixed(2)}`).join(', ');
  db.close();
  return { bytes: onDisk(file), breakdown };
}

export function measureStoreSize(versions: Version[]): StoreSize {
  const dir = mkdtempSync(join(tmpdir(), 'dm-store-size-'));
  try {
    const baselineBytes = buildSchema4(join(dir, 'schema4.db'), versions);
    const current = buildCurrent(join(dir, 'current.db'), versions);
    return {
      versions: versions.length, files: new Set(versions.map((v) => v.path)).size,
      contentBytes: versions.reduce((sum, v) => sum + Buffer.byteLength(v.content), 0),
      bytes: current.bytes, baselineBytes, breakdown: current.breakdown,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `files` paths with the most versions, every version of each. */
export function mostEdited(versions: Version[], files: number): Version[] {
  const counts = new Map<string, number>();
  for (const v of versions) counts.set(v.path, (counts.get(v.path) ?? 0) + 1);
  const keep = new Set([...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, files).map(([p]) => p));
  return versions.filter((v) => keep.has(v.path));
}

function rows(label: string, s: StoreSize, withTarget: boolean): BenchRow[] {
  const mb = s.contentBytes / 1e6;
  const perMb = s.bytes / 1e6 / mb;
  return [{
    section: 'store size',
    name: `${label}: ${s.versions} versions of ${s.files} files, ${mb.toFixed(2)} MB of content; MB on disk per MB`,
    value: Number(perMb.toFixed(3)),
    unit: 'MB/MB',
    baseline: { name: 'schema 4 layout', value: Number((s.baselineBytes / 1e6 / mb).toFixed(3)) },
    ...(withTarget ? countAtMost(Number(perMb.toFixed(3)), STORE_RATIO_TARGET, 'MB/MB (issue 9)') : NO_TARGET),
    config: 'in process, no daemon: versions of src/**/*.ts from this repository\'s git history written through the daemon\'s openDatabase and MemoryStore (one insert per version), then a WAL checkpoint; baseline: the same versions in schema 4\'s layout',
  }];
}

export async function benchStoreSize(repo: string): Promise<BenchRow[]> {
  const all = gitVersions(repo);
  const few = measureStoreSize(mostEdited(all, 35));
  const every = measureStoreSize(all);
  // The goal is stated for the kind of history (many versions of few files). Every src file
  // is mostly first versions (2.4 per file here), which nothing repeats: reported, without target.
  return [...rows('35 most-edited files', few, true), ...rows('every src file', every, false)];
}

if (require.main === module) {
  const all = gitVersions(process.cwd());
  for (const [label, versions] of [['35 most-edited files', mostEdited(all, 35)], ['every src file', all]] as const) {
    const s = measureStoreSize(versions);
    console.log(`${label}: ${s.versions} versions, ${s.files} files, ${(s.contentBytes / 1e6).toFixed(2)} MB content; ` +
      `now ${(s.bytes / 1e6).toFixed(2)} MB (${(s.bytes / s.contentBytes).toFixed(2)}x), schema 4 ${(s.baselineBytes / 1e6).toFixed(2)} MB ` +
      `(${(s.baselineBytes / s.contentBytes).toFixed(2)}x)\n  ${s.breakdown}`);
  }
}
