// A daemon meeting a database without the current schema: it runs the init itself when its role
// may (the single user who owns the database), else it says what to run. Nothing is lost
// meanwhile: captures keep committing locally and wait in the outbox.
import type { ClientBase } from 'pg';
import { SHARED_MIGRATIONS } from './migrations';
import { migrateShared, sharedSchemaVersion } from './migrations/runner';
import { ensureTeamRole } from './team-role';
import { NOT_INITIALISED } from '../../shared/store-status';

export class StoreNotInitialisedError extends Error {
  readonly configuration = true;
  constructor(detail: string) {
    super(`${NOT_INITIALISED}: run \`dormouse store init --url URL\` as the database's owner or an admin (${detail})`);
    this.name = 'StoreNotInitialisedError';
  }
}

export async function ensureSharedSchema(client: ClientBase): Promise<void> {
  if ((await sharedSchemaVersion(client)) === SHARED_MIGRATIONS.length) return;
  try {
    await migrateShared(client, SHARED_MIGRATIONS);
  } catch (err) {
    if ((err as { code?: string }).code === '42501') throw new StoreNotInitialisedError((err as Error).message);
    throw err;
  }
  await ensureTeamRole(client).catch(() => undefined); // no CREATEROLE: nothing is shared, which is the single-user case
}
