// The auth token: 32 random bytes (hex) in a 0600 file beside the data. Every connection must
// present it first: only processes that can read the user's data dir can talk to the daemon.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const TOKEN_BYTES = 32;

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/**
 * Writes the token atomically (temp file 0600 + rename): a client never reads half a token,
 * and the file is never briefly readable by others.
 */
export function writeToken(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true }); // a leftover temp file could carry a looser mode: 'wx' below creates it fresh
  try {
    writeFileSync(temp, token, { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** The token in `path` (whitespace trimmed); throws ENOENT when no daemon ever wrote one. */
export function readToken(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/** Constant-time comparison (timingSafeEqual needs equal lengths; a length mismatch is a plain no). */
export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
