import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishInterruptedPurge, forget, folderRange } from '../../../src/daemon/store/forget';
import { MemoryStore, type NewMemory } from '../../../src/daemon/store/memory-store';
import { openDatabase } from '../../../src/daemon/store/open-database';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../src/daemon/store/migrations';
import { migrate } from '../../../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../../../src/daemon/store/sql';
import { searchMemories } from '../../helpers/search-memories';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';

let dir: string;
let path: string;
let db: SqlDatabase;
let store: MemoryStore;
const clock = new ManualClock(Date.UTC(2026, 4, 1));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-forget-'));
  path = join(dir, 'dormouse.db');
  db = openDatabase(path, { log: memoryLogger(), clock, runQuickCheck: false }).db;
  store = new MemoryStore(db, clock);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A 40-character token no other text in the database shares. */
const token = () => `tok${randomBytes(20).toString('hex').slice(0, 37)}`;

let seq = 0;
function mem(content: string, over: Partial<NewMemory> = {}): NewMemory {
  seq++;
  return {
    kind: 'text', path: null, title: `note ${seq}`, language: null, note: null, exitCode: null, content,
    contentHash: `h${seq}`, capturedAt: Date.UTC(2026, 3, 1) + seq * 1000, ...over,
  };
}

/** A finished capture job whose payload still holds the text (as jobs finished before payloads were blanked at completion). */
function doneCaptureJob(payload: object, createdAt = clock.now()): number {
  return Number(
    db.prepare<[string, number, number, number]>(
      `INSERT INTO jobs (kind, payload, state, max_attempts, next_run_at, created_at, updated_at, completed_at)
       VALUES ('capture', ?, 'done', 1, 0, ?, ?, ?)`,
    ).run(JSON.stringify(payload), createdAt, createdAt, createdAt).lastInsertRowid,
  );
}

/** The raw bytes of the database file and its -wal, as text (latin1 keeps every byte). */
function onDisk(): string {
  return [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

const recall = (q: string) => searchMemories(db, { query: q, limit: 200 }).map((h) => h.id);

describe('forget', () => {
  it('a forgotten memory leaves the disk: rows, index segments, freed pages, the WAL and job payloads', () => {
    const secret = token();
    const keep = token();
    // Several index segments: the forgotten terms sit in an old one, as after days of captures.
    const keptIds = Array.from({ length: 30 }, (_, i) => store.insert(mem(`kept memory ${i} ${keep}\n`.repeat(20))));
    const id = store.insert(mem(`line one\nthe forgotten ${secret} line\n`.repeat(5)));
    doneCaptureJob({ type: 'text', text: `the forgotten ${secret} line` });
    store.insert(mem(`later ${keep}`));
    expect(onDisk()).toContain(secret);

    const outcome = forget(db, { id });

    expect(outcome).toMatchObject({ forgotten: 1, payloadsBlanked: 1, checkpointed: true });
    expect(onDisk()).not.toContain(secret);
    expect(onDisk()).toContain(keep);
    expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0);
    expect(recall(secret)).toEqual([]);
    expect(recall(keep)).toHaveLength(31);
    expect(keptIds.every((k) => store.get(k) !== null)).toBe(true);
  });

  it('forget by path takes the file and everything under the folder, not a sibling sharing its prefix', () => {
    const t = token();
    const a = store.insert(mem(`a ${t}`, { kind: 'file', path: '/p/app' }));
    const b = store.insert(mem(`b ${t}`, { kind: 'file', path: '/p/app/src/b.ts' }));
    const c = store.insert(mem(`c ${t}`, { kind: 'terminal', path: '/p/app/tools' }));
    const sibling = store.insert(mem(`d ${t}`, { kind: 'file', path: '/p/apple/d.ts' }));
    const other = store.insert(mem(`e ${t}`));
    const inside = doneCaptureJob({ type: 'selection', path: '/p/app/src/b.ts', text: `b ${t}` });
    const terminal = doneCaptureJob({ type: 'terminal', commandLine: `echo ${t}`, cwd: '/p/app/tools' });
    const outside = doneCaptureJob({ type: 'file', path: '/p/apple/d.ts', content: `d ${t}` });

    expect(forget(db, { path: '/p/app/' }).forgotten).toBe(3);

    expect([a, b, c].map((id) => store.get(id))).toEqual([null, null, null]);
    expect(recall(t).sort()).toEqual([sibling, other].sort());
    const payload = (id: number) => db.prepare<[number], { payload: string }>('SELECT payload FROM jobs WHERE id = ?').get(id)!.payload;
    expect([payload(inside), payload(terminal)]).toEqual(['{}', '{}']);
    expect(payload(outside)).toContain(t);
  });

  it('forget before a time takes what was captured earlier, and the done jobs of that time', () => {
    const cut = Date.UTC(2026, 3, 10);
    const old = store.insert(mem('old one', { capturedAt: cut - 1 }));
    const recent = store.insert(mem('recent one', { capturedAt: cut }));
    const oldJob = doneCaptureJob({ type: 'text', text: 'old one', capturedAt: cut - 1 });
    const newJob = doneCaptureJob({ type: 'text', text: 'recent one', capturedAt: cut });

    expect(forget(db, { before: cut })).toMatchObject({ forgotten: 1, payloadsBlanked: 1 });

    expect(store.get(old)).toBeNull();
    expect(store.get(recent)).not.toBeNull();
    const payloads = db.prepare<[], { id: number; payload: string }>('SELECT id, payload FROM jobs ORDER BY id').all();
    expect(payloads).toEqual([{ id: oldJob, payload: '{}' }, { id: newJob, payload: expect.stringContaining('recent one') }]);
  });

  it('forget all empties the memory and every finished capture payload, recall jobs untouched', () => {
    const t = token();
    for (let i = 0; i < 5; i++) store.insert(mem(`m ${i} ${t}`));
    doneCaptureJob({ type: 'text', text: t });
    db.prepare(`INSERT INTO jobs (kind, payload, state, max_attempts, next_run_at, created_at, updated_at) VALUES ('recall', '{"path":"/p/x"}', 'done', 1, 0, 0, 0)`).run();

    expect(forget(db, { all: true })).toMatchObject({ forgotten: 5, payloadsBlanked: 1 });

    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()!.n).toBe(0);
    expect(onDisk()).not.toContain(t);
    expect(db.prepare<[], { payload: string }>("SELECT payload FROM jobs WHERE kind = 'recall'").get()!.payload).toBe('{"path":"/p/x"}');
  });

  it('a forget cut short after its deletes (the purge marker left behind) is purged at the next start', () => {
    const secret = token();
    store.insert(mem(`kept ${token()}\n`.repeat(20)));
    const id = store.insert(mem(`the forgotten ${secret}\n`.repeat(5)));
    const marker = join(dir, 'forget-purge-pending');
    // The deletes commit, then the daemon dies before its purge: the old index segment keeps the word.
    writeFileSync(marker, '');
    db.prepare<[number]>('DELETE FROM memories WHERE id = ?').run(id);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(onDisk()).toContain(secret);

    expect(finishInterruptedPurge(db, marker)).toBe(true);
    expect(onDisk()).not.toContain(secret);
    expect(existsSync(marker)).toBe(false);
    expect(finishInterruptedPurge(db, marker)).toBe(false);
  });

  it('a finished forget leaves no purge marker', () => {
    const marker = join(dir, 'forget-purge-pending');
    const id = store.insert(mem(`note ${token()}`));
    forget(db, { id }, marker);
    expect(existsSync(marker)).toBe(false);
  });

  it('folderRange: a folder with or without its trailing separator, Windows paths, the root', () => {
    expect(folderRange('/p/app/')).toEqual({ path: '/p/app', dir: '/p/app/', dirEnd: '/p/app0' });
    expect(folderRange('/p/app')).toEqual({ path: '/p/app', dir: '/p/app/', dirEnd: '/p/app0' });
    expect(folderRange('C:\\code\\app\\')).toEqual({ path: 'C:\\code\\app', dir: 'C:\\code\\app\\', dirEnd: 'C:\\code\\app]' });
    expect(folderRange('/')).toEqual({ path: '/', dir: '/', dirEnd: '0' });
  });
});

describe('a store from before secure_delete', () => {
  it('text deleted before the upgrade leaves the file when the store is migrated (free pages vacuumed once)', () => {
    const oldPath = join(dir, 'old.db');
    const old = new SqlDatabase(new Database(oldPath));
    migrate(old, MIGRATIONS.slice(0, 3), memoryLogger());
    const secret = token();
    // Version 3 wrote without secure_delete: a deleted memory's pages keep its text.
    const content = Array.from({ length: 400 }, (_, i) => `line ${i} ${secret}`).join('\n');
    const id = Number(old.prepare<[string, number]>(
      `INSERT INTO memories (kind, path, title, content, content_hash, bytes, captured_at, updated_at) VALUES ('text', NULL, 't', ?, 'h', 1, ?, 0)`,
    ).run(content, 1).lastInsertRowid);
    old.pragma('secure_delete = OFF');
    old.prepare<[number]>('DELETE FROM memories WHERE id = ?').run(id);
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    expect(readFileSync(oldPath).toString('latin1')).toContain(secret); // the check below can see it

    const log = memoryLogger();
    openDatabase(oldPath, { log, clock, runQuickCheck: false }).db.close();
    expect(log.lines.filter((l) => /vacuumed the migrated database/.test(l))).toHaveLength(1);
    expect(readFileSync(oldPath).toString('latin1')).not.toContain(secret);
  });
});
