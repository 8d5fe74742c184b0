import type { Migration } from './migration';

// What the shared store (PostgreSQL, shared-store/replicator.ts) has not received yet. Triggers
// record every insert, update and delete of a memory, so no capture path has to remember to, and
// the replicator ships in `seq` order and deletes an entry only if it is still the one it shipped
// (AUTOINCREMENT: a seq is never reused, so a memory changed while in flight stays pending).
// `deleted` 1: the memory was forgotten or expired; the shared store deletes it too.
// Existing memories are all pending once. Without a storeUrl nothing reads the table: one small
// row per memory, bounded by retention like the memories themselves.
export const migration006SharedOutbox: Migration = {
  version: 6,
  name: 'shared-outbox',
  sql: `
CREATE TABLE shared_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  memory_id INTEGER NOT NULL UNIQUE,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER memories_outbox_ai AFTER INSERT ON memories BEGIN
  INSERT OR REPLACE INTO shared_outbox (memory_id, deleted) VALUES (new.id, 0);
END;
CREATE TRIGGER memories_outbox_au AFTER UPDATE ON memories BEGIN
  INSERT OR REPLACE INTO shared_outbox (memory_id, deleted) VALUES (new.id, 0);
END;
CREATE TRIGGER memories_outbox_ad AFTER DELETE ON memories BEGIN
  INSERT OR REPLACE INTO shared_outbox (memory_id, deleted) VALUES (old.id, 1);
END;
INSERT INTO shared_outbox (memory_id, deleted) SELECT id, 0 FROM memories ORDER BY id;
`,
};
