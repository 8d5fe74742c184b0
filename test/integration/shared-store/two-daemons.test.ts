// Two real daemon processes ("two machines": separate data dirs, so separate machine ids) on one
// real PostgreSQL, configured as a user would: storeUrl in settings, the password in a file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { RealClock } from '../../../src/shared/clock';
import type { DaemonStatus } from '../../../src/shared/status';
import { waitForStatus } from '../../helpers/daemon-process';
import { useDaemons } from '../../helpers/use-daemons';
import { storePasswordFile } from '../../helpers/store-daemon-options';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();
const daemon = useDaemons();

const synced = (s: DaemonStatus) => s.store?.reachable === true && s.store.backlog === 0;

test('two daemons on one Postgres: captured on A, recalled on B, labelled with A\'s machine id; status.store reports it', async () => {
  const s = server();
  await s.createRole('two_daemons', 'pw-two');
  const db = await s.createDatabase('two_daemons');
  const storeUrl = `postgres://two_daemons@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const env = { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile('pw-two') };
  const a = await daemon({ settings: { storeUrl }, env });
  const b = await daemon({ settings: { storeUrl }, env });
  const ca = await a.client();
  const cb = await b.client();
  await ca.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'the okapiRetryBudget is 3 attempts', title: 'okapi' } }] });
  const status = await waitForStatus(ca, (st) => synced(st) && st.counters.capturesStored === 1);
  expect(status.store).toEqual({ kind: 'postgres', reachable: true, backlog: 0, lastError: null, unreachableSince: null });
  const hits = await cb.request('recall', { query: 'okapi retry budget' });
  const machineA = readFileSync(join(a.dataDir, 'machine-id'), 'utf8').trim();
  expect(hits.map((h) => [h.machineId, h.title, h.match?.tier])).toEqual([[machineA, 'okapi', 'exact']]); // the words joined are the identifier
  expect(machineA).not.toBe(readFileSync(join(b.dataDir, 'machine-id'), 'utf8').trim());
});

test('a wrong password: a clear error in status, capture and recall stay local and work, recall saying so', async () => {
  const s = server();
  await s.createRole('wrong_pw', 'right');
  const db = await s.createDatabase('wrong_pw');
  const storeUrl = `postgres://wrong_pw@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const a = await daemon({ settings: { storeUrl }, env: { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile('wrong') } });
  const c = await a.client();
  const down = await waitForStatus(c, (st) => st.store?.reachable === false);
  expect(down.store?.lastError).toMatch(/wrong password/);
  await c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'a local okapi note', title: 'local' } }] });
  const after = await waitForStatus(c, (st) => st.counters.capturesStored === 1 && (st.store?.backlog ?? 0) >= 1);
  expect(after.store).toMatchObject({ kind: 'postgres', reachable: false });
  const hits = await c.request('recall', { query: 'okapi' });
  expect(hits.map((h) => [h.title, h.machineId])).toEqual([['local', undefined]]);
  // recallWithNote carries why the answer is this machine's only (the CLI and the Recall quick pick show it).
  const answer = await c.request('recallWithNote', { query: 'okapi' });
  expect(answer.note).toMatch(/^shared store unreachable, showing this machine's memories only: .*wrong password/);
  expect(answer.hits.map((h) => h.title)).toEqual(['local']);
});

test('a storeUrl with a password in it is refused by the settings, with the reason', async () => {
  const s = server();
  const a = await daemon();
  const c = await a.client();
  await expect(c.request('reload', { settings: { storeUrl: `postgres://u:secret@localhost/db?host=${s.socketDir}` } })).rejects.toThrow(/must not contain a password/);
  const st = await c.request('status', {});
  expect(st.store).toEqual({ kind: 'sqlite', reachable: null, backlog: 0, lastError: null, unreachableSince: null });
});

test('a hibernated pair of daemons: 0 statements and 0 connections by their role over the measured window', async () => {
  const s = server();
  await s.createRole('pair_role', 'pw-pair');
  const db = await s.createDatabase('pair_role');
  const storeUrl = `postgres://pair_role@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const env = { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile('pw-pair') };
  const pair = [await daemon({ settings: { storeUrl }, env }), await daemon({ settings: { storeUrl }, env })];
  const clients = await Promise.all(pair.map((d) => d.client()));
  for (const c of clients) await c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'before the pair hibernates' } }] });
  for (const c of clients) await waitForStatus(c, (st) => synced(st) && st.counters.capturesStored === 1);
  for (const c of clients) expect((await c.request('hibernate', {})).hibernated).toBe(true);
  const connections = async () => Number((await s.admin<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'pair_role'")).rows[0]!.n);
  // The pools end as the daemons hibernate; the server notices each closed connection itself.
  const clock = new RealClock();
  const pause = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
  for (let i = 0; i < 100 && (await connections()) > 0; i++) await pause(50);
  await s.admin('SELECT pg_stat_statements_reset()');
  await pause(3_000); // the measured window
  const calls = await s.admin<{ n: string }>(
    "SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements st JOIN pg_roles r ON r.oid = st.userid WHERE r.rolname = 'pair_role'");
  expect(Number(calls.rows[0]!.n)).toBe(0);
  expect(await connections()).toBe(0);
  for (const c of clients) expect((await c.request('status', {})).state).toBe('hibernating');
}, 60_000);
