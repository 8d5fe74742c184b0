import type { SharedMigration } from './migration';

// Who sees what, enforced by Postgres: a role sees and writes its own rows (owner = current_user,
// across all its machines); a member of the team role dormouse_team also reads rows marked shared.
// FORCE applies the policies to the table's owner too (the single-user database owner is a normal
// user here). The team check looks the role up instead of naming it, so a database whose init
// could not create dormouse_team (no CREATEROLE) still works, with nothing shared.
// dormouse_team gets the table rights every daemon needs; `store init --grant ROLE` makes a role
// a member (grant.ts).
export const migration002RowSecurity: SharedMigration = {
  version: 2,
  name: 'row-security',
  sql: `
ALTER TABLE dormouse.memories ENABLE ROW LEVEL SECURITY;
ALTER TABLE dormouse.memories FORCE ROW LEVEL SECURITY;
CREATE POLICY memories_own ON dormouse.memories
  USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY memories_team_reads_shared ON dormouse.memories FOR SELECT
  USING (shared AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'dormouse_team' AND pg_has_role(current_user, r.oid, 'MEMBER')));
`,
};
