// `dormouse store init` and a daemon's own init: create or migrate the shared schema as the role
// of the URL, with row-level security (migration 002), then the team role and its members.
// Idempotent: a second run applies nothing and re-grants harmlessly.
import pg from 'pg';
import { SHARED_MIGRATIONS } from './migrations';
import { type SharedMigrationResult, migrateShared } from './migrations/runner';
import { type PasswordSources, poolConfig } from './store-url';
import { TEAM_ROLE, ensureTeamRole, grantTeam, roleExists } from './team-role';

export interface InitOptions extends PasswordSources {
  url: string;
  /** Roles to make members of the team role (`--grant ROLE`). */
  grants: readonly string[];
}

export interface InitResult extends SharedMigrationResult {
  /** Whether dormouse_team exists and holds the table rights (false: this role may not create roles and no --grant was asked). */
  teamRole: boolean;
  granted: string[];
}

export class MissingRoleError extends Error {
  readonly code = '42704';
  constructor(role: string) {
    super(`role ${role} does not exist (create it first: CREATE ROLE ${role} LOGIN PASSWORD '…')`);
  }
}

export async function initSharedStore(opts: InitOptions): Promise<InitResult> {
  const client = new pg.Client(poolConfig(opts.url, opts));
  await client.connect();
  try {
    const migrated = await migrateShared(client, SHARED_MIGRATIONS);
    let teamRole = false;
    try {
      await ensureTeamRole(client);
      teamRole = true;
    } catch (err) {
      // The single-user case: an owner without CREATEROLE needs no team. Asked to grant, it must.
      if ((err as { code?: string }).code !== '42501' || opts.grants.length > 0) throw err;
    }
    const granted: string[] = [];
    for (const role of opts.grants) {
      if (!(await roleExists(client, role))) throw new MissingRoleError(role);
      await grantTeam(client, role);
      granted.push(role);
    }
    return { ...migrated, teamRole, granted };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export { TEAM_ROLE };
