// dormouse.shareWithTeam end to end on the daemon side: two real daemons as two users (two roles,
// both members of dormouse_team) on one real PostgreSQL. The extension marks a capture from a
// workspace with shareWithTeam on as `shared: true` (test/unit/extension/share-with-team.test.ts);
// here those payloads go through the daemon's queue, local store and replicator to Postgres, and
// row-level security decides what the other member's recall sees.
import { expect, test } from 'vitest';
import type { DaemonStatus } from '../../../src/shared/status';
import { waitForStatus } from '../../helpers/daemon-process';
import { useDaemons } from '../../helpers/use-daemons';
import { initTeamStore, storeDaemonOptions } from '../../helpers/store-daemon-options';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();
const daemon = useDaemons();

const synced = (n: number) => (s: DaemonStatus) => s.store?.reachable === true && s.store.backlog === 0 && s.counters.capturesStored === n;

test('a capture from a workspace with shareWithTeam on is visible to the team role\'s other member; one with it off is not', async () => {
  const s = server();
  const db = await initTeamStore(s, 'team_admin', ['alice', 'bob']);
  const as = (role: string) => storeDaemonOptions(s, db, role);
  const alice = await (await daemon(as('alice'))).client();
  const bob = await (await daemon(as('bob'))).client();
  await alice.request('enqueue', { jobs: [
    { kind: 'capture', payload: { type: 'selection', text: 'wombatDeploy: run make release', path: '/w/team/Makefile', shared: true } },
    { kind: 'capture', payload: { type: 'terminal', commandLine: 'wombatDeploy --dry-run', cwd: '/w/team', shared: true } },
    { kind: 'capture', payload: { type: 'selection', text: 'wombatDeploy of my side project', path: '/w/mine/notes.md' } },
    { kind: 'capture', payload: { type: 'text', text: 'wombatDeploy private note', shared: false } },
  ] });
  await waitForStatus(alice, synced(4));
  const seenByBob = await bob.request('recallWithNote', { query: 'wombatDeploy' });
  expect(seenByBob.note).toBeNull();
  expect(seenByBob.hits.map((h) => h.path).sort()).toEqual(['/w/team', '/w/team/Makefile']);
  const seenByAlice = await alice.request('recall', { query: 'wombatDeploy' });
  expect(seenByAlice).toHaveLength(4); // her own, shared or not, from the shared store
});

test('a flag that is not a boolean is refused with the field named, and nothing is queued', async () => {
  const d = await daemon();
  const c = await d.client();
  await expect(c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'x', shared: 'yes' as never } }] }))
    .rejects.toThrow(/shared/);
  expect((await c.request('status', {})).counters.capturesStored).toBe(0);
});
