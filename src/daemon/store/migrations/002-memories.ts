import type { Migration } from './migration';

// Memories and their full-text index.
// - `memories` holds one capture (file snapshot, selection, terminal command, note) with its whole
//   content; times are wall-clock epoch ms.
// - `chunks` splits the content into ~40-line pieces so a hit points at a small snippet and bm25
//   length normalisation compares like with like.
// - `chunks_fts` is an EXTERNAL-CONTENT FTS5 index over chunks.text: the text is stored once (in
//   chunks) and snippet() reads it back from there. Triggers keep it in sync, so code never writes
//   the index directly and a deleted or merged memory can never leave stale index rows behind.
// - tokenchars '_' keeps snake_case identifiers whole (as camelCase already is); prefix='3' adds a
//   3-character prefix index so `abc*` queries read one index entry instead of merging every term
//   that starts with abc.
// - Deleting a memory deletes its chunks by trigger (no reliance on PRAGMA foreign_keys), and each
//   chunk deletion removes its index row.
export const migration002Memories: Migration = {
  version: 2,
  name: 'memories',
  sql: `
CREATE TABLE memories (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('file', 'selection', 'terminal', 'text')),
  path TEXT,
  title TEXT NOT NULL,
  language TEXT,
  note TEXT,
  exit_code INTEGER,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  captured_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX memories_path_captured ON memories (path, captured_at);
CREATE INDEX memories_updated ON memories (updated_at);

CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  memory_id INTEGER NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX chunks_memory ON chunks (memory_id, seq);

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  content = 'chunks',
  content_rowid = 'id',
  tokenize = "unicode61 tokenchars '_'",
  prefix = '3'
);

CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER memories_ad AFTER DELETE ON memories BEGIN
  DELETE FROM chunks WHERE memory_id = old.id;
END;
`,
};
