// One page of `export`: memories in id order (the order they were stored, oldest first for live
// captures), after a cursor, optionally captured since a time. A page is cut to fit one IPC reply
// (ipcMaxMessageBytes): the sizes are read first (no content), then only the rows that fit.
import type { ExportedMemory } from '../../shared/protocol';
import { fitMemoryToMessage } from '../recall/fit-memory';
import { MEMORY_ROW_COLUMNS, type MemoryRow, toMemoryRecord } from './memory-store';
import type { SqlDatabase } from './sql';

const EXPORT_DEFAULT_LIMIT = 200;
/** Room kept for the reply envelope and the JSON of each memory's other fields. */
const ENVELOPE_BYTES = 64 * 1024;
const PER_MEMORY_OVERHEAD = 1024;

export interface ExportPage {
  memories: ExportedMemory[];
  nextAfterId: number | null;
}

const SIZES = `SELECT id, bytes + length(title) + coalesce(length(note), 0) + coalesce(length(path), 0) AS size
FROM memories WHERE id > @afterId AND captured_at >= @since ORDER BY id LIMIT @limit`;

const ROWS = `SELECT ${MEMORY_ROW_COLUMNS}
FROM memories m WHERE id > @afterId AND id <= @lastId AND captured_at >= @since ORDER BY id`;

export function exportPage(db: SqlDatabase, opts: { afterId?: number; since?: number; limit?: number }, maxMessageBytes: number): ExportPage {
  const afterId = opts.afterId ?? 0;
  const since = opts.since ?? 0;
  const limit = opts.limit ?? EXPORT_DEFAULT_LIMIT;
  const budget = Math.max(1024, maxMessageBytes - ENVELOPE_BYTES);
  // One row more than the page tells whether another page follows.
  const sizes = db.prepare<[{ afterId: number; since: number; limit: number }], { id: number; size: number }>(SIZES)
    .all({ afterId, since, limit: limit + 1 });
  if (sizes.length === 0) return { memories: [], nextAfterId: null };
  // Stored sizes are a first cut (JSON escaping can grow text); the exact check follows.
  let take = 0;
  for (let used = 0; take < Math.min(limit, sizes.length); take++) {
    used += sizes[take]!.size + PER_MEMORY_OVERHEAD;
    if (used > budget && take > 0) break;
  }
  const rows = db.prepare<[{ afterId: number; lastId: number; since: number }], MemoryRow>(ROWS)
    .all({ afterId, lastId: sizes[take - 1]!.id, since });
  const memories: ExportedMemory[] = [];
  let used = 0;
  for (const row of rows) {
    let memory: ExportedMemory = toMemoryRecord(row);
    let bytes = Buffer.byteLength(JSON.stringify(memory)) + 1;
    if (memories.length > 0 && used + bytes > budget) break;
    if (bytes > budget) {
      // Alone over the limit (captureMaxBytes above ipcMaxMessageBytes): cut, and say so.
      const fitted = fitMemoryToMessage({ ...memory, id: row.id }, maxMessageBytes);
      memory = { ...memory, content: fitted.content, truncated: true };
      bytes = Buffer.byteLength(JSON.stringify(memory)) + 1;
    }
    memories.push(memory);
    used += bytes;
  }
  const last = memories[memories.length - 1]!.id!;
  const more = memories.length < rows.length || sizes.length > take;
  return { memories, nextAfterId: more ? last : null };
}
