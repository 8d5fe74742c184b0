// The replication loop against a real PostgreSQL: exactly once (also across a server restart and a
// re-shipped batch), hibernation at zero cost by Postgres's own counters, clear errors that never
// touch local capture, forget reaching the shared store.
import { expect, test } from 'vitest';
import { waitFor } from '../../../src/shared/event';
import { useMachines } from '../../helpers/shared-store-fixture';
import type { PostgresServer } from '../../helpers/postgres';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();
const { start, drained } = useMachines();

let roles = 0;
/** A fresh database whose owner (no CREATEROLE) is the daemon's role: the single-user case. */
async function singleUser(s: PostgresServer): Promise<{ role: string; db: string; url: string }> {
  const role = `repl_${++roles}`;
  await s.createRole(role, `pw-${role}`);
  const db = await s.createDatabase(role);
  return { role, db, url: s.url(role, `pw-${role}`, db) };
}

async function count(s: PostgresServer, db: string, where = 'true'): Promise<number> {
  const r = await s.admin<{ n: string }>(`SELECT count(*) AS n FROM dormouse.memories WHERE ${where}`, [], db);
  return Number(r.rows[0]!.n);
}

async function statementsBy(s: PostgresServer, role: string): Promise<number> {
  const r = await s.admin<{ n: string }>(
    'SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements st JOIN pg_roles r ON r.oid = st.userid WHERE r.rolname = $1', [role]);
  return Number(r.rows[0]!.n);
}

async function connectionsOf(s: PostgresServer, role: string): Promise<number> {
  const r = await s.admin<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [role]);
  return Number(r.rows[0]!.n);
}

test('a daemon whose role owns the database creates the schema itself and ships every memory once; a re-shipped batch stays one row each', async () => {
  const s = server();
  const { db, url } = await singleUser(s);
  const a = start('machine-a', url, { batchSize: 100 });
  for (let i = 0; i < 250; i++) a.capture(`note ${i} about retryDelaysMs`);
  await drained(a);
  expect(await count(s, db)).toBe(250);
  // The replies were lost: everything is pending again and shipped again.
  a.db.raw.exec('INSERT OR REPLACE INTO shared_outbox (memory_id) SELECT id FROM memories');
  await drained(a);
  expect(await count(s, db)).toBe(250);
  expect(await count(s, db, "machine_id = 'machine-a'")).toBe(250);
});

test('Postgres stopped mid-replication and started again: every memory arrives exactly once', async () => {
  const s = server();
  const { db, url } = await singleUser(s);
  const a = start('machine-a', url, { batchSize: 50, retryBaseMs: 1_000 });
  for (let i = 0; i < 600; i++) a.capture(`capture ${i}`);
  const firstBatch = waitFor(a.replicator.onBatch);
  const failed = waitFor(a.replicator.onChange, (st) => st.reachable === false);
  a.replicator.wake();
  await a.clock.flush();
  await firstBatch;
  s.stopServer();
  const down = await failed;
  expect(down.backlog).toBeGreaterThan(0);
  expect(down.backlog).toBeLessThan(600);
  expect(down.lastError).toMatch(/cannot connect|connection lost|shutting down/i);
  expect(down.unreachableSince).not.toBeNull();
  s.startServer();
  const done = waitFor(a.replicator.onChange, (st) => st.backlog === 0 && st.reachable === true);
  await a.clock.advance(1_000);
  await done;
  expect(await count(s, db)).toBe(600);
  const ids = await s.admin<{ n: string; lo: string; hi: string }>('SELECT count(DISTINCT local_id) AS n, min(local_id) AS lo, max(local_id) AS hi FROM dormouse.memories', [], db);
  expect(ids.rows[0]).toEqual({ n: '600', lo: '1', hi: '600' });
  expect(a.replicator.snapshot()).toMatchObject({ reachable: true, lastError: null, unreachableSince: null });
});

test('hibernated: 0 statements (pg_stat_statements) and 0 connections (pg_stat_activity) by the role over the window; a wake reconnects', async () => {
  const s = server();
  const { role, db, url } = await singleUser(s);
  const a = start('machine-a', url);
  a.capture('before hibernating');
  await drained(a);
  expect(await connectionsOf(s, role)).toBe(1);
  await a.replicator.hibernate();
  await s.admin('SELECT pg_stat_statements_reset()');
  expect(a.clock.activeTimers).toBe(0);
  await a.clock.advance(60 * 60_000); // a hibernated hour on the daemon's clock: nothing is armed, nothing fires
  expect(a.pool.open).toBe(false);
  expect(await statementsBy(s, role)).toBe(0);
  expect(await connectionsOf(s, role)).toBe(0);
  a.capture('after waking');
  await drained(a);
  expect(await count(s, db)).toBe(2);
});

test('idle after shipping, the loop closes its connections on its own clock (closeIdleMs)', async () => {
  const s = server();
  const { role, url } = await singleUser(s);
  const a = start('machine-a', url, { closeIdleMs: 30_000 });
  a.capture('one');
  await drained(a);
  expect(await connectionsOf(s, role)).toBe(1);
  await a.clock.advance(30_000);
  await a.pool.close(); // the close the timer started: resolves once the pool has ended
  expect(a.pool.open).toBe(false);
  expect(await connectionsOf(s, role)).toBe(0);
  expect(a.clock.activeTimers).toBe(0);
});

test('a wrong password: a clear lastError, the capture stays local and waits in the backlog', async () => {
  const s = server();
  const { role, db } = await singleUser(s);
  const a = start('machine-a', s.url(role, 'not-the-password', db));
  const id = a.capture('kept locally');
  const failed = waitFor(a.replicator.onChange, (st) => st.reachable === false);
  a.replicator.wake();
  await a.clock.flush();
  const st = await failed;
  expect(st.lastError).toMatch(/wrong password/);
  expect(st.lastError).not.toContain('not-the-password');
  expect(st.backlog).toBe(1);
  expect(a.store.get(id)?.content).toBe('kept locally');
  // A configuration error retries at the slowest pace only.
  expect(a.clock.pendingDelays()).toEqual([60_000]);
});

test('a role that may not create the schema is told to run `dormouse store init`', async () => {
  const s = server();
  await s.createRole('repl_admin', 'pw', 'CREATEROLE');
  await s.createRole('repl_member', 'pw-m');
  const db = await s.createDatabase('repl_admin');
  const a = start('machine-a', s.url('repl_member', 'pw-m', db));
  a.capture('waiting for init');
  const failed = waitFor(a.replicator.onChange, (st) => st.reachable === false);
  a.replicator.wake();
  await a.clock.flush();
  expect((await failed).lastError).toMatch(/shared store not initialised: run `dormouse store init/);
});

test('forget reaches the shared store: a memory deleted locally is deleted there', async () => {
  const s = server();
  const { db, url } = await singleUser(s);
  const a = start('machine-a', url);
  const keep = a.capture('keep me');
  const drop = a.capture('forget me');
  await drained(a);
  a.store.delete(drop);
  await drained(a);
  const rows = await s.admin<{ local_id: string }>('SELECT local_id FROM dormouse.memories', [], db);
  expect(rows.rows.map((r) => Number(r.local_id))).toEqual([keep]);
});
