// The local side of replication (migration 006): read the oldest pending memories with what the
// shared store needs, and drop entries once shipped. One SQL operation per function.
import type { MemoryKind } from '../../shared/protocol';
import type { NewMemory } from './memory-store';
import { CONTENT_SQL } from './chunk-body';
import type { SqlDatabase } from './sql';

/** A memory as the shared store receives it: a new memory's fields, every one known, without its local hash. */
export type OutboxMemory = Required<Omit<NewMemory, 'contentHash'>>;

export interface OutboxEntry {
  seq: number;
  memoryId: number;
  /** Forgotten or expired locally (or gone since): delete it from the shared store. */
  deleted: boolean;
  memory: OutboxMemory | null;
}

interface Row {
  seq: number;
  memory_id: number;
  deleted: number;
  kind: MemoryKind | null;
  path: string | null;
  title: string | null;
  language: string | null;
  note: string | null;
  exit_code: number | null;
  content: string | null;
  captured_at: number | null;
  updated_at: number | null;
  shared: number | null;
}

/** The oldest `limit` pending entries after `afterSeq`, each with its memory when it still exists. */
export function readOutbox(db: SqlDatabase, limit: number, afterSeq = 0): OutboxEntry[] {
  const rows = db.prepare<[number, number], Row>(
    `SELECT o.seq, o.memory_id, o.deleted, m.kind, m.path, m.title, m.language, m.note, m.exit_code,
            CASE WHEN m.id IS NULL THEN NULL ELSE ${CONTENT_SQL} END AS content, m.captured_at, m.updated_at, m.shared
     FROM (SELECT * FROM shared_outbox WHERE seq > ? ORDER BY seq LIMIT ?) o LEFT JOIN memories m ON m.id = o.memory_id
     ORDER BY o.seq`,
  ).all(afterSeq, limit);
  return rows.map((r) => ({
    seq: r.seq,
    memoryId: r.memory_id,
    deleted: r.deleted === 1 || r.kind === null,
    memory: r.kind === null || r.deleted === 1 ? null : {
      kind: r.kind, path: r.path, title: r.title ?? '', language: r.language, note: r.note, exitCode: r.exit_code,
      content: r.content ?? '', capturedAt: r.captured_at ?? 0, updatedAt: r.updated_at ?? 0, shared: r.shared === 1,
    },
  }));
}

/** Drops shipped entries, each only if still at the seq that was shipped (a newer change stays pending). */
export function dropShipped(db: SqlDatabase, entries: readonly Pick<OutboxEntry, 'seq'>[]): void {
  if (entries.length === 0) return;
  db.prepare<[string]>('DELETE FROM shared_outbox WHERE seq IN (SELECT value FROM json_each(?))').run(JSON.stringify(entries.map((e) => e.seq)));
}

/** Entries not shipped yet (status `store.backlog`). */
export function outboxBacklog(db: SqlDatabase): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM shared_outbox').get()?.n ?? 0;
}
