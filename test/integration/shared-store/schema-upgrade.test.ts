// A shared store written by the schema before the vocabulary and bounded ranking (shared
// migrations 1-3, with the `words` column those wrote) is upgraded in place by a daemon's own
// ensureSharedSchema: every memory is kept column for column, the vocabulary is built from them,
// and recall (exact, typo, filtered) works on the upgraded store. A real PostgreSQL.
import { expect, test } from 'vitest';
import { parseQuery } from '../../../src/shared/query-language';
import { sharedDocument } from '../../../src/daemon/shared-store/document';
import { ensureSharedSchema } from '../../../src/daemon/shared-store/ensure-schema';
import { SHARED_MIGRATIONS } from '../../../src/daemon/shared-store/migrations';
import { migrateShared, sharedSchemaVersion } from '../../../src/daemon/shared-store/migrations/runner';
import { searchShared } from '../../../src/daemon/shared-store/search-shared';
import { asRole } from '../../helpers/as-role';
import { usePostgres } from '../../helpers/use-postgres';

const server = usePostgres();

/** A row as schema 3's upsert wrote it: its tsvector, and `words` (the tsvector's lexemes, space-separated). */
const OLD_INSERT = `INSERT INTO dormouse.memories (machine_id, local_id, workspace, shared, kind, path, title, language, note, exit_code,
  content, captured_at, updated_at, terms, words)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::tsvector, array_to_string(tsvector_to_array($14::tsvector), ' '))`;

const ROWS = `SELECT machine_id, local_id, owner, workspace, shared, kind, path, title, language, note, exit_code, content,
  captured_at, updated_at, terms::text AS terms FROM dormouse.memories ORDER BY machine_id, local_id`;

test('a store written by shared schema 3 upgrades to the current schema with every memory intact, and recall works on it', async () => {
  const s = server();
  await s.createRole('upgrade_solo', 'pw-upgrade_solo');
  const url = s.url('upgrade_solo', 'pw-upgrade_solo', await s.createDatabase('upgrade_solo'));
  const old = [
    ['laptop', 1, null, false, 'file', '/w/app/retry.ts', 'retry.ts', 'typescript', null, null, 'export const wombatRetryDelayMs = 250;'],
    ['laptop', 2, '/w/team', true, 'terminal', '/w/team', 'make release', null, null, 2, 'make release\nwombat deploy failed'],
    ['desktop', 1, null, false, 'selection', '/w/app/notes.md', 'notes.md', 'markdown', 'why the delay', null, 'the quokka budget is 3 retries'],
  ] as const;
  const before = await asRole(url, async (c) => {
    await migrateShared(c, SHARED_MIGRATIONS.slice(0, 3));
    for (const [i, r] of old.entries()) {
      const [machine, localId, workspace, shared, kind, path, title, language, note, exitCode, content] = r;
      await c.query(OLD_INSERT, [machine, localId, workspace, shared, kind, path, title, language, note, exitCode, content,
        1_700_000_000_000 + i, 1_700_000_000_000 + i, sharedDocument(content, note).terms]);
    }
    return (await c.query<Record<string, unknown>>(ROWS)).rows;
  });
  expect(before).toHaveLength(3);

  await asRole(url, async (c) => {
    await ensureSharedSchema(c); // what a daemon runs at first contact
    expect(await sharedSchemaVersion(c)).toBe(SHARED_MIGRATIONS.length);
    expect((await c.query(ROWS)).rows).toEqual(before);
    const columns = await c.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'dormouse' AND table_name = 'memories'");
    expect(columns.rows.map((r) => r.column_name)).not.toContain('words');
    const vocabulary = await c.query<{ word: string; memories: number }>(
      "SELECT word, sum(memories)::int AS memories FROM dormouse.vocabulary WHERE word IN ('wombat', 'quokka', 'retry') GROUP BY word ORDER BY word");
    expect(vocabulary.rows).toEqual([{ word: 'quokka', memories: 1 }, { word: 'retry', memories: 1 }, { word: 'wombat', memories: 2 }]);
    const titles = async (text: string) => (await searchShared(c, parseQuery(text, { now: 1_800_000_000_000 }))).map((h) => `${h.machineId}:${h.id}`).sort();
    expect(await titles('wombat')).toEqual(['laptop:1', 'laptop:2']);
    expect(await titles('wombatRetryDelayMs')).toEqual(['laptop:1']);
    expect(await titles('quokak')).toEqual(['desktop:1']); // a typo, corrected from the vocabulary built by the upgrade
    expect(await titles('kind:terminal failed wombat')).toEqual(['laptop:2']);
  });
});
