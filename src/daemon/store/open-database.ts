// Opens (or creates) the daemon's SQLite database. A damaged file must not keep the daemon from
// starting, nor cost the user what is still readable in it:
// - damage only in derived data (indexes, the full-text index, the vocabulary) is rebuilt in place
//   from the rows (check-database.ts): nothing lost, reported as a repair;
// - any other damage: the file is moved aside (never deleted; the user may want to recover it), a
//   fresh one takes its place, and every readable row is salvaged into it (salvage-database.ts),
//   with counts saved and lost in the status and the log.
// Only corruption is handled this way; any other failure (permissions, a busy lock, a database
// from a newer version) propagates, because moving a healthy file aside would lose data.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../../shared/clock';
import type { RepairReport } from '../../shared/status';
import { countRows, findDamage, rebuildDerived } from './check-database';
import { isCorruptionError } from './damage-watch';
import { MIGRATIONS } from './migrations';
import { copyWithRebuiltHeader } from './repair-header';
import { salvageInto } from './salvage-database';
import { tornWalTail } from './torn-wal';
import { migrate } from './migrations/runner';
import { SqlDatabase } from './sql';

export interface Quarantine {
  movedTo: string;
  reason: string;
  /** ISO-8601. */
  at: string;
}

export interface OpenDatabaseOptions {
  log: Logger;
  clock: Clock;
  /** PRAGMA quick_check reads every page (seconds on a large file): the caller asks for it after an unclean shutdown or for small files. */
  runQuickCheck: boolean;
  /**
   * With the quick check, also FTS5's integrity-check, which recomputes every chunk's index terms
   * (about 6x the quick check here): it finds an index that disagrees with its rows, which only an
   * interrupted write leaves, so the daemon asks for it after an unclean shutdown. Garbled pages
   * of the index fail the quick check itself. Default: with the quick check.
   */
  checkIndexConsistency?: boolean;
}

export interface OpenedDatabase {
  db: SqlDatabase;
  quarantined: Quarantine | null;
  /** What was repaired at this open (rebuilt in place, or salvaged into a fresh file), or null. */
  repair: RepairReport | null;
}

/** Raised for a file that is not a usable database; anything else is not ours to fix. */
class CorruptDatabaseError extends Error {}

/** A corrupt file, with its connection still open (see quarantine for why). */
class CorruptOpen {
  constructor(readonly reason: string, readonly db: SqlDatabase) {}
}

function isCorruption(error: unknown): boolean {
  return error instanceof CorruptDatabaseError || isCorruptionError(error);
}

export function openDatabase(path: string, opts: OpenDatabaseOptions): OpenedDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const torn = tornWalTail(path);
  if (torn) opts.log.warn(torn);
  let quarantined: Quarantine;
  try {
    const opened = openChecked(path, opts);
    return { db: opened.db, quarantined: null, repair: opened.repair };
  } catch (error) {
    if (!(error instanceof CorruptOpen)) throw error;
    quarantined = quarantine(path, error, opts);
  }
  // A fresh file: if this one fails too, the problem is not the old file; let it propagate.
  try {
    const { db } = openChecked(path, { ...opts, runQuickCheck: false });
    return { db, quarantined, repair: salvage(quarantined, db, opts) };
  } catch (error) {
    if (error instanceof CorruptOpen) {
      error.db.close();
      throw new Error(`a fresh database at ${path} is corrupt too (${error.reason})`, { cause: error });
    }
    throw error;
  }
}

/** The first schema version whose daemons ran with secure_delete: older stores' free pages may hold deleted text. */
const SECURE_DELETE_SINCE_VERSION = 4;

/**
 * Once, after migrating a store written without secure_delete: pages freed back then (old merges,
 * prunes, deletes) may still hold deleted text, in the free list or in the unused parts of pages
 * the migration reused, and secure_delete only zeroes what is freed from now on. VACUUM rewrites
 * the whole file from the live rows. The cost is one copy of the file, inside the start the daemon
 * already announced as slow (slowOpenReason).
 */
function zeroOldFreePages(db: SqlDatabase, log: Logger): void {
  db.exec('VACUUM');
  log.info('vacuumed the migrated database: space freed before secure_delete was on is rewritten away');
}

/** The first schema version that stores each chunk once (migration 005): migrating to it frees most of the file. */
const CHUNKS_ONCE_SINCE_VERSION = 5;

/**
 * Once, after migration 005: the old layout's pages (every content twice, the old index) are free
 * but still part of the file; VACUUM gives them back to the file system.
 */
function shrinkToNewLayout(db: SqlDatabase, log: Logger): void {
  db.exec('VACUUM');
  log.info('vacuumed the migrated database: the space of the old layout (each content stored twice) is given back');
}

function openChecked(path: string, opts: OpenDatabaseOptions): { db: SqlDatabase; repair: RepairReport | null } {
  const db = new SqlDatabase(new Database(path));
  let repair: RepairReport | null = null;
  try {
    // Free pages go back to the file system at each commit instead of piling up in the file (the
    // FTS index frees pages at every segment merge: ~25 % of a store's file). Takes effect only on
    // a database with no pages yet (so before WAL mode writes the header), or at the next VACUUM (the one after migration 005).
    db.pragma('auto_vacuum = FULL');
    // The first read of the header happens here: garbage there throws SQLITE_NOTADB.
    const mode = db.pragma('journal_mode = WAL') as Array<{ journal_mode: string }>;
    if (mode[0]?.journal_mode !== 'wal') throw new Error(`could not enable WAL (journal_mode is ${mode[0]?.journal_mode})`);
    db.pragma('synchronous = NORMAL'); // durable across process crashes; WAL makes it safe.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros, not left in free space: a forget must leave the disk (forget.ts).
    db.pragma('secure_delete = ON');
    // Reading the schema parses page 1 and every CREATE statement: a broken page 1 throws here.
    db.prepare('SELECT count(*) AS n FROM sqlite_schema').get();
    if (opts.runQuickCheck) repair = repairInPlace(db, opts);
    const migrated = migrate(db, MIGRATIONS, opts.log.child('migrate'), opts.clock);
    if (migrated.from > 0 && migrated.from < SECURE_DELETE_SINCE_VERSION) zeroOldFreePages(db, opts.log);
    else if (migrated.from > 0 && migrated.from < CHUNKS_ONCE_SINCE_VERSION) shrinkToNewLayout(db, opts.log);
    return { db, repair };
  } catch (error) {
    if (isCorruption(error)) throw new CorruptOpen(describe(error), db);
    db.close();
    throw error;
  }
}

/** Checks the file; damage that a rebuild of derived data clears is repaired here, any other is thrown as corruption. */
function repairInPlace(db: SqlDatabase, { log, clock, checkIndexConsistency }: OpenDatabaseOptions): RepairReport | null {
  const found = findDamage(db, { indexConsistency: checkIndexConsistency ?? true });
  if (!found) return null;
  log.warn(`database check found damage (${found}); rebuilding derived data (indexes, full-text index, vocabulary) from the rows`);
  let rebuilt: string[];
  let after: string | null;
  try {
    rebuilt = rebuildDerived(db, log, clock);
    after = findDamage(db, { indexConsistency: true });
  } catch (error) {
    after = describe(error);
    rebuilt = [];
  }
  if (after) throw new CorruptDatabaseError(`${found} (a rebuild of derived data did not clear it: ${after})`);
  const saved = { memories: countRows(db, 'memories'), jobs: countRows(db, 'jobs') };
  log.warn(`repaired the database in place: ${rebuilt.join(', ')} rebuilt; all ${saved.memories} memories and ${saved.jobs} jobs kept`);
  return { kind: 'rebuilt', at: new Date(clock.now()).toISOString(), found, rebuilt, saved, lost: { memories: 0, jobs: 0 }, movedTo: null };
}

/**
 * Copies every readable row of the quarantined file into the fresh database. A garbled header is
 * read through a copy with a rebuilt one (repair-header.ts); a file whose schema cannot be read at
 * all yields nothing, as before salvage existed: a fresh database, the old file kept aside.
 */
function salvage(quarantined: Quarantine, db: SqlDatabase, { log, clock }: OpenDatabaseOptions): RepairReport {
  const at = new Date(clock.now()).toISOString();
  const copy = `${quarantined.movedTo}.salvage`;
  let tables: Record<string, { saved: number; lost: number }> = {};
  try {
    let source = quarantined.movedTo;
    if (!schemaReadable(source)) {
      copyWithRebuiltHeader(source, copy);
      source = copy;
    }
    const counts = salvageInto(source, db, log, clock);
    tables = counts.tables;
    if (counts.incomplete > 0) log.warn(`${counts.incomplete} memorie(s) were read but part of their content sat on a damaged page; they are counted lost`);
  } catch (error) {
    log.error(`salvage of ${quarantined.movedTo} failed: ${describe(error)}`);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
  }
  const saved = { memories: tables.memories?.saved ?? 0, jobs: tables.jobs?.saved ?? 0 };
  const lost = { memories: tables.memories ? tables.memories.lost : null, jobs: tables.jobs ? tables.jobs.lost : null };
  const lostText = (n: number | null) => (n === null ? 'an unknown number' : String(n));
  log.error(
    `salvaged the damaged database into a fresh one: ${saved.memories} memories saved, ${lostText(lost.memories)} lost; ` +
      `${saved.jobs} jobs saved, ${lostText(lost.jobs)} lost; the damaged file is kept at ${quarantined.movedTo}`,
  );
  return { kind: 'salvaged', at, found: quarantined.reason, rebuilt: ['indexes', 'full-text index', 'vocabulary'], saved, lost, movedTo: quarantined.movedTo };
}

function schemaReadable(path: string): boolean {
  try {
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    try {
      probe.prepare('SELECT count(*) FROM sqlite_schema').get();
      return true;
    } finally {
      probe.close();
    }
  } catch {
    return false;
  }
}

/**
 * Moves the corrupt file and its -wal/-shm aside while the connection is still open: closing
 * first would let SQLite delete a -wal it cannot make sense of, losing what a recovery tool might
 * still read. (Windows cannot rename open files: there it closes first and moves what is left.)
 */
function quarantine(path: string, corrupt: CorruptOpen, { log, clock }: OpenDatabaseOptions): Quarantine {
  const at = new Date(clock.now()).toISOString();
  const stamp = at.replace(/:/g, '-'); // ':' is not allowed in Windows file names.
  let movedTo = `${path}.corrupt-${stamp}`;
  for (let n = 2; existsSync(movedTo); n++) movedTo = `${path}.corrupt-${stamp}-${n}`;
  const moveAll = () => {
    // The -wal travels with its file under the matching name, so SQLite can still read the pair.
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
    }
  };
  try {
    moveAll();
    corrupt.db.close();
  } catch {
    corrupt.db.close();
    moveAll();
  }
  log.error(`database ${path} is corrupt (${corrupt.reason}); moved it aside to ${movedTo} and started a fresh one`);
  return { movedTo, reason: corrupt.reason, at };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Why opening this file will take long, or null: migrations pending (migration 004 reindexes every
 * chunk, ~40 s per 100k chunks here), or a quick check of a large file. Read from the file's
 * header through a read-only connection, before the real open, so the daemon can tell its starter
 * first (a starter that hears nothing kills a daemon that is not ready within seconds).
 */
export function slowOpenReason(path: string, opts: { runQuickCheck: boolean; largeFile: boolean }): string | null {
  if (!existsSync(path)) return null;
  let version: number;
  try {
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    try {
      version = Number(probe.pragma('user_version', { simple: true }));
    } finally {
      probe.close();
    }
  } catch {
    // Unreadable (a garbled header): the real open salvages what it can, which reads the whole
    // file (about 6 s per 64 MB here), so a large one is announced.
    return opts.largeFile ? 'repairing a damaged database (copying every readable memory into a fresh one)' : null;
  }
  if (version < MIGRATIONS.length) return `migrating the database from version ${version} to ${MIGRATIONS.length} (reindexing memories)`;
  if (opts.runQuickCheck && opts.largeFile) return 'checking the database after an unclean shutdown (and repairing it if it is damaged)';
  return null;
}
