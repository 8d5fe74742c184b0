// Damage written into real database files, page by page (pages found with the dbstat virtual
// table), then opened the daemon's way with the start-up check: derived data is rebuilt in place,
// damaged rows cost only themselves, and what happened is reported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHashOf } from '../../../src/daemon/capture/capture-worker';
import { MemoryStore } from '../../../src/daemon/store/memory-store';
import { openDatabase } from '../../../src/daemon/store/open-database';
import type { SqlDatabase } from '../../../src/daemon/store/sql';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';

const MEMORIES = 60;
const PAGE = 4096;
let dir: string;
let path: string;
const clock = new ManualClock(Date.UTC(2026, 2, 4, 5, 6, 7, 890));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-damage-'));
  path = join(dir, 'dormouse.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(log = memoryLogger()) {
  return openDatabase(path, { log, clock, runQuickCheck: true });
}

/** 60 memories (a long title each, so about ten rows to a table page; one chunk each) and their jobs, checkpointed and closed. */
function realDatabase(): void {
  const { db } = openDatabase(path, { log: memoryLogger(), clock, runQuickCheck: false });
  const store = new MemoryStore(db, clock);
  for (let i = 0; i < MEMORIES; i++) {
    // A line of hex digests: chunks are deflated, and these keep each one a few hundred bytes.
    const digests = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => contentHashOf(`${k}${i}`)).join('');
    const content = `memory ${i} holds the word zebra${i}\n${'retryDelay backoffCurve '.repeat(12)}\n${digests}\n`;
    store.insert({ kind: 'text', path: null, title: `m${i} ${'title '.repeat(60)}`, language: null, note: null, exitCode: null, content, contentHash: contentHashOf(content), capturedAt: clock.now() + i });
  }
  const job = db.prepare<[string]>(`INSERT INTO jobs (kind, payload, max_attempts, next_run_at, created_at, updated_at) VALUES ('capture', ?, 1, 0, 0, 0)`);
  db.transaction(() => {
    for (let i = 0; i < 20; i++) job.run(JSON.stringify({ type: 'text', text: `queued ${i}` }));
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Page numbers (and their rows) of the b-trees named, from dbstat. */
function pagesOf(match: (name: string) => boolean, type?: 'leaf' | 'internal' | 'overflow'): Array<{ pageno: number; ncell: number }> {
  const raw = new Database(path, { readonly: true });
  try {
    const rows = raw.prepare('SELECT name, pageno, pagetype, ncell FROM dbstat').all() as Array<{ name: string; pageno: number; pagetype: string; ncell: number }>;
    return rows.filter((r) => match(r.name) && (!type || r.pagetype === type));
  } finally {
    raw.close();
  }
}

function indexNames(): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index'`).all() as Array<{ name: string }>).map((r) => r.name);
  } finally {
    raw.close();
  }
}

function garblePages(pages: number[]): void {
  const bytes = readFileSync(path);
  for (const p of pages) bytes.fill(0x5a, (p - 1) * PAGE, p * PAGE);
  writeFileSync(path, bytes);
}

/** Memories whose own word the full-text index finds. */
function findable(db: SqlDatabase): number {
  let n = 0;
  for (let i = 0; i < MEMORIES; i++) {
    const hit = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?`).get(`zebra${i}`);
    if ((hit?.n ?? 0) > 0) n++;
  }
  return n;
}

const count = (db: SqlDatabase, table: string) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;

describe('damage repaired at start', () => {
  it('a full-text index that lost entries is rebuilt in place from the rows: 60 of 60 found, nothing moved aside', () => {
    realDatabase();
    const { db: raw } = openDatabase(path, { log: memoryLogger(), clock, runQuickCheck: false });
    // Index entries of a third of the chunks removed behind the content table's back: pages stay valid.
    raw.exec(`INSERT INTO chunks_fts (chunks_fts, rowid, text, parts) SELECT 'delete', id, text, parts FROM chunk_docs WHERE id % 3 = 0`);
    expect(findable(raw)).toBeLessThan(MEMORIES);
    raw.close();
    const log = memoryLogger();
    const { db, quarantined, repair } = open(log);
    expect(quarantined).toBeNull();
    expect(repair).toMatchObject({ kind: 'rebuilt', found: expect.stringContaining('fts chunks_fts'), saved: { memories: MEMORIES, jobs: 20 }, lost: { memories: 0, jobs: 0 }, movedTo: null });
    expect(findable(db)).toBe(MEMORIES);
    expect(log.lines.some((l) => l.includes('repaired the database in place'))).toBe(true);
    db.close();
  });

  // Garbled pages of a derived b-tree cannot be freed in place (SQLite must read a page to free
  // it), so the file is rewritten: every row copied, the derived data rebuilt, nothing lost.
  it('garbled index pages lose nothing: every memory and job is kept and found', () => {
    realDatabase();
    const names = new Set(indexNames());
    const pages = pagesOf((n) => names.has(n)).map((p) => p.pageno);
    expect(pages.length).toBeGreaterThan(3);
    garblePages(pages);
    const { db, repair } = open();
    expect(repair).toMatchObject({ saved: { memories: MEMORIES, jobs: 20 }, lost: { memories: 0, jobs: 0 } });
    expect(findable(db)).toBe(MEMORIES);
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    db.close();
  });

  it('garbled full-text index pages lose nothing: 60 of 60 memories still found', () => {
    realDatabase();
    const pages = pagesOf((n) => /^chunks_fts_(data|idx|docsize)$/.test(n) || n === 'vocabulary').map((p) => p.pageno);
    garblePages(pages);
    const { db, repair } = open();
    expect(repair).toMatchObject({ saved: { memories: MEMORIES, jobs: 20 }, lost: { memories: 0, jobs: 0 } });
    expect(findable(db)).toBe(MEMORIES);
    expect(db.prepare('SELECT count(*) AS n FROM vocabulary').get()).not.toEqual({ n: 0 });
    db.close();
  });

  it('a few damaged pages of the memories table lose only their rows: the rest is salvaged into a fresh file and counted', () => {
    realDatabase();
    const leaves = pagesOf((n) => n === 'memories', 'leaf');
    expect(leaves.length).toBeGreaterThan(3);
    const damaged = [leaves[1]!, leaves[3]!];
    const onDamaged = damaged.reduce((n, p) => n + p.ncell, 0);
    garblePages(damaged.map((p) => p.pageno));
    const log = memoryLogger();
    const { db, quarantined, repair } = open(log);
    expect(quarantined?.movedTo).toMatch(/dormouse\.db\.corrupt-/);
    expect(repair).toMatchObject({
      kind: 'salvaged',
      saved: { memories: MEMORIES - onDamaged, jobs: 20 },
      lost: { memories: onDamaged, jobs: 0 },
      movedTo: quarantined!.movedTo,
    });
    expect(count(db, 'memories')).toBe(MEMORIES - onDamaged);
    // Every saved memory is found by its word again (its chunks and index came along).
    expect(findable(db)).toBe(MEMORIES - onDamaged);
    expect(db.prepare('SELECT count(*) AS n FROM memory_chunks WHERE memory_id NOT IN (SELECT id FROM memories)').get()).toEqual({ n: 0 });
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(log.lines.some((l) => l.includes(`${MEMORIES - onDamaged} memories saved, ${onDamaged} lost`))).toBe(true);
    db.close();
  });

  // Since migration 005 a memory's content lives only in its chunks: a memory whose chunk sat on
  // the damaged page cannot give its content back whole, so it is counted lost, never kept with a
  // hole that Restore would write into a file.
  it('a damaged page of the chunks table loses only the memories whose content it held; every other memory keeps its exact content', () => {
    realDatabase();
    const leaves = pagesOf((n) => n === 'chunks', 'leaf');
    expect(leaves.length).toBeGreaterThan(2);
    const onDamaged = leaves[1]!.ncell; // one chunk per memory here
    garblePages([leaves[1]!.pageno]);
    const log = memoryLogger();
    const { db, repair } = open(log);
    expect(repair).toMatchObject({ kind: 'salvaged', saved: { memories: MEMORIES - onDamaged, jobs: 20 }, lost: { memories: onDamaged, jobs: 0 } });
    expect(findable(db)).toBe(MEMORIES - onDamaged);
    const store = new MemoryStore(db, clock);
    for (const { id } of db.prepare('SELECT id FROM memories').all() as Array<{ id: number }>) {
      const memory = store.get(id)!;
      expect(contentHashOf(memory.content)).toBe((db.prepare('SELECT content_hash AS h FROM memories WHERE id = ?').get(id) as { h: string }).h);
    }
    expect(log.lines.some((l) => l.includes('part of their content sat on a damaged page'))).toBe(true);
    db.close();
  });

  it('a garbled header loses nothing: the rows are read through a rebuilt header', () => {
    realDatabase();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 0, 100);
    writeFileSync(path, bytes);
    const { db, repair } = open();
    expect(repair).toMatchObject({ kind: 'salvaged', saved: { memories: MEMORIES, jobs: 20 }, lost: { memories: 0, jobs: 0 } });
    expect(findable(db)).toBe(MEMORIES);
    db.close();
  });

  it('a clean database reports no repair', () => {
    realDatabase();
    const { db, quarantined, repair } = open();
    expect(quarantined).toBeNull();
    expect(repair).toBeNull();
    db.close();
  });
});
