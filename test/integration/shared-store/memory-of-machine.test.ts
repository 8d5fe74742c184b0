// `memory { id, machineId }` with two real daemon processes ("two machines": separate data dirs,
// so separate machine ids, and each local store numbers its memories from 1) on one real
// PostgreSQL: a shared-store hit names a memory by its id on the machine that captured it, so
// reading it must go to that machine's row in the shared store, never to the local memory that
// happens to have the same id. Row-level security (and the visibility rule, for the table's
// owner) decides what a role may read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { DaemonClient } from '../../../src/client/daemon-client';
import type { DaemonStatus } from '../../../src/shared/status';
import { type DaemonHandle, waitForStatus } from '../../helpers/daemon-process';
import { useDaemons } from '../../helpers/use-daemons';
import { initTeamStore, storeDaemonOptions, storePasswordFile } from '../../helpers/store-daemon-options';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();
const daemon = useDaemons();

const machineOf = (d: DaemonHandle) => readFileSync(join(d.dataDir, 'machine-id'), 'utf8').trim();
const synced = (n: number) => (s: DaemonStatus) => s.store?.reachable === true && s.store.backlog === 0 && s.counters.capturesStored === n;

async function captureText(c: DaemonClient, text: string, extra: { shared?: boolean } = {}): Promise<void> {
  await c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text, title: text.split(' ')[0]!, ...extra } }] });
}

test("a hit of another machine is read from that machine's row: memory { id, machineId: A } on B is A's memory, not B's of the same id", async () => {
  const s = server();
  await s.createRole('two_machines', 'pw-two');
  const db = await s.createDatabase('two_machines'); // the daemons' role owns the table: the visibility rule applies to it too
  const storeUrl = `postgres://two_machines@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const env = { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile('pw-two') };
  const a = await daemon({ settings: { storeUrl }, env });
  const b = await daemon({ settings: { storeUrl }, env });
  const ca = await a.client();
  const cb = await b.client();
  await captureText(ca, 'okapiNotes captured on machine A');
  await captureText(cb, 'wombatNotes captured on machine B');
  await waitForStatus(ca, synced(1));
  await waitForStatus(cb, synced(1));
  const machineA = machineOf(a);

  const [fromA] = await cb.request('recall', { query: 'okapiNotes' });
  expect(fromA).toMatchObject({ machineId: machineA, title: 'okapiNotes' });
  const [own] = await cb.request('recall', { query: 'wombatNotes' });
  expect(own!.machineId).toBeUndefined(); // this machine's own hit: read locally, as without a shared store
  expect(own!.id).toBe(fromA!.id); // both stores numbered their first memory 1: the id alone is ambiguous

  const read = await cb.request('memory', { id: fromA!.id, machineId: machineA });
  expect(read).toMatchObject({ id: fromA!.id, kind: 'text', title: 'okapiNotes', content: 'okapiNotes captured on machine A', path: null });
  expect((await cb.request('memory', { id: fromA!.id }))?.content).toBe('wombatNotes captured on machine B');
  expect((await cb.request('memory', { id: own!.id, machineId: machineOf(b) }))?.content).toBe('wombatNotes captured on machine B');
  expect(await cb.request('memory', { id: 999, machineId: machineA })).toBeNull();
  expect(await cb.request('memory', { id: 1, machineId: 'no-such-machine' })).toBeNull();
});

test("another role's memory is null unless shared with the team, also for the table's owner", async () => {
  const s = server();
  const db = await initTeamStore(s, 'mm_admin', ['mm_alice', 'mm_bob']);
  const as = (role: string) => storeDaemonOptions(s, db, role);
  const aliceDaemon = await daemon(as('mm_alice'));
  const alice = await aliceDaemon.client();
  const bob = await (await daemon(as('mm_bob'))).client();
  const owner = await (await daemon(as('mm_admin'))).client();
  await captureText(alice, 'privateKoala of alice');
  await captureText(alice, 'sharedKoala for the team', { shared: true });
  await waitForStatus(alice, synced(2));
  const idOf = async (query: string) => (await alice.request('recall', { query }))[0]!.id;
  const machineAlice = machineOf(aliceDaemon);
  for (const reader of [bob, owner]) {
    expect(await reader.request('memory', { id: await idOf('privateKoala'), machineId: machineAlice })).toBeNull();
  }
  expect((await bob.request('memory', { id: await idOf('sharedKoala'), machineId: machineAlice }))?.content).toBe('sharedKoala for the team');
});

test('another machine\'s memory without a usable shared store is a STORE_UNAVAILABLE error saying why; the local read still works', async () => {
  const s = server();
  await s.createRole('mm_wrong', 'right');
  const db = await s.createDatabase('mm_wrong');
  const storeUrl = `postgres://mm_wrong@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const broken = await (await daemon({ settings: { storeUrl }, env: { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile('wrong') } })).client();
  await expect(broken.request('memory', { id: 1, machineId: 'desktop-0123456789ab' }))
    .rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/memory 1 of machine desktop-0123456789ab: shared store unreachable: wrong password/) });
  const local = await (await daemon()).client();
  await expect(local.request('memory', { id: 1, machineId: 'desktop-0123456789ab' }))
    .rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/no shared store is configured \(storeUrl\)/) });
  await captureText(local, 'a local note');
  await waitForStatus(local, (st) => st.counters.capturesStored === 1);
  expect((await local.request('memory', { id: 1 }))?.content).toBe('a local note');
});
