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

/** The status bar's words for the shared store, or null when there is nothing to say. */
export function describeStoreStatus(s: StoreStatus): string | null {
  if (s.kind !== 'postgres' || s.reachable !== false) return null;
  const since = s.unreachableSince ? ` since ${s.unreachableSince}` : '';
  const backlog = s.backlog > 0 ? ` (${s.backlog} waiting)` : '';
  return `shared store unreachable${since}${backlog}: ${s.lastError ?? 'unknown error'}`;
}
