// Applies pending shared-schema migrations in order. Each runs in one transaction with its row in
// dormouse.schema_migrations, under a transaction advisory lock, so two daemons (or a daemon and
// `store init`) starting together apply each migration once and a failure leaves the previous
// version intact.
import type { ClientBase } from 'pg';
import type { SharedMigration } from './migration';

/** Arbitrary but fixed: the advisory lock every Dormouse migrator takes. */
const MIGRATE_LOCK = 0x646f726d; // "dorm"

export class SharedSchemaTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(`the shared store's schema is version ${found}, newer than this Dormouse supports (${supported}): upgrade Dormouse`);
    this.name = 'SharedSchemaTooNewError';
  }
}

/** The schema's version: 0 when the database has no Dormouse schema yet. */
export async function sharedSchemaVersion(client: ClientBase): Promise<number> {
  // Two statements: a query naming a missing table fails at parse time, whatever CASE says.
  const present = await client.query("SELECT 1 FROM pg_class WHERE oid = to_regclass('dormouse.schema_migrations')");
  if (!present.rowCount) return 0;
  const r = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM dormouse.schema_migrations');
  return Number(r.rows[0]?.v ?? 0);
}

async function ensureBookkeeping(client: ClientBase): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS dormouse;
    CREATE TABLE IF NOT EXISTS dormouse.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
}

async function applyOne(client: ClientBase, m: SharedMigration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    const done = await client.query('SELECT 1 FROM dormouse.schema_migrations WHERE version = $1', [m.version]);
    if (done.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query(m.sql);
    await client.query('INSERT INTO dormouse.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export interface SharedMigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export async function migrateShared(client: ClientBase, migrations: readonly SharedMigration[]): Promise<SharedMigrationResult> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`shared migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const from = await sharedSchemaVersion(client);
  if (from > migrations.length) throw new SharedSchemaTooNewError(from, migrations.length);
  const applied: string[] = [];
  if (from < migrations.length) {
    await ensureBookkeeping(client);
    for (const m of migrations.slice(from)) if (await applyOne(client, m)) applied.push(`${m.version}-${m.name}`);
  }
  return { from, to: migrations.length, applied };
}
