// After a salvage's rows are copied: each saved memory must give back exactly the content it was
// captured with, or it is not kept. Since migration 005 a memory's content lives only in its chunk
// list (memory_chunks, a WITHOUT ROWID table the rowid walk does not copy) and the chunks it names,
// so a damaged page of either leaves a memory with a hole. Such a memory is dropped and counted
// lost, never kept with a wrong content that Restore would write back into a file. Its content hash
// (sha256 of the content, stored since the first schema) is the check.
//
// A file older than version 5 has no chunk list: its memories still hold their content, which is
// read from it and chunked again here (and its old chunks are not copied: copyTable skips a table
// whose required columns the damaged file lacks).
import type Database from 'better-sqlite3';
import { contentHashOf } from '../capture/capture-worker';
import type { Clock } from '../../shared/clock';
import { CONTENT_SQL } from './chunk-body';
import { MemoryStore } from './memory-store';
import type { SqlDatabase } from './sql';

const CHECK_PAGE = 256;

/** Restores each saved memory's content from the damaged file; returns how many memories were dropped. */
export function restoreSalvagedContents(source: Database.Database, target: SqlDatabase, clock: Clock): number {
  const ids = target.prepare<[], { id: number }>('SELECT id FROM memories ORDER BY id').all().map((r) => r.id);
  if (hasColumn(source, 'memories', 'content')) rechunkFromContent(source, target, ids, clock);
  else copyChunkLists(source, target, ids);
  return dropIncomplete(target);
}

/** One memory's list at a time, so a damaged page costs only the memories listed on it. */
function copyChunkLists(source: Database.Database, target: SqlDatabase, ids: readonly number[]): void {
  if (!hasColumn(source, 'memory_chunks', 'chunk_id')) return;
  const read = source.prepare('SELECT seq, chunk_id FROM memory_chunks WHERE memory_id = ? ORDER BY seq');
  const insert = target.prepare<[number, number, number]>('INSERT OR IGNORE INTO memory_chunks (memory_id, seq, chunk_id) VALUES (?, ?, ?)');
  target.transaction(() => {
    for (const id of ids) {
      let rows: Array<{ seq: number; chunk_id: number }>;
      try {
        rows = read.all(id) as typeof rows;
      } catch {
        continue; // its list sat on a damaged page: the memory has no content and is dropped below
      }
      for (const r of rows) insert.run(id, r.seq, r.chunk_id);
    }
  });
}

function rechunkFromContent(source: Database.Database, target: SqlDatabase, ids: readonly number[], clock: Clock): void {
  const read = source.prepare('SELECT title, language, content, content_hash FROM memories WHERE id = ?');
  const store = new MemoryStore(target, clock);
  for (const id of ids) {
    let row: { title: string; language: string | null; content: string; content_hash: string } | undefined;
    try {
      row = read.get(id) as typeof row;
    } catch {
      continue;
    }
    if (!row) continue;
    store.replaceContent(id, { title: row.title, language: row.language, content: row.content, contentHash: row.content_hash, updatedAt: clock.now() });
  }
}

/** Deletes every memory whose reconstructed content does not match its hash (its chunks follow by trigger). */
function dropIncomplete(target: SqlDatabase): number {
  // A page of memories at a time: a large store's contents never sit in memory all at once.
  const page = target.prepare<[number, number], { id: number; content_hash: string; content: string }>(
    `SELECT m.id, m.content_hash, ${CONTENT_SQL} AS content FROM memories m WHERE m.id > ? ORDER BY m.id LIMIT ?`,
  );
  const broken: number[] = [];
  for (let after = -Number.MAX_SAFE_INTEGER; ; ) {
    const rows = page.all(after, CHECK_PAGE);
    if (rows.length === 0) break;
    for (const r of rows) if (contentHashOf(r.content) !== r.content_hash) broken.push(r.id);
    after = rows[rows.length - 1]!.id;
  }
  const remove = target.prepare<[number]>('DELETE FROM memories WHERE id = ?');
  target.transaction(() => {
    for (const id of broken) remove.run(id);
    // Chunks no saved memory names (their memories were lost) are not kept.
    target.exec('DELETE FROM chunks WHERE NOT EXISTS (SELECT 1 FROM memory_chunks mc WHERE mc.chunk_id = chunks.id)');
  });
  return broken.length;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  try {
    return (db.pragma(`table_info("${table}")`) as Array<{ name: string }>).some((c) => c.name === column);
  } catch {
    return false;
  }
}
