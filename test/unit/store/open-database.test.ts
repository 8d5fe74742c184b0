import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { MIGRATIONS } from '../../../src/daemon/store/migrations';
import { DatabaseTooNewError, migrate, userVersion } from '../../../src/daemon/store/migrations/runner';
import { openDatabase } from '../../../src/daemon/store/open-database';
import { memoryLogger } from '../../../src/shared/logger';

let dir: string;
let path: string;
const clock = new ManualClock(Date.UTC(2026, 2, 4, 5, 6, 7, 890));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-'));
  path = join(dir, 'nested', 'dormouse.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(runQuickCheck = false, log = memoryLogger()) {
  return openDatabase(path, { log, clock, runQuickCheck });
}

/** A real database with enough rows to span many pages, closed cleanly. */
function realDatabase(): void {
  const { db } = open();
  const insert = db.prepare<[string]>(`INSERT INTO jobs (kind, payload, max_attempts, next_run_at, created_at, updated_at) VALUES ('capture', ?, 1, 0, 0, 0)`);
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run(JSON.stringify({ type: 'text', text: `row ${i} ${'x'.repeat(200)}` }));
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function garble(from: number, to: number): void {
  const bytes = readFileSync(path);
  bytes.fill(0x5a, from, Math.min(to, bytes.length));
  writeFileSync(path, bytes);
}

describe('openDatabase', () => {
  it('a new database is created with its folder, WAL and the pragmas set', () => {
    const { db, quarantined } = open();
    expect(quarantined).toBeNull();
    expect(db.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(db.pragma('synchronous')).toEqual([{ synchronous: 1 }]); // NORMAL
    expect(db.pragma('foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    expect(db.pragma('secure_delete')).toEqual([{ secure_delete: 1 }]);
    expect((db.pragma('busy_timeout') as Array<Record<string, number>>)[0]).toEqual({ timeout: 5_000 });
    db.close();
  });

  it('migrations run once and are recorded in user_version', () => {
    const log = memoryLogger();
    const first = open(false, log).db;
    expect(userVersion(first)).toBe(MIGRATIONS.length);
    first.close();
    const applied = log.lines.filter((l) => l.includes('migrated database')).length;
    expect(applied).toBe(MIGRATIONS.length);
    open(false, log).db.close();
    expect(log.lines.filter((l) => l.includes('migrated database')).length).toBe(applied);
  });

  it('statements are counted', () => {
    const { db } = open();
    const before = db.statements;
    db.prepare('SELECT 1').get();
    db.exec('SELECT 1; SELECT 2');
    expect(db.statements - before).toBe(3);
    db.close();
  });

  it('a database from a newer version is refused', () => {
    open().db.close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => open()).toThrow(DatabaseTooNewError);
    expect(() => open()).toThrow(/newer than this Dormouse supports/);
    // Refused, not quarantined: the file is someone's good data.
    expect(readdirSync(join(dir, 'nested')).filter((n) => n.includes('corrupt'))).toEqual([]);
  });

  it('a database with a garbled header is moved aside and every row is salvaged into a fresh one', () => {
    realDatabase();
    garble(0, 100); // the header: not a database any more
    writeFileSync(`${path}-wal`, 'junk wal');
    const log = memoryLogger();
    const { db, quarantined } = open(false, log);
    const movedTo = `${path}.corrupt-2026-03-04T05-06-07.890Z`;
    expect(quarantined).toEqual({ movedTo, reason: expect.stringContaining('SQLITE_NOTADB'), at: '2026-03-04T05:06:07.890Z' });
    expect(existsSync(movedTo)).toBe(true);
    expect(readFileSync(`${movedTo}-wal`, 'utf8')).toBe('junk wal');
    expect(db.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 2_000 });
    expect(log.lines.filter((l) => l.includes('ERROR') && l.includes(movedTo)).length).toBeGreaterThanOrEqual(1);
    db.close();
  });

  it('a database whose schema cannot be read is moved aside', () => {
    realDatabase();
    garble(100, 4_096); // page 1 after the header: sqlite_schema
    const { db, quarantined } = open();
    expect(quarantined?.reason).toMatch(/SQLITE_CORRUPT/);
    db.close();
  });

  it('broken data pages are caught by quick_check when the caller asks for it', () => {
    realDatabase();
    garble(4_096, 3 * 4_096);
    const unchecked = open(false);
    expect(unchecked.quarantined).toBeNull(); // too expensive to find on every start
    unchecked.db.close();
    const checked = open(true);
    expect(checked.quarantined?.reason).toMatch(/^(quick|integrity)_check: /);
    expect(checked.repair).toMatchObject({ kind: 'salvaged', saved: { jobs: expect.any(Number) } });
    expect(userVersion(checked.db)).toBe(MIGRATIONS.length);
    checked.db.close();
  });

  it('a failing migration leaves the previous version intact', () => {
    const { db } = open();
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM missing' }];
    expect(() => migrate(db, broken, memoryLogger())).toThrow(/missing/);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('migrations out of order are refused', () => {
    const { db } = open();
    expect(() => migrate(db, [MIGRATIONS[1]!, MIGRATIONS[0]!], memoryLogger())).toThrow(/expected 1/);
    db.close();
  });
});
