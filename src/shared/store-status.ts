// The `store` object of `dormouse status --json` (an addition: existing fields keep their meaning).
// No I/O, no `vscode`.

export interface StoreStatus {
  /** 'sqlite': the local store only (no storeUrl). 'postgres': a shared store is configured too. */
  kind: 'sqlite' | 'postgres';
  /** Whether the last attempt to reach the shared store worked; null before the first attempt (and for sqlite). */
  reachable: boolean | null;
  /** Local memory changes (captures, merges, forgets) not yet shipped to the shared store. */
  backlog: number;
  /** The last failure, one sentence without the password; null once a later attempt worked. */
  lastError: string | null;
  /** ISO-8601: when the store became unreachable (for "shared store unreachable since …"); null while reachable. */
  unreachableSince: string | null;
}

export const LOCAL_STORE_STATUS: StoreStatus = { kind: 'sqlite', reachable: null, backlog: 0, lastError: null, unreachableSince: null };

/**
 * How the daemon's lastError begins when the database has no Dormouse schema and this role may
 * not create it (shared-store/ensure-schema.ts): the one word the status bar tells apart, because
 * its fix is a command to run, not waiting for the network. Part of lastError, so the status JSON
 * needs no new field.
 */
export const NOT_INITIALISED = 'shared store not initialised';

export interface StoreProblem {
  /** A few words for the status bar text and the tree row. */
  label: string;
  /** The whole sentence: since when, what waits, why (the tooltip). */
  sentence: string;
}

/**
 * What the status bar and tree say about the shared store, or null when there is nothing to say
 * (the local store only, or the shared store reachable). `formatTime` renders unreachableSince
 * (ISO-8601) for the reader; by default it stays ISO.
 */
export function storeProblem(s: StoreStatus, formatTime: (iso: string) => string = (iso) => iso): StoreProblem | null {
  if (s.kind !== 'postgres' || s.reachable !== false) return null;
  const backlog = s.backlog > 0 ? ` (${s.backlog} waiting)` : '';
  if (s.lastError?.startsWith(NOT_INITIALISED)) {
    return { label: NOT_INITIALISED, sentence: `${NOT_INITIALISED}: run \`dormouse store init\`${backlog}; capturing locally meanwhile. ${s.lastError}` };
  }
  const since = s.unreachableSince ? ` since ${formatTime(s.unreachableSince)}` : '';
  return { label: 'shared store unreachable', sentence: `shared store unreachable${since}${backlog}: ${s.lastError ?? 'unknown error'}` };
}
