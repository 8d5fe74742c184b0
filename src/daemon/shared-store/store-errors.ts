// Postgres and network failures as one clear sentence for status, the status bar and the CLI,
// and whether the fault is the user's input (a bad URL, password or missing rights: exit 2,
// retrying will not help) or the network/server (exit 1, retried with backoff).
import { StoreUrlError } from './store-url';
import { StoreNotInitialisedError } from './ensure-schema';
import { SharedSchemaTooNewError } from './migrations/runner';

export interface StoreFailure {
  message: string;
  /** The URL, password or rights are wrong: fix the configuration, retrying will not help. */
  configuration: boolean;
}

const CONFIG_CODES: Record<string, string> = {
  '28P01': 'wrong password (password authentication failed)',
  '28000': 'the server refused this role (no pg_hba.conf entry or role cannot log in)',
  '3D000': 'the database does not exist',
  '42501': 'missing rights',
  '42704': 'a role or object named in the command does not exist',
};

export function describeStoreFailure(err: unknown): StoreFailure {
  if (err instanceof StoreUrlError || err instanceof SharedSchemaTooNewError || err instanceof StoreNotInitialisedError) return { message: err.message, configuration: true };
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.code && CONFIG_CODES[e.code]) return { message: `${CONFIG_CODES[e.code]}: ${msg}`, configuration: true };
  if (/password must be a string|SASL|client password/i.test(msg)) {
    return { message: `no password for the store: set ${'DORMOUSE_STORE_PASSWORD_FILE'}, <data dir>/store-password or PGPASSWORD (${msg})`, configuration: true };
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOENT') return { message: `cannot connect: nothing listens there (${msg})`, configuration: false };
  if (e?.code === 'EPIPE' || e?.code === 'ECONNRESET' || /Connection terminated/i.test(msg)) return { message: `connection lost (${msg})`, configuration: false };
  if (e?.code === 'ENOTFOUND') return { message: `cannot connect: unknown host (${msg})`, configuration: false };
  if (e?.code === '57P01' || e?.code === '57P03') return { message: `the server is shutting down or starting (${msg})`, configuration: false };
  return { message: msg, configuration: false };
}
