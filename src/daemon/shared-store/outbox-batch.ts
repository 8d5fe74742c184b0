// The next batch to ship, read from the outbox and indexed (sharedDocument) a slice at a time,
// yielding one event-loop turn between slices. Why: the replicator prepares batch k+1 while the
// server works on batch k; a batch's upsert is megabytes, and the socket only flushes the rest of
// it, and reads the reply, when this process lets the event loop run.
// A memory changed while its batch was being read has a newer outbox entry (a higher seq): the
// batch keeps its newest one only, since one upsert may not touch a row twice.
import { isPathWithin } from '../../shared/query-language';
import { yieldTurn } from '../../shared/yield-turn';
import type { SqlDatabase } from '../store/sql';
import { type OutboxEntry, readOutbox } from '../store/shared-outbox';
import { type SharedDocument, sharedDocument } from './document';
import type { SharedMemory } from './upsert-memories';

export interface OutboxBatch {
  /** Every entry read, superseded ones included (all are dropped once the batch is shipped). */
  entries: OutboxEntry[];
  lastSeq: number;
  upserts: SharedMemory[];
  docs: SharedDocument[];
  deletes: number[];
}

/** Entries read, and documents built, between two yields. */
const SLICE = 50;

/**
 * Up to `size` entries after `afterSeq`; null when none wait. `sharedFolders` (setting): memories
 * below these are shared too, besides those whose capture asked to be (dormouse.shareWithTeam).
 */
export async function readOutboxBatch(
  db: SqlDatabase, opts: { size: number; afterSeq: number; sharedFolders: readonly string[] },
): Promise<OutboxBatch | null> {
  const entries: OutboxEntry[] = [];
  const newest = new Map<number, OutboxEntry>();
  let lastSeq = opts.afterSeq;
  while (entries.length < opts.size) {
    const slice = readOutbox(db, Math.min(SLICE, opts.size - entries.length), lastSeq);
    if (slice.length === 0) break;
    for (const e of slice) newest.set(e.memoryId, e);
    entries.push(...slice);
    lastSeq = slice[slice.length - 1]!.seq;
    if (slice.length === SLICE) await yieldTurn();
  }
  if (entries.length === 0) return null;
  const upserts: SharedMemory[] = [];
  const docs: SharedDocument[] = [];
  const deletes: number[] = [];
  for (const e of newest.values()) {
    if (!e.memory) {
      deletes.push(e.memoryId);
      continue;
    }
    const { shared, ...memory } = e.memory;
    const workspace = memory.path ? (opts.sharedFolders.find((f) => isPathWithin(memory.path!, f)) ?? null) : null;
    upserts.push({ localId: e.memoryId, ...memory, workspace, shared: shared || workspace !== null });
    docs.push(sharedDocument(memory.content, memory.note));
    if (docs.length % SLICE === 0) await yieldTurn();
  }
  return { entries, lastSeq, upserts, docs, deletes };
}
