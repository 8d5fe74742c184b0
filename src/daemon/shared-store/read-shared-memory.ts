// One memory of another machine, read from the shared store by its identity (machine id, local
// id), for `memory { id, machineId }`: a recall hit from the shared store names a memory on the
// machine that captured it, and this daemon's local store has a different memory (or none) under
// that id. Row-level security limits the read to the role's own rows and the team's shared ones;
// the visibility rule is applied here as well because the table's owner may read every row
// (migration 003's policy for the search functions), as recentShared does.
import type { ClientBase } from 'pg';
import type { MemoryKind, MemoryRecord } from '../../shared/protocol';
import { VISIBLE_TO_SESSION } from './migrations/003-search-functions';

interface Row {
  local_id: string;
  kind: MemoryKind;
  path: string | null;
  title: string;
  language: string | null;
  note: string | null;
  exit_code: number | null;
  content: string;
  captured_at: string;
  updated_at: string;
}

/** Null when the machine has no such memory, or the role may not see it. */
export async function readSharedMemory(client: ClientBase, machineId: string, localId: number): Promise<MemoryRecord | null> {
  const r = await client.query<Row>(
    `SELECT m.local_id, m.kind, m.path, m.title, m.language, m.note, m.exit_code, m.content, m.captured_at, m.updated_at
     FROM dormouse.memories m WHERE m.machine_id = $1 AND m.local_id = $2 AND ${VISIBLE_TO_SESSION}`,
    [machineId, localId],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    id: Number(row.local_id),
    kind: row.kind,
    path: row.path,
    title: row.title,
    language: row.language,
    note: row.note,
    exitCode: row.exit_code,
    content: row.content,
    capturedAt: new Date(Number(row.captured_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}
