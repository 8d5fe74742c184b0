// The harness itself: a real server, reachable only on its private socket, counting statements
// and connections per role (what the hibernation tests rely on).
import pg from 'pg';
import { expect, test } from 'vitest';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();

test('a throw-away server counts a role\'s statements (pg_stat_statements) and connections (pg_stat_activity)', async () => {
  const s = server();
  await s.createRole('harness_a', 'pw-a');
  const db = await s.createDatabase();
  await s.admin('SELECT pg_stat_statements_reset()');
  const c = new pg.Client({ connectionString: s.url('harness_a', 'pw-a', db) });
  await c.connect();
  await c.query('SELECT 1');
  await c.query('SELECT 2');
  const open = await s.admin<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'harness_a'");
  expect(Number(open.rows[0]!.n)).toBe(1);
  await c.end();
  const calls = await s.admin<{ n: string }>(
    "SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'harness_a'",
  );
  expect(Number(calls.rows[0]!.n)).toBe(2);
});

test('a wrong password is refused by the server (scram authentication, not trust)', async () => {
  const s = server();
  await s.createRole('harness_b', 'right');
  const c = new pg.Client({ connectionString: s.url('harness_b', 'wrong', 'postgres') });
  await expect(c.connect()).rejects.toThrow(/password authentication failed/);
});
