// The shared store's URL rules, pure (no I/O) so settings validation (src/shared/settings.ts), the
// daemon and the CLI agree: a postgres:// URL naming a database, and in settings never a password.

export const PASSWORD_FILE_ENV = 'DORMOUSE_STORE_PASSWORD_FILE';
export const DEFAULT_PASSWORD_FILE = 'store-password';

/** A URL Dormouse cannot use: exit 2 on the CLI, `lastError` in status. Never echoes a password. */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

/** Parses and checks a store URL; the message of a bad one says what is wrong. */
export function parseStoreUrl(url: string): URL {
  let parsed: URL;
  try {
    // libpq's socket form `postgres://user@/db?host=/run/postgresql` has credentials and an empty
    // host, which WHATWG URLs reject: parse it with a placeholder host (node-postgres reads `host`).
    parsed = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/@]*@)\//, '$1localhost/'));
  } catch {
    throw new StoreUrlError('storeUrl is not a URL: expected postgres://USER@HOST[:PORT]/DATABASE');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreUrlError(`storeUrl must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.pathname || parsed.pathname === '/') throw new StoreUrlError('storeUrl names no database: expected postgres://USER@HOST[:PORT]/DATABASE');
  return parsed;
}

/** A setting's check: a store URL in settings must not carry a password (settings files are not secret). */
export function settingsUrlProblem(url: string): string | null {
  try {
    const parsed = parseStoreUrl(url);
    if (parsed.password) return `storeUrl must not contain a password: put it in $${PASSWORD_FILE_ENV}, <data dir>/${DEFAULT_PASSWORD_FILE} or PGPASSWORD`;
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

