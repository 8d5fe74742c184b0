// How tests configure a real daemon for a shared store, as a user would: storeUrl in the settings
// (no password in it: the settings refuse one) and the password in a file named by
// DORMOUSE_STORE_PASSWORD_FILE, over the throw-away server's Unix socket.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import type { PostgresServer } from './postgres';

export function storePasswordFile(password: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dm-pw-')), 'store-password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

/** Daemon options (settings + env) for `role` on `db`; the password defaults to `pw-<role>`. */
export function storeDaemonOptions(s: PostgresServer, db: string, role: string, password = `pw-${role}`) {
  return {
    settings: { storeUrl: `postgres://${role}@localhost/${db}?host=${encodeURIComponent(s.socketDir)}&port=${s.port}` },
    env: { ...process.env, DORMOUSE_STORE_PASSWORD_FILE: storePasswordFile(password) },
  };
}

/**
 * A team store as a team sets one up: `admin` (CREATEROLE) owns a fresh database and runs
 * `dormouse store init --grant` for each member; every role's password is `pw-<role>`. Returns the
 * database's name; throws when init does not exit 0.
 */
export async function initTeamStore(s: PostgresServer, admin: string, members: readonly string[]): Promise<string> {
  await s.createRole(admin, `pw-${admin}`, 'CREATEROLE');
  for (const m of members) await s.createRole(m, `pw-${m}`);
  const db = await s.createDatabase(admin);
  const code = await runCli(['store', 'init', '--url', s.url(admin, `pw-${admin}`, db), ...members.flatMap((m) => ['--grant', m])], {
    io: { stdout: () => undefined, stderr: (t) => void process.stderr.write(t) }, env: {}, prompt: null,
  });
  if (code !== 0) throw new Error(`dormouse store init exited ${code}`);
  return db;
}
