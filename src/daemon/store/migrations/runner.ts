// Applies pending migrations in order, each inside one transaction together with the
// PRAGMA user_version bump, so a crash mid-migration leaves the previous version intact.
import { type Clock, RealClock } from '../../../shared/clock';
import type { Logger } from '../../../shared/logger';
import type { SqlDatabase } from '../sql';
import type { Migration } from './migration';

/** The database was written by a newer Dormouse: opening it could corrupt data we don't understand. */
export class DatabaseTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(
      `database schema version ${found} is newer than this Dormouse supports (${supported}); ` +
        `upgrade Dormouse or point it at another data dir`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export function userVersion(db: SqlDatabase): number {
  const rows = db.pragma('user_version') as Array<{ user_version: number }>;
  return rows[0]?.user_version ?? 0;
}

export interface MigrationResult {
  from: number;
  to: number;
}

/** `clock` times the progress lines of long migrations; callers that do not read those may leave it out. */
export function migrate(db: SqlDatabase, migrations: readonly Migration[], log: Logger, clock: Clock = new RealClock()): MigrationResult {
  migrations.forEach((m, i) => {
    // A gap or reorder would silently skip a migration on some installs.
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const from = userVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(m.sql);
      m.run?.(db, log, clock);
      db.pragma(`user_version = ${m.version}`);
    });
    log.info(`migrated database to version ${m.version} (${m.name})`);
  }
  return { from, to: latest };
}
