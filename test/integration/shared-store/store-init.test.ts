// `dormouse store init` against a real PostgreSQL: schema, row-level security, grants, idempotence,
// and the exit codes of the set-up contract (2: bad URL, wrong password, missing rights; 1: unreachable).
import { expect, test } from 'vitest';
import { runCli } from '../../../src/cli/cli';
import { upsertMemories, type SharedMemory } from '../../../src/daemon/shared-store/upsert-memories';
import { SHARED_MIGRATIONS } from '../../../src/daemon/shared-store/migrations';
import { asRole } from '../../helpers/as-role';
import { usePostgres } from '../../helpers/use-postgres';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const server = usePostgres();

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--data-dir', '/nonexistent-dormouse', ...args], {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    env: { ...env },
    prompt: null,
  });
  return { code, stdout, stderr };
}

const memory = (localId: number, shared: boolean, content: string): SharedMemory => ({
  localId, kind: 'text', path: null, title: `m${localId}`, language: null, note: null, exitCode: null, content,
  capturedAt: 1_700_000_000_000 + localId, updatedAt: 1_700_000_000_000 + localId, workspace: shared ? '/w/team' : '/w/mine', shared,
});

test('store init creates the schema with forced row-level security, and running it again changes nothing', async () => {
  const s = server();
  await s.createRole('init_admin', 'pw', 'CREATEROLE');
  await s.createRole('init_user', 'pw-u');
  const db = await s.createDatabase('init_admin');
  const url = s.url('init_admin', 'pw', db);
  const first = await cli(['store', 'init', '--url', url, '--grant', 'init_user']);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('applied 1-memories, 2-row-security');
  expect(first.stdout).toContain('granted init_user');
  const again = await cli(['store', 'init', '--url', url, '--grant', 'init_user']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('already up to date');
  const rls = await s.admin<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'dormouse.memories'::regclass", [], db);
  expect(rls.rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
});

test('row-level security: a role never sees another role\'s private memories and sees the ones marked shared', async () => {
  const s = server();
  await s.createRole('rls_admin', 'pw', 'CREATEROLE');
  await s.createRole('rls_a', 'pw-a');
  await s.createRole('rls_b', 'pw-b');
  const db = await s.createDatabase('rls_admin');
  expect((await cli(['store', 'init', '--url', s.url('rls_admin', 'pw', db), '--grant', 'rls_a', '--grant', 'rls_b'])).code).toBe(0);
  await asRole(s.url('rls_a', 'pw-a', db), (c) => upsertMemories(c, 'machine-a', [memory(1, false, 'private plan'), memory(2, true, 'team plan')]));
  const seenByB = await asRole(s.url('rls_b', 'pw-b', db), (c) => c.query<{ content: string }>('SELECT content FROM dormouse.memories ORDER BY local_id'));
  expect(seenByB.rows.map((r) => r.content)).toEqual(['team plan']);
  const seenByA = await asRole(s.url('rls_a', 'pw-a', db), (c) => c.query<{ content: string }>('SELECT content FROM dormouse.memories ORDER BY local_id'));
  expect(seenByA.rows.map((r) => r.content)).toEqual(['private plan', 'team plan']);
  // B cannot overwrite or delete A's rows either: the policy hides them from UPDATE and DELETE.
  const deleted = await asRole(s.url('rls_b', 'pw-b', db), (c) => c.query('DELETE FROM dormouse.memories'));
  expect(deleted.rowCount).toBe(0);
});

test('the single user who owns the database (no CREATEROLE) can init; memories stay private', async () => {
  const s = server();
  await s.createRole('solo', 'pw-solo');
  const db = await s.createDatabase('solo');
  const r = await cli(['store', 'init', '--url', s.url('solo', 'pw-solo', db)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`schema version ${SHARED_MIGRATIONS.length}`);
});

test('store init exits 2 with a reason on a bad URL, a wrong password, missing rights or an unknown --grant role; 1 when unreachable', async () => {
  const s = server();
  await s.createRole('exit_admin', 'pw', 'CREATEROLE');
  await s.createRole('exit_plain', 'pw-p');
  const db = await s.createDatabase('exit_admin');
  const bad = await cli(['store', 'init', '--url', 'http://example.invalid/db']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/must start with postgres:\/\//);
  const wrong = await cli(['store', 'init', '--url', s.url('exit_admin', 'not-it', db)]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/wrong password/);
  expect(wrong.stderr).not.toContain('not-it');
  const rights = await cli(['store', 'init', '--url', s.url('exit_plain', 'pw-p', db)]);
  expect(rights.code).toBe(2);
  expect(rights.stderr).toMatch(/missing rights/);
  const unknown = await cli(['store', 'init', '--url', s.url('exit_admin', 'pw', db), '--grant', 'nobody_here']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/role nobody_here does not exist/);
  const gone = await cli(['store', 'init', '--url', `postgres://x@/db?host=${encodeURIComponent(s.socketDir)}&port=1`]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/cannot connect/);
});

test('the password comes from DORMOUSE_STORE_PASSWORD_FILE when the URL has none', async () => {
  const s = server();
  await s.createRole('pwfile_user', 'from-file');
  const db = await s.createDatabase('pwfile_user');
  const file = join(mkdtempSync(join(tmpdir(), 'dm-pw-')), 'pw');
  writeFileSync(file, 'from-file\n', { mode: 0o600 });
  const url = `postgres://pwfile_user@/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}`;
  const r = await cli(['store', 'init', '--url', url], { DORMOUSE_STORE_PASSWORD_FILE: file });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
