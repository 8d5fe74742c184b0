// The shared store's connection: a `postgres://` URL (setting `storeUrl`, or `store init --url`)
// and a password that never lives in settings. Pure apart from reading the password file.
//
// Where the password comes from, first found wins:
//   1. the URL itself: accepted from the command line (`store init --url`), refused in settings;
//   2. the file named by DORMOUSE_STORE_PASSWORD_FILE, else `<data dir>/store-password`
//      (first line; the file should be 0600);
//   3. PGPASSWORD (node-postgres reads it itself);
//   4. the OS keychain, entry `dormouse` / ROLE@HOST/DATABASE (keychain-password.ts);
//   5. ~/.pgpass (node-postgres).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolConfig } from 'pg';
import { keychainAccount, passwordFromKeychain } from './keychain-password';
import { DEFAULT_PASSWORD_FILE, PASSWORD_FILE_ENV, StoreUrlError, parseStoreUrl } from '../../shared/store-url';

export { PASSWORD_FILE_ENV, StoreUrlError, parseStoreUrl };

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = parseStoreUrl(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export interface PasswordSources {
  env: NodeJS.ProcessEnv;
  dataDir?: string;
}

/** The password from the file sources, or undefined (node-postgres then tries PGPASSWORD and ~/.pgpass). */
export function passwordFromFile(src: PasswordSources): string | undefined {
  const file = src.env[PASSWORD_FILE_ENV] ?? (src.dataDir ? join(src.dataDir, DEFAULT_PASSWORD_FILE) : undefined);
  if (!file) return undefined;
  if (!existsSync(file)) {
    if (src.env[PASSWORD_FILE_ENV]) throw new StoreUrlError(`${PASSWORD_FILE_ENV} names ${file}, which does not exist`);
    return undefined;
  }
  return readFileSync(file, 'utf8').split(/\r?\n/)[0];
}

/** node-postgres pool settings for a store URL (checked), with the password from its sources. */
export function poolConfig(url: string, src: PasswordSources): PoolConfig {
  const parsed = parseStoreUrl(url);
  const password = parsed.password ? undefined : (passwordFromFile(src) ?? (src.env.PGPASSWORD ? undefined : passwordFromKeychain(keychainAccount(parsed), src.env)));
  // node-postgres lets the connection string override a separate `password` field: put it in the URL.
  if (password !== undefined) parsed.password = password;
  return {
    connectionString: password !== undefined ? parsed.toString() : url,
    application_name: 'dormouse',
    connectionTimeoutMillis: 10_000,
  };
}
