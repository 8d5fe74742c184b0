// After a salvage: a memory whose row was readable but some of whose chunks sat on a damaged page
// would be kept yet no longer found by its words. Its chunks are cut again from its content (the
// memory row holds the whole content), so every saved memory is searchable as before. Cost: one
// pass comparing each memory's joined chunks with its content, run only after a salvage.
import { chunkContent } from '../capture/chunker';
import { MemoryStore } from './memory-store';
import type { SqlDatabase } from './sql';
import type { Clock } from '../../shared/clock';

/** Re-chunks every memory whose chunks do not join back to its content; returns how many. */
export function rechunkIncomplete(db: SqlDatabase, clock: Clock): number {
  const broken = db
    .prepare<[], { id: number; title: string; language: string | null; content: string; content_hash: string; updated_at: number }>(
      `SELECT m.id, m.title, m.language, m.content, m.content_hash, m.updated_at FROM memories m
       WHERE m.content IS NOT coalesce((SELECT group_concat(c.text, '' ORDER BY c.seq) FROM chunks c WHERE c.memory_id = m.id), '')`,
    )
    .all();
  const store = new MemoryStore(db, clock);
  for (const m of broken) {
    store.replaceContent(m.id, { title: m.title, language: m.language, content: m.content, contentHash: m.content_hash, updatedAt: m.updated_at, chunks: chunkContent(m.content) });
  }
  return broken.length;
}
