// Ships memories to the shared store: one INSERT ... ON CONFLICT for a whole batch, keyed by
// (machine_id, local_id), so shipping a batch twice (a reply lost to a dropped connection) leaves
// one row per memory with the newest content. Arrays + unnest keep it one statement with a fixed
// text whatever the batch size (one cached plan, one pg_stat_statements entry).
import type { ClientBase } from 'pg';
import type { OutboxMemory } from '../store/shared-outbox';
import { type SharedDocument, sharedDocument } from './document';

/** An outbox memory with its identity and workspace: one row of the shared table. */
export interface SharedMemory extends OutboxMemory {
  localId: number;
  workspace: string | null;
}

const UPSERT_SQL = `
INSERT INTO dormouse.memories AS m (machine_id, local_id, workspace, shared, kind, path, title, language, note, exit_code,
  content, captured_at, updated_at, terms)
SELECT $1, u.local_id, u.workspace, u.shared, u.kind, u.path, u.title, u.language, u.note, u.exit_code,
  u.content, u.captured_at, u.updated_at, u.terms::tsvector
FROM unnest($2::bigint[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::integer[],
  $11::text[], $12::bigint[], $13::bigint[], $14::text[])
  AS u (local_id, workspace, shared, kind, path, title, language, note, exit_code, content, captured_at, updated_at, terms)
ON CONFLICT (machine_id, local_id) DO UPDATE SET
  workspace = EXCLUDED.workspace, shared = EXCLUDED.shared, kind = EXCLUDED.kind, path = EXCLUDED.path, title = EXCLUDED.title,
  language = EXCLUDED.language, note = EXCLUDED.note, exit_code = EXCLUDED.exit_code, content = EXCLUDED.content,
  captured_at = EXCLUDED.captured_at, updated_at = EXCLUDED.updated_at, terms = EXCLUDED.terms`;

/** `docs`: each memory's sharedDocument, when the caller built them already (in slices, see the replicator). */
export async function upsertMemories(
  client: ClientBase, machineId: string, memories: readonly SharedMemory[],
  docs: readonly SharedDocument[] = memories.map((m) => sharedDocument(m.content, m.note)),
): Promise<void> {
  if (memories.length === 0) return;
  const col = <T>(f: (m: SharedMemory) => T) => memories.map(f);
  await client.query(UPSERT_SQL, [
    machineId, col((m) => m.localId), col((m) => m.workspace), col((m) => m.shared), col((m) => m.kind), col((m) => m.path),
    col((m) => m.title), col((m) => m.language), col((m) => m.note), col((m) => m.exitCode), col((m) => stripNul(m.content)),
    col((m) => m.capturedAt), col((m) => m.updatedAt), docs.map((d) => d.terms),
  ]);
}

/** Postgres text cannot hold U+0000; the local store can. The index never had it (not a token char). */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}
