import type { Clock } from '../../../shared/clock';
import type { Logger } from '../../../shared/logger';
import { chunkParts } from '../../recall/identifiers';
import type { SqlDatabase } from '../sql';
import { rebuildVocabulary } from '../vocabulary';
import type { Migration } from './migration';

// Code-aware matching: each chunk is indexed in two FTS5 columns.
// - `text`: whole tokens as before (tokenchars '_' keeps snake_case whole), so `taskPath` and
//   `task_path` are exact, distinct identifiers.
// - `parts`: the identifier parts of the chunk's compound identifiers, in order (computed in JS by
//   recall/identifiers.ts and stored in `chunks.parts`, because an external-content index reads
//   its columns back from the content table for deletes and snippets). A phrase of parts
//   "task path" matches taskPath, TaskPath, task_path and TASK_PATH alike.
// - rank is bm25 with the text column weighted 2:1 over parts: a whole-identifier match beats a
//   match assembled from parts of other identifiers.
// - prefix = '2 3': prefix queries need >= 2 characters (search as you type). Measured on 20k
//   synthetic chunks: the 2-character index makes the FTS index 25.5 MB instead of 18.0 MB
//   (+42 %) and a 2-letter prefix's rowid cut-off 10-20x faster (0.16 vs 3.6 ms), because it reads
//   one index entry instead of merging every term that starts with those letters.
// - `vocabulary` (len, term): whole tokens and parts, for typo candidates (store/vocabulary.ts);
//   `chunks_vocab` is the fts5vocab view of the index that rebuilds it.
// - memories_captured: the "no words, just filters" listing reads memories newest first.
//
// Existing databases: every chunk's parts are computed (batches of REINDEX_BATCH rows, progress
// logged), then the new index is built with one FTS5 'rebuild' and the vocabulary from it. All of
// it runs inside the migration's single transaction (the runner's contract): a crash or kill
// mid-way leaves version 3 intact and the next start redoes it, never a half-indexed database.
// The trade-off: the daemon is not serving while it runs (openDatabase is synchronous, before the
// IPC server listens). Measured: 20k chunks in 7.1 s on a loaded 2-core machine (4.5 s computing
// parts, 2.2 s rebuilding the index), so ~35 s per 100k chunks and minutes at 1M, once. Clients
// see a daemon slow to start, not a failure. A background reindex (serving from the old index
// meanwhile) would avoid the wait but needs two query paths; not done yet, see the report.
export const REINDEX_BATCH = 2_000;

const SCHEMA_BEFORE_REINDEX = `
DROP TRIGGER chunks_ai;
DROP TRIGGER chunks_ad;
DROP TRIGGER chunks_au;
DROP TABLE chunks_fts;
ALTER TABLE chunks ADD COLUMN parts TEXT NOT NULL DEFAULT '';
CREATE TABLE vocabulary (
  len INTEGER NOT NULL,
  term TEXT NOT NULL,
  PRIMARY KEY (len, term)
) WITHOUT ROWID;
CREATE INDEX memories_captured ON memories (captured_at);
`;

const SCHEMA_AFTER_REINDEX = `
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  parts,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = "unicode61 tokenchars '_'",
  prefix = '2 3'
);
INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab (chunks_fts, row);

CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, parts) VALUES (new.id, new.text, new.parts);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, parts) VALUES ('delete', old.id, old.text, old.parts);
END;
CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, parts) VALUES ('delete', old.id, old.text, old.parts);
  INSERT INTO chunks_fts (rowid, text, parts) VALUES (new.id, new.text, new.parts);
END;
`;

/** Computes chunks.parts for every existing chunk, in id order, REINDEX_BATCH rows per read. */
function reindexParts(db: SqlDatabase, log: Logger, clock: Clock): number {
  const total = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()?.n ?? 0;
  if (total === 0) return 0;
  log.info(`reindexing ${total} chunks for identifier parts`);
  const read = db.prepare<[number, number], { id: number; text: string }>('SELECT id, text FROM chunks WHERE id > ? ORDER BY id LIMIT ?');
  const write = db.prepare<[string, number]>('UPDATE chunks SET parts = ? WHERE id = ?');
  const started = clock.monotonicNow();
  let done = 0;
  let after = 0;
  let nextLog = 0;
  for (;;) {
    const rows = read.all(after, REINDEX_BATCH);
    if (rows.length === 0) break;
    for (const r of rows) write.run(chunkParts(r.text), r.id);
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    if (done >= nextLog || done === total) {
      log.info(`identifier parts: ${done}/${total} chunks (${Math.round((done / total) * 100)} %, ${((clock.monotonicNow() - started) / 1000).toFixed(1)} s)`);
      nextLog = done + Math.max(REINDEX_BATCH, Math.floor(total / 10));
    }
  }
  return done;
}

export const migration004IdentifierParts: Migration = {
  version: 4,
  name: 'identifier-parts',
  sql: SCHEMA_BEFORE_REINDEX,
  run(db, log, clock) {
    const chunks = reindexParts(db, log, clock);
    db.exec(SCHEMA_AFTER_REINDEX);
    if (chunks === 0) return;
    const started = clock.monotonicNow();
    // One pass in C over the content table: far faster than re-inserting row by row.
    db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')").run();
    const terms = rebuildVocabulary(db);
    log.info(`rebuilt the full-text index of ${chunks} chunks and a vocabulary of ${terms} terms in ${((clock.monotonicNow() - started) / 1000).toFixed(1)} s`);
  },
};
