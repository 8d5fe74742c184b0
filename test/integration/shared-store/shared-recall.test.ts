// Shared recall against a real PostgreSQL: two machines on one store, two roles under row-level
// security, the same query language and tiers as the local store, and the fallback to local.
import { expect, test } from 'vitest';
import { parseQuery } from '../../../src/shared/query-language';
import { searchQuery } from '../../../src/daemon/recall/search-query';
import { recallShared } from '../../../src/daemon/shared-store/shared-recall';
import { searchShared } from '../../../src/daemon/shared-store/search-shared';
import { SharedPool } from '../../../src/daemon/shared-store/shared-pool';
import { poolConfig } from '../../../src/daemon/shared-store/store-url';
import { runCli } from '../../../src/cli/cli';
import { type Machine, useMachines } from '../../helpers/shared-store-fixture';
import type { PostgresServer } from '../../helpers/postgres';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();
const { start, drained } = useMachines();

const parsed = (text: string, m: Machine) => parseQuery(text, { now: m.clock.now() });

let dbs = 0;
async function teamDatabase(s: PostgresServer, members: string[]): Promise<string> {
  const admin = `recall_admin_${++dbs}`;
  await s.createRole(admin, 'pw', 'CREATEROLE');
  for (const m of members) await s.createRole(m, `pw-${m}`);
  const db = await s.createDatabase(admin);
  const code = await runCli(['store', 'init', '--url', s.url(admin, 'pw', db), ...members.flatMap((m) => ['--grant', m])], {
    io: { stdout: () => undefined, stderr: (t) => void process.stderr.write(t) }, env: {}, prompt: null,
  });
  expect(code).toBe(0);
  return db;
}

const CORPUS = [
  'const retryDelaysMs = [1000, 2000, 4000];',
  'function parseURL(input) { return new URL(input); }',
  'the jitter keeps uploads from bunching up',
  'SELECT task_path FROM tasks WHERE done = 0',
  'class HTTPServer2 extends Base {}',
  'delays between retries grow exponentially',
  'npm run build failed with exit code 2',
];

test('two machines on one Postgres: captured on A, recalled on B, labelled with A\'s machine id', async () => {
  const s = server();
  const db = await teamDatabase(s, ['two_m_user']);
  const url = s.url('two_m_user', 'pw-two_m_user', db);
  const a = start('machine-a', url);
  const b = start('machine-b', url);
  const id = a.capture('const retryDelaysMs = [1000, 2000, 4000];');
  b.capture('something only B has');
  await drained(a);
  await drained(b);
  const hits = await b.pool.with((c) => searchShared(c, parsed('retry delays', b)));
  expect(hits.map((h) => [h.machineId, h.id, h.match?.tier])).toEqual([['machine-a', id, 'parts']]);
  expect(hits[0]!.snippet).toContain('retryDelaysMs');
  const both = await a.pool.with((c) => searchShared(c, parseQuery('kind:text', { now: a.clock.now() })));
  expect(new Set(both.map((h) => h.machineId))).toEqual(new Set(['machine-a', 'machine-b']));
});

test('the shared store answers a query with the same memories in the same tiers as the local store', async () => {
  const s = server();
  const db = await teamDatabase(s, ['same_user']);
  const a = start('machine-a', s.url('same_user', 'pw-same_user', db));
  for (const text of CORPUS) a.capture(text);
  await drained(a);
  const queries = ['retryDelaysMs', 'retry delays', 'retryDel', 'task path', 'task_path', 'parseURL', 'url', 'http server',
    'jittr', 'delay', '"exit code"', 'build -"failed"', 'build', 'retries', 'HTTPServer2', 'uploads bunch'];
  const tiersSeen = new Set<string>();
  for (const q of queries) {
    const local = searchQuery(a.db, parsed(q, a)).map((h) => `${h.id}:${h.match?.tier}`).sort();
    const shared = (await a.pool.with((c) => searchShared(c, parsed(q, a)))).map((h) => `${h.id}:${h.match?.tier}`).sort();
    expect({ q, shared }).toEqual({ q, shared: local });
    expect({ q, found: shared.length > 0 }).toEqual({ q, found: !q.includes('-') }); // the one negated query leaves out its only match
    for (const h of shared) tiersSeen.add(h.split(':')[1]!);
  }
  expect([...tiersSeen].sort()).toEqual(['exact', 'parts', 'prefix', 'typo']);
});

test('two roles: B never sees A\'s private memories and sees those of A\'s shared workspace', async () => {
  const s = server();
  const db = await teamDatabase(s, ['role_a', 'role_b']);
  const a = start('machine-a', s.url('role_a', 'pw-role_a', db), { sharedFolders: () => ['/w/team'] });
  const b = start('machine-b', s.url('role_b', 'pw-role_b', db));
  const shared = a.capture('deployKey rotation runbook', { kind: 'file', path: '/w/team/runbook.md' });
  a.capture('deployKey of my side project', { kind: 'file', path: '/w/private/notes.md' });
  a.capture('deployKey in a note without a path');
  await drained(a);
  const seenByB = await b.pool.with((c) => searchShared(c, parsed('deployKey', b)));
  expect(seenByB.map((h) => [h.machineId, h.id, h.path])).toEqual([['machine-a', shared, '/w/team/runbook.md']]);
  const listedByB = await b.pool.with((c) => searchShared(c, parseQuery('kind:file', { now: b.clock.now() })));
  expect(listedByB.map((h) => h.id)).toEqual([shared]);
  const seenByA = await a.pool.with((c) => searchShared(c, parsed('deployKey', a)));
  expect(seenByA).toHaveLength(3);
});

test('recall falls back to the local store with a visible note when the shared store is unreachable', async () => {
  const s = server();
  const a = start('machine-a', `postgres://nobody@localhost/none?host=${encodeURIComponent(s.socketDir)}&port=1`);
  const id = a.capture('const retryDelaysMs = [1000];');
  const pool = new SharedPool(poolConfig(`postgres://nobody@localhost/none?host=${encodeURIComponent(s.socketDir)}&port=1`, { env: {} }));
  const q = parsed('retryDelaysMs', a);
  const r = await recallShared(pool, a.machineId, q, {}, () => searchQuery(a.db, q));
  expect(r.source).toBe('local');
  expect(r.note).toMatch(/shared store unreachable, showing this machine's memories only: cannot connect/);
  expect(r.hits.map((h) => h.id)).toEqual([id]);
  await pool.close();
});
