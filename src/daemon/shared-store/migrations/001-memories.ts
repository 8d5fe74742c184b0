import type { SharedMigration } from './migration';

// The shared memories: one row per local memory of every machine, keyed by (machine_id, local_id),
// the stable identity the replicator upserts on (so shipping one twice changes nothing).
// - owner: the role that wrote the row (row-level security, 002); default current_user.
// - workspace + shared: the workspace folder the memory belongs to and whether that workspace
//   shares with the team (setting sharedFolders); only shared rows are visible to the team.
// - times are epoch ms, as in the local store, so filters translate one to one.
// - terms: the tsvector, built in JS (document.ts) with the local store's tokenizer and identifier
//   splitting: whole tokens weight A (the local `text` column), identifier parts weight B (the
//   local `parts` column). Built in JS because Postgres' parser would split task_path and read
//   `2.5` or `a@b.c` as other token types.
// - words: the distinct tokens and parts, space-separated, for pg_trgm: typo candidates (<% uses
//   the trigram index), so corrections come only from rows the reader may see.
export const migration001Memories: SharedMigration = {
  version: 1,
  name: 'memories',
  sql: `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE dormouse.memories (
  machine_id text NOT NULL,
  local_id bigint NOT NULL,
  owner name NOT NULL DEFAULT current_user,
  workspace text,
  shared boolean NOT NULL DEFAULT false,
  kind text NOT NULL CHECK (kind IN ('file', 'selection', 'terminal', 'text')),
  path text,
  title text NOT NULL,
  language text,
  note text,
  exit_code integer,
  content text NOT NULL,
  captured_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  terms tsvector NOT NULL,
  words text NOT NULL,
  PRIMARY KEY (machine_id, local_id)
);
CREATE INDEX memories_terms ON dormouse.memories USING gin (terms);
CREATE INDEX memories_words ON dormouse.memories USING gin (words gin_trgm_ops);
CREATE INDEX memories_captured ON dormouse.memories (captured_at DESC);
CREATE INDEX memories_owner_captured ON dormouse.memories (owner, captured_at DESC);
`,
};
