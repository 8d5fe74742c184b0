import type { Migration } from './migration';

// Idempotency keys: a client that cannot know whether its enqueue was accepted (the reply was lost
// when a window closed or the daemon died) sends the same key again and gets the first job back,
// whatever state it is in now. Unlike dedupe keys (which merge *waiting* work), this remembers
// done jobs too, for as long as they are kept (prune-done). Partial unique index: only keyed rows.
export const migration003Idempotency: Migration = {
  version: 3,
  name: 'idempotency',
  sql: `
ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX jobs_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
`,
};
