// The team role: dormouse_team (NOLOGIN) holds the rights a daemon needs on the shared schema, and
// membership in it is what makes rows marked shared visible (migration 002). One SQL operation per
// function; role names are quoted with escapeIdentifier, never spliced in raw.
import { type ClientBase, escapeIdentifier } from 'pg';

export const TEAM_ROLE = 'dormouse_team';

/** Creates dormouse_team when missing (needs CREATEROLE) and grants it the daemon's table rights. */
export async function ensureTeamRole(client: ClientBase): Promise<void> {
  await client.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEAM_ROLE}') THEN CREATE ROLE ${TEAM_ROLE} NOLOGIN; END IF;
  END $$;
  GRANT USAGE ON SCHEMA dormouse TO ${TEAM_ROLE};
  GRANT SELECT ON dormouse.schema_migrations TO ${TEAM_ROLE};
  GRANT SELECT, INSERT, UPDATE, DELETE ON dormouse.memories TO ${TEAM_ROLE};
  GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA dormouse TO ${TEAM_ROLE}`);
}

/** Whether a role of that name exists (a clear error before GRANT's own). */
export async function roleExists(client: ClientBase, role: string): Promise<boolean> {
  const r = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  return (r.rowCount ?? 0) > 0;
}

/** Makes `role` a member of the team: it may use the store and read what the team shares. */
export async function grantTeam(client: ClientBase, role: string): Promise<void> {
  await client.query(`GRANT ${TEAM_ROLE} TO ${escapeIdentifier(role)}`);
}
