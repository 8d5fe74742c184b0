// A daemon whose start will take long (a migration that reindexes every memory, a full check of a
// large file) first sends its starter `{ starting: "<why>" }` (a fork IPC message, or a JSON line
// on stdout). The starter then waits up to this long for `ready` instead of its usual few seconds,
// so an upgrade over a large store is not killed mid-migration and restarted forever.
export const SLOW_START_TIMEOUT_MS = 10 * 60_000;

/** The `{starting}` message's reason, or null when the message is something else. */
export function slowStartReason(message: unknown): string | null {
  const starting = (message as { starting?: unknown } | null)?.starting;
  return typeof starting === 'string' ? starting : null;
}
