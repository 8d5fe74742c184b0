// The start-up check and the in-place repair of derived data.
//
// Check: PRAGMA quick_check (every page's b-tree structure, O(file size), no index-to-table
// comparison), then the full-text index's own 'integrity-check' (with rank 1: also compared with
// its content table, chunks). When either fails, PRAGMA integrity_check (which also compares every
// index with its table) says more for the log. The caller decides when to check (open-database.ts).
//
// Repair in place: what is derived from the rows is rebuilt from them, never copied: REINDEX for
// every index, FTS5 'rebuild' for chunks_fts (an external-content index over chunks), and the
// vocabulary from the index. Then the check runs again; only a clean result counts as repaired.
// A rebuild that fails (the damage is in the rows it reads, or in pages it cannot free) leaves the
// file to salvage (salvage-database.ts).
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { isCorruptionError } from './damage-watch';
import type { SqlDatabase } from './sql';
import { rebuildVocabulary } from './vocabulary';
import { errorMessage } from '../../shared/error-message';

/** The full-text indexes and what rebuilds them. */
const FTS_TABLES = ['chunks_fts'] as const;
const MAX_REPORT_CHARS = 500;

/** null when the database checks clean, else what the check found (shortened). */
export function findDamage(db: SqlDatabase, { indexConsistency }: { indexConsistency: boolean }): string | null {
  const problems = pragmaProblems(db, 'quick_check');
  for (const table of indexConsistency ? existingFts(db) : []) {
    const fts = ftsProblem(db, table);
    if (fts) problems.push(fts);
  }
  if (problems.length === 0) return null;
  // The full check only on the repair path: it also finds index entries that do not match rows.
  let detail = problems;
  try {
    const full = pragmaProblems(db, 'integrity_check');
    if (full.length > 0) detail = [...full, ...problems.filter((p) => p.startsWith('fts'))];
  } catch {
    // quick_check's answer is enough to go on.
  }
  return shorten(detail);
}

/** Rows in a table, 0 when the schema has no such table (an older one). */
export function countRows(db: SqlDatabase, table: string): number {
  try {
    return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${table}"`).get()?.n ?? 0;
  } catch {
    return 0;
  }
}

/** Rebuilds every derived structure; returns what was rebuilt. Throws when a rebuild cannot read or free what it needs. */
export function rebuildDerived(db: SqlDatabase, log: Logger, clock: Clock): string[] {
  const started = clock.monotonicNow();
  db.exec('REINDEX');
  for (const table of existingFts(db)) db.prepare(`INSERT INTO ${table} (${table}) VALUES ('rebuild')`).run();
  const hasVocabulary = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'vocabulary'`).get()?.n === 1;
  const terms = hasVocabulary ? db.transaction(() => rebuildVocabulary(db)) : 0;
  log.info(`rebuilt the indexes, the full-text index and a vocabulary of ${terms} terms in ${((clock.monotonicNow() - started) / 1000).toFixed(1)} s`);
  return ['indexes', 'full-text index', 'vocabulary'];
}

/** The full-text indexes this schema version has (a database before migration 002 has none). */
function existingFts(db: SqlDatabase): string[] {
  return FTS_TABLES.filter((t) => db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM sqlite_schema WHERE name = ?`).get(t)?.n === 1);
}

function pragmaProblems(db: SqlDatabase, pragma: 'quick_check' | 'integrity_check'): string[] {
  const rows = db.pragma(pragma) as Array<Record<string, string>>;
  const lines = rows.map((r) => String(Object.values(r)[0]));
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines.map((l) => `${pragma}: ${l}`);
}

function ftsProblem(db: SqlDatabase, table: string): string | null {
  try {
    db.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`).run();
    return null;
  } catch (error) {
    // Only corruption is damage; anything else (a busy lock) is not ours to repair.
    if (isCorruptionError(error)) return `fts ${table}: ${errorMessage(error)}`;
    throw error;
  }
}

function shorten(lines: string[]): string {
  const text = lines.slice(0, 10).join('; ') + (lines.length > 10 ? `; … (${lines.length} problems)` : '');
  return text.length > MAX_REPORT_CHARS ? `${text.slice(0, MAX_REPORT_CHARS)}…` : text;
}
