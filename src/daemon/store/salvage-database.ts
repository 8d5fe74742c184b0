// Salvage: every readable row of a damaged database copied into a fresh one (already migrated),
// like sqlite3's `.recover` but through better-sqlite3. Each table is read in rowid order, a page of
// rows at a time; a read that fails falls back to one row, and a row that cannot be read is skipped
// by probing further rowids (doubling, then bisecting back), so one bad page costs only its rows.
// Only tables holding rows are copied (memories, chunks, jobs, whatever later migrations add);
// derived data (the full-text index, the vocabulary) is rebuilt from them afterwards.
//
// Lost rows are counted against the ids the damaged file still lists: its table walk and the
// rowids in every intact index of the table (an index can outlive a damaged table page). Rows whose
// ids no readable structure lists cannot be counted: then `lost` is a lower bound.
import Database from 'better-sqlite3';
import type { Logger } from '../../shared/logger';
import type { SqlDatabase } from './sql';
import type { Clock } from '../../shared/clock';
import { countRows, rebuildDerived } from './check-database';
import { restoreSalvagedContents } from './salvage-contents';

export interface SalvageCounts {
  /** Per copied table: rows saved and rows known lost. */
  tables: Record<string, { saved: number; lost: number }>;
  /** Memories whose rows were read but whose content could not be put back whole (counted lost in `tables`). */
  incomplete: number;
}

const PAGE_ROWS = 256;
const MIN_ROWID = -Number.MAX_SAFE_INTEGER;

type Row = Record<string, unknown> & { __rowid: number };

/** Copies every readable row of the database at `sourcePath` into `target` (fresh, migrated, same schema or newer). */
export function salvageInto(sourcePath: string, target: SqlDatabase, log: Logger, clock: Clock): SalvageCounts {
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
  const counts: SalvageCounts = { tables: {}, incomplete: 0 };
  try {
    target.pragma('foreign_keys = OFF'); // parents and children are copied in any order; orphans are removed after
    for (const table of rowTables(target)) {
      const columns = sharedColumns(source, target, table);
      if (columns === null) continue; // the damaged file has no such table (an older schema)
      counts.tables[table] = copyTable(source, target, table, columns);
    }
    const memories = counts.tables.memories;
    if (memories) {
      counts.incomplete = restoreSalvagedContents(source, target, clock);
      memories.saved -= counts.incomplete;
      memories.lost += counts.incomplete;
      if (counts.tables.chunks) counts.tables.chunks.saved = countRows(target, 'chunks');
    }
    const orphans = removeOrphans(target);
    for (const [table, n] of Object.entries(orphans)) {
      const c = counts.tables[table];
      if (c) {
        c.saved -= n;
        c.lost += n;
      }
    }
    target.pragma('foreign_keys = ON');
    rebuildDerived(target, log, clock);
  } finally {
    source.close();
  }
  return counts;
}

/** Ordinary rowid tables of the fresh schema: no virtual tables, no FTS shadow tables, no WITHOUT ROWID (the vocabulary, derived). */
function rowTables(db: SqlDatabase): string[] {
  const rows = db.pragma('table_list') as Array<{ schema: string; name: string; type: string; wr: number }>;
  return rows.filter((r) => r.schema === 'main' && r.type === 'table' && r.wr === 0 && !r.name.startsWith('sqlite_')).map((r) => r.name);
}

/**
 * The columns both schemas have, or null when the damaged file has no such table or lacks a column
 * the fresh one requires (an older layout of it, e.g. version 4's chunks: rebuilt from the
 * memories instead, salvage-contents.ts).
 */
function sharedColumns(source: Database.Database, target: SqlDatabase, table: string): string[] | null {
  let from: string[];
  try {
    from = (source.pragma(`table_info("${table}")`) as Array<{ name: string }>).map((c) => c.name);
  } catch {
    return null;
  }
  if (from.length === 0) return null;
  const to = target.pragma(`table_info("${table}")`) as Array<{ name: string; notnull: number; dflt_value: unknown; pk: number }>;
  if (to.some((c) => c.notnull === 1 && c.dflt_value === null && c.pk === 0 && !from.includes(c.name))) return null;
  const names = new Set(to.map((c) => c.name));
  return from.filter((c) => names.has(c));
}

function copyTable(source: Database.Database, target: SqlDatabase, table: string, columns: string[]): { saved: number; lost: number } {
  const list = columns.map((c) => `"${c}"`).join(', ');
  // Always `rowid >= x`: a seek for x lands in the page holding x (or the next one), never in a
  // damaged page before it, as `rowid > x - 1` would when x - 1 is that page's last row.
  const read = source.prepare(`SELECT rowid AS __rowid, ${list} FROM "${table}" WHERE rowid >= ? ORDER BY rowid LIMIT ?`);
  const insert = target.prepare(`INSERT INTO "${table}" (rowid, ${list}) VALUES (${['?', ...columns.map(() => '?')].join(', ')})`);
  const seen = new Set<number>();
  let saved = 0;
  const store = (rows: Row[]) => {
    target.transaction(() => {
      for (const row of rows) {
        seen.add(row.__rowid);
        try {
          insert.run(row.__rowid, ...columns.map((c) => row[c]));
          saved++;
        } catch {
          // A row whose bytes read back as values the schema refuses (STRICT types): lost, counted below.
        }
      }
    });
  };
  const readFrom = (from: number, limit: number): Row[] | null => {
    try {
      return read.all(from, limit) as Row[];
    } catch {
      return null;
    }
  };
  let from = MIN_ROWID;
  for (;;) {
    const rows = readFrom(from, PAGE_ROWS) ?? readFrom(from, 1);
    if (rows === null) {
      const next = firstReadableAfter(from, (x) => readFrom(x, 1) !== null);
      if (next === null) break;
      from = next;
      continue;
    }
    if (rows.length === 0) break;
    store(rows);
    from = rows[rows.length - 1]!.__rowid + 1;
  }
  const known = new Set(seen);
  for (const id of indexedRowids(source, table)) known.add(id);
  let lost = 0;
  for (const id of known) if (!seen.has(id)) lost++;
  // A row read but refused by the fresh schema is lost too.
  lost += seen.size - saved;
  return { saved, lost };
}

/** The smallest x > bad from which a read succeeds (rows or the end of the table), or null if none does. `bad`: a start known to fail. */
function firstReadableAfter(bad: number, readableFrom: (x: number) => boolean): number | null {
  let step = 1;
  let good: number;
  for (;;) {
    if (bad + step > Number.MAX_SAFE_INTEGER) return null;
    if (readableFrom(bad + step)) {
      good = bad + step;
      break;
    }
    bad += step;
    step *= 2;
  }
  while (good - bad > 1) {
    const mid: number = bad + Math.floor((good - bad) / 2);
    if (readableFrom(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Rowids listed by the table's full (not partial) indexes, read from the index alone. */
function indexedRowids(source: Database.Database, table: string): Set<number> {
  const ids = new Set<number>();
  let indexes: Array<{ name: string; partial: number }>;
  try {
    indexes = source.pragma(`index_list("${table}")`) as Array<{ name: string; partial: number }>;
  } catch {
    return ids;
  }
  for (const index of indexes) {
    if (index.partial) continue;
    try {
      const stmt = source.prepare(`SELECT rowid AS id FROM "${table}" INDEXED BY "${index.name}"`);
      for (const row of stmt.iterate() as Iterable<{ id: number }>) ids.add(row.id);
    } catch {
      // A damaged index: the ids it gave before failing are kept.
    }
  }
  return ids;
}

/** Rows whose parent was lost (a chunk of a lost memory) are deleted: per table, how many. */
function removeOrphans(db: SqlDatabase): Record<string, number> {
  const rows = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number }>;
  const removed: Record<string, number> = {};
  db.transaction(() => {
    for (const r of rows) {
      db.prepare(`DELETE FROM "${r.table}" WHERE rowid = ?`).run(r.rowid);
      removed[r.table] = (removed[r.table] ?? 0) + 1;
    }
  });
  return removed;
}
