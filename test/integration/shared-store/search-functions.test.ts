// Recall under row-level security through migrations 003's and 004's SECURITY DEFINER functions, on
// a real PostgreSQL: the same visibility as the policies (own rows, and shared ones for team
// members), no way for a caller to read past it, plans that use the GIN index of `terms`, and a
// vocabulary that follows the memories.
import { expect, test } from 'vitest';
import { parseQuery } from '../../../src/shared/query-language';
import { initSharedStore } from '../../../src/daemon/shared-store/init-store';
import { MATCH_SQL } from '../../../src/daemon/shared-store/migrations/003-search-functions';
import { searchShared } from '../../../src/daemon/shared-store/search-shared';
import { type SharedMemory, upsertMemories } from '../../../src/daemon/shared-store/upsert-memories';
import type { PostgresServer } from '../../helpers/postgres';
import { asRole } from '../../helpers/as-role';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();

const memory = (localId: number, shared: boolean, content: string, path = '/w/x.ts'): SharedMemory => ({
  localId, kind: 'file', path, title: `m${localId}`, language: null, note: null, exitCode: null, content,
  capturedAt: 1_700_000_000_000 + localId, updatedAt: 1_700_000_000_000 + localId, workspace: shared ? '/w/team' : null, shared,
});

let dbs = 0;
/** A team store: an admin owns it, `members` are granted; returns URLs by role. */
async function team(s: PostgresServer, members: string[], outsiders: string[] = []): Promise<Record<string, string>> {
  const n = ++dbs;
  const admin = `sf_admin_${n}`;
  await s.createRole(admin, 'pw', 'CREATEROLE');
  const urls: Record<string, string> = {};
  const db = await s.createDatabase(admin);
  for (const r of [...members, ...outsiders]) {
    await s.createRole(`${r}_${n}`, `pw-${r}`);
    urls[r] = s.url(`${r}_${n}`, `pw-${r}`, db);
  }
  urls.admin = s.url(admin, 'pw', db);
  await initSharedStore({ url: urls.admin, grants: members.map((m) => `${m}_${n}`), env: {} });
  return urls;
}

const recall = (url: string, text: string) =>
  asRole(url, (c) => searchShared(c, parseQuery(text, { now: 1_800_000_000_000 })).then((hits) => hits.map((h) => h.title).sort()));

test('recall through the search functions: B never sees A\'s private memories and sees the shared ones; the owner too reads only its own', async () => {
  const urls = await team(server(), ['a', 'b']);
  await asRole(urls.a!, (c) => upsertMemories(c, 'machine-a', [memory(1, false, 'deployKey private plan'), memory(2, true, 'deployKey team plan')]));
  await asRole(urls.admin!, (c) => upsertMemories(c, 'machine-admin', [memory(3, false, 'deployKey admin notes')]));
  expect(await recall(urls.b!, 'deployKey')).toEqual(['m2']);
  expect(await recall(urls.a!, 'deployKey')).toEqual(['m1', 'm2']);
  expect(await recall(urls.a!, 'privatte')).toEqual(['m1']); // typo candidates through near_words
  expect(await recall(urls.b!, 'privatte')).toEqual([]); // none from A's private words for B
  // The table's owner reads every row directly (that is what lets the functions use the index),
  // but its recall applies the same rule: its own rows; it is no team member, so nothing shared.
  expect(await recall(urls.admin!, 'deployKey')).toEqual(['m3']);
  expect(await recall(urls.admin!, 'kind:file')).toEqual(['m3']);
});

test('a role cannot read another role\'s rows through the search functions in any way', async () => {
  const urls = await team(server(), ['a', 'b'], ['stranger']);
  const roleA = `a_${dbs}`;
  await asRole(urls.a!, (c) => upsertMemories(c, 'machine-a', [memory(1, false, 'okapiSecret private')]));
  await asRole(urls.b!, async (c) => {
    // No parameter names an owner or a machine: the only inputs are the query and a cap.
    expect((await c.query("SELECT * FROM dormouse.match_memories('okapisecret'::tsquery, NULL)")).rows).toEqual([]);
    expect((await c.query("SELECT * FROM dormouse.match_memories('okapisecret'::tsquery, 1)")).rows).toEqual([]);
    expect((await c.query<{ n: string }>("SELECT dormouse.count_matching('okapisecret'::tsquery, 10) AS n")).rows[0]?.n).toBe('0');
    expect((await c.query("SELECT * FROM dormouse.near_words('okapisecret', 10)")).rows).toEqual([]);
    // The vocabulary itself is the owner's: daemons read it only through near_words.
    await expect(c.query('SELECT word FROM dormouse.vocabulary')).rejects.toThrow(/permission denied/);
    // Nor by switching role inside the session: session_user stays B's login.
    await expect(c.query(`SET ROLE ${roleA}`)).rejects.toThrow(/permission denied/);
    expect((await c.query<{ n: string }>('SELECT count(*) AS n FROM dormouse.memories')).rows[0]?.n).toBe('0');
  });
  // A role outside the team may not call them at all (EXECUTE revoked from PUBLIC).
  await asRole(urls.stranger!, async (c) => {
    await expect(c.query("SELECT * FROM dormouse.match_memories('okapisecret'::tsquery, NULL)")).rejects.toThrow(/permission denied/);
  });
});

test('a selective query uses the GIN index of terms through the functions; the same query under row-level security does not', async () => {
  const urls = await team(server(), ['a']);
  const rows = Array.from({ length: 3000 }, (_, i) => memory(i + 1, i % 2 === 0, `retry delay worker ${i % 1000 === 7 ? 'okapiZebraMarker' : 'socket'} line ${i}`));
  await asRole(urls.a!, async (c) => {
    for (let i = 0; i < rows.length; i += 500) await upsertMemories(c, 'machine-a', rows.slice(i, i + 500));
  });
  await asRole(urls.admin!, (c) => c.query('ANALYZE dormouse.memories'));
  // enable_seqscan off: at test sizes a sequential scan is cheapest anyway; what is checked is
  // whether the index can be used at all (under row-level security it cannot, whatever the cost).
  const plan = async (url: string, sql: string, params: unknown[] = []) => asRole(url, async (c) => {
    await c.query('SET enable_seqscan = off');
    return (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
  });
  // What match_memories runs, as its owner runs it (a SECURITY DEFINER function's query plans as the definer).
  const body = await plan(urls.admin!, MATCH_SQL.replaceAll('$1', '$1::tsquery'), ['okapizebramarker']);
  expect(body).toMatch(/Bitmap Index Scan on memories_terms/);
  const direct = await plan(urls.a!, "SELECT local_id FROM dormouse.memories m WHERE m.terms @@ 'okapizebramarker'::tsquery");
  expect(direct).not.toMatch(/memories_terms/);
  expect(await recall(urls.a!, 'okapiZebraMarker')).toHaveLength(3);
});

const vocabulary = (url: string, words: string[]) => asRole(url, async (c) =>
  (await c.query<{ word: string; shared: boolean; memories: number }>(
    'SELECT word, shared, memories FROM dormouse.vocabulary WHERE word = ANY($1) ORDER BY word, shared', [words])).rows);

test('the vocabulary counts the memories holding each word: a batch shipped twice changes nothing, a forgotten memory takes away the words only it held', async () => {
  const urls = await team(server(), ['a']);
  const batch = [memory(1, false, 'okapiQuokka common'), memory(2, false, 'okapiWombat common'), memory(3, true, 'common team')];
  await asRole(urls.a!, (c) => upsertMemories(c, 'machine-a', batch));
  await asRole(urls.a!, (c) => upsertMemories(c, 'machine-a', batch));
  expect(await vocabulary(urls.admin!, ['common', 'okapiquokka', 'quokka'])).toEqual([
    { word: 'common', shared: false, memories: 2 }, { word: 'common', shared: true, memories: 1 },
    { word: 'okapiquokka', shared: false, memories: 1 }, { word: 'quokka', shared: false, memories: 1 },
  ]);
  // An edit replaces the memory's words; a delete (forget) removes what no memory holds any more.
  await asRole(urls.a!, (c) => upsertMemories(c, 'machine-a', [memory(2, false, 'okapiWombat rare')]));
  await asRole(urls.a!, (c) => c.query("DELETE FROM dormouse.memories WHERE machine_id = 'machine-a' AND local_id = 1"));
  expect(await vocabulary(urls.admin!, ['common', 'okapiquokka', 'quokka', 'rare', 'wombat'])).toEqual([
    { word: 'common', shared: true, memories: 1 }, { word: 'rare', shared: false, memories: 1 }, { word: 'wombat', shared: false, memories: 1 },
  ]);
  expect(await recall(urls.a!, 'quokak')).toEqual([]); // no correction from a forgotten memory's word
  expect(await recall(urls.a!, 'wombta')).toEqual(['m2']);
});

test('a broad word is sought among the newest memories only; filters that leave too few of those seek it among the newest that pass them', async () => {
  const urls = await team(server(), ['a']);
  // 3,000 memories with "retry"; the oldest says it most often (the best rank) and is the only terminal one.
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    ...memory(i + 1, false, i === 0 ? 'retry retry retry retry okapi' : `retry worker line ${i}`), kind: i === 0 ? 'terminal' as const : 'file' as const,
  }));
  await asRole(urls.a!, async (c) => {
    for (let i = 0; i < rows.length; i += 500) await upsertMemories(c, 'machine-a', rows.slice(i, i + 500));
  });
  await asRole(urls.admin!, (c) => c.query('ANALYZE dormouse.memories')); // the planner's estimate decides broad
  const titles = (text: string, rankWindow: number) => asRole(urls.a!, (c) =>
    searchShared(c, parseQuery(text, { now: 1_800_000_000_000 }), { limit: 5, rankWindow }).then((hits) => hits.map((h) => h.title)));
  // Window 10: only the 10 newest memories are looked at, so the oldest (best) one is not among the hits.
  const windowed = await titles('retry', 10);
  expect(windowed).toHaveLength(5);
  expect(windowed).not.toContain('m1');
  expect(windowed.every((t) => Number(t.slice(1)) > 2990)).toBe(true);
  // Unbounded (a window as large as the table): it ranks first.
  expect((await titles('retry', 1_000_000))[0]).toBe('m1');
  // A filter none of the 10 newest memories passes: it is sought among the newest 10 that pass it.
  expect(await titles('kind:terminal retry', 10)).toEqual(['m1']);
  // A selective word is ranked exactly through the index, whatever the window.
  expect(await titles('okapi', 10)).toEqual(['m1']);
});
