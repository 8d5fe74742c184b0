// The process's open-file limit, which bounds how many clients the daemon can really serve: each
// connection is a descriptor, and past the soft limit accept() fails with EMFILE and libuv closes
// the newcomer without a word. Node has no setrlimit, so the daemon cannot raise its own soft limit
// to the hard one: it reads the limit (Linux: /proc/self/limits) and says so when
// ipcMaxConnections does not fit, naming what the user can do (raise `ulimit -n` before starting).
import { readFileSync } from 'node:fs';

export interface OpenFileLimit {
  soft: number | null;
  hard: number | null;
}

/** Descriptors the daemon holds besides its clients: the database, WAL and SHM, the log, the listener, stdio, Node's own. */
const RESERVED_DESCRIPTORS = 64;

/** null where the limit cannot be read (macOS, Windows). `unlimited` reads as null too. */
export function readOpenFileLimit(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): OpenFileLimit | null {
  let text: string;
  try {
    text = read('/proc/self/limits');
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return null;
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return { soft: num(m[1]), hard: num(m[2]) };
}

/** A warning when `maxConnections` clients would not fit under the soft limit, else null. */
export function openFileLimitWarning(maxConnections: number, limit: OpenFileLimit | null): string | null {
  if (!limit || limit.soft === null || maxConnections + RESERVED_DESCRIPTORS <= limit.soft) return null;
  const fits = Math.max(0, limit.soft - RESERVED_DESCRIPTORS);
  const raise = limit.hard !== null && limit.hard > limit.soft ? ` (the hard limit allows ${limit.hard}: \`ulimit -n ${limit.hard}\` in the shell that starts the daemon)` : '';
  return `ipcMaxConnections is ${maxConnections} but the open-file limit (ulimit -n) is ${limit.soft}: about ${fits} clients fit, later ones are closed without a message; raise the limit${raise} or lower ipcMaxConnections`;
}
