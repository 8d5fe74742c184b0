// How tests configure a real daemon for a shared store, as a user would: storeUrl in the settings
// (no password in it: the settings refuse one) and the password in a file named by
// DORMOUSE_STORE_PASSWORD_FILE, over the throw-away server's Unix socket.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
