import type { Clock } from '../../../shared/clock';
import type { Logger } from '../../../shared/logger';
import { chunkContent } from '../../capture/chunker';
import { NOTE_SEQ, chunkIdFor } from '../chunk-body';
import type { SqlDatabase } from '../sql';
import { rebuildVocabulary } from '../vocabulary';
import type { Migration } from './migration';

// Each content stored once. Before: memories.content held a memory's content, chunks.text held it
// again (fixed 40-line chunks, so a version of a file shared few chunks with the one before) and
// chunks.parts a third of it once more. Now:
// - `chunks` holds each DISTINCT chunk once (content-defined boundaries, capture/chunker.ts), for
//   every memory, version and file that contains it: `hash` (64 bits of SHA-256, indexed, a match
//   confirmed on the text) and `body` (chunk-body.ts: deflated when smaller);
// - `memory_chunks` (memory_id, seq, chunk_id) lists a memory's chunks in order: seq >= 0 are its
//   content (joined, they give it back exactly), seq -1 its note (indexed, not content);
// - memories.content is gone: the content is reconstructed from its chunks (memory-store.ts);
// - `chunks_fts` is an external-content index over the view `chunk_docs`, whose `text` and `parts`
//   are computed from `body` (parts are never stored). Same columns, tokenizer, prefix indexes and
//   rank as migration 004, so queries are unchanged; its rowids are chunk ids, which still grow
//   with insertion: bounded ranking's "newest matches" are the newest distinct chunks.
// - prefix = '3' only: the 2-character prefix index was 15 % of the store (0.68 -> 0.59 MB per MB
//   of content, bench/store-size.ts) and a 2-character prefix query without it took 2 s at 1M
//   chunks, so prefix matching starts at 3 characters (match-plan.ts MIN_PREFIX).
// - Deleting a memory deletes its memory_chunks rows (trigger); deleting the last reference to a
//   chunk deletes the chunk (trigger), and its index row with it. Nothing else deletes chunks.
//
// Existing databases: every memory is re-chunked from memories.content, MIGRATE_BATCH memories
// per read, progress logged; then the index is rebuilt in one FTS5 'rebuild' pass and the
// vocabulary from it. One transaction (the runner's contract): a crash leaves version 4 intact.
// open-database.ts vacuums once afterwards, so the file shrinks to the new layout.
export const MIGRATE_BATCH = 500;

const SCHEMA_BEFORE = `
DROP TRIGGER chunks_ai;
DROP TRIGGER chunks_ad;
DROP TRIGGER chunks_au;
DROP TRIGGER memories_ad;
DROP TABLE chunks_vocab;
DROP TABLE chunks_fts;
ALTER TABLE chunks RENAME TO chunks_v4;
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  hash INTEGER NOT NULL,
  body ANY NOT NULL
) STRICT;
CREATE INDEX chunks_hash ON chunks (hash);
CREATE TABLE memory_chunks (
  memory_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  chunk_id INTEGER NOT NULL,
  PRIMARY KEY (memory_id, seq)
) WITHOUT ROWID;
CREATE INDEX memory_chunks_chunk ON memory_chunks (chunk_id, memory_id);
CREATE VIEW chunk_docs AS SELECT id, dm_chunk_text(body) AS text, dm_chunk_parts(body) AS parts FROM chunks;
`;

const SCHEMA_AFTER = `
ALTER TABLE memories DROP COLUMN content;
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  parts,
  content = 'chunk_docs',
  content_rowid = 'id',
  tokenize = "unicode61 tokenchars '_'",
  prefix = '3'
);
INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab (chunks_fts, row);

CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, parts) VALUES (new.id, dm_chunk_text(new.body), dm_chunk_parts(new.body));
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, parts) VALUES ('delete', old.id, dm_chunk_text(old.body), dm_chunk_parts(old.body));
END;
CREATE TRIGGER memory_chunks_ad AFTER DELETE ON memory_chunks BEGIN
  DELETE FROM chunks WHERE id = old.chunk_id AND NOT EXISTS (SELECT 1 FROM memory_chunks WHERE chunk_id = old.chunk_id);
END;
CREATE TRIGGER memories_ad AFTER DELETE ON memories BEGIN
  DELETE FROM memory_chunks WHERE memory_id = old.id;
END;
`;

/** Re-chunks every memory from memories.content into chunks + memory_chunks, in id order. */
function convertMemories(db: SqlDatabase, log: Logger, clock: Clock): { memories: number; chunks: number } {
  const total = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memories').get()?.n ?? 0;
  if (total === 0) return { memories: 0, chunks: 0 };
  log.info(`storing the chunks of ${total} memories once`);
  const read = db.prepare<[number, number], { id: number; content: string; note: string | null }>(
    'SELECT id, content, note FROM memories WHERE id > ? ORDER BY id LIMIT ?',
  );
  const ref = db.prepare<[number, number, number]>('INSERT INTO memory_chunks (memory_id, seq, chunk_id) VALUES (?, ?, ?)');
  const started = clock.monotonicNow();
  let done = 0;
  let after = 0;
  let nextLog = 0;
  for (;;) {
    const rows = read.all(after, MIGRATE_BATCH);
    if (rows.length === 0) break;
    for (const r of rows) {
      chunkContent(r.content).forEach((text, seq) => ref.run(r.id, seq, chunkIdFor(db, text).id));
      if (r.note) ref.run(r.id, NOTE_SEQ, chunkIdFor(db, r.note).id);
    }
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    if (done >= nextLog || done === total) {
      log.info(`chunks stored once: ${done}/${total} memories (${Math.round((done / total) * 100)} %, ${((clock.monotonicNow() - started) / 1000).toFixed(1)} s)`);
      nextLog = done + Math.max(MIGRATE_BATCH, Math.floor(total / 10));
    }
  }
  const chunks = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()?.n ?? 0;
  return { memories: done, chunks };
}

export const migration005ChunksOnce: Migration = {
  version: 5,
  name: 'chunks-once',
  sql: SCHEMA_BEFORE,
  run(db, log, clock) {
    const { memories, chunks } = convertMemories(db, log, clock);
    db.exec('DROP TABLE chunks_v4;');
    db.exec(SCHEMA_AFTER);
    if (memories === 0) return;
    const started = clock.monotonicNow();
    db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')").run();
    const terms = rebuildVocabulary(db);
    log.info(`rebuilt the full-text index of ${chunks} distinct chunks (from ${memories} memories) and a vocabulary of ${terms} terms in ${((clock.monotonicNow() - started) / 1000).toFixed(1)} s`);
  },
};
