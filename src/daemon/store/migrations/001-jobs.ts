import type { Migration } from './migration';

// The durable job queue. Times are wall-clock epoch ms (they must survive a restart).
// Every index is partial: a row sits only in the index of the state it is in, so the millions of
// 'done' rows never slow the hot queries (lease, dedupe, earliest retry) and each state change
// touches at most two small indexes. Queries must repeat the index's WHERE terms verbatim
// (e.g. `state IN ('queued', 'failed-retrying')`) or SQLite's planner will not use them.
export const migration001Jobs: Migration = {
  version: 1,
  name: 'jobs',
  sql: `
CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,
  kind             TEXT    NOT NULL CHECK (kind IN ('capture', 'recall')),
  payload          TEXT    NOT NULL,
  dedupe_key       TEXT,
  priority         INTEGER NOT NULL DEFAULT 0,
  state            TEXT    NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'leased', 'done', 'failed-retrying', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
  next_run_at      INTEGER NOT NULL,
  lease_token      TEXT,
  lease_expires_at INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  completed_at     INTEGER
) STRICT;

-- Lease: the ready jobs of one kind in lease order. Future-dated retries sit here too, but there
-- are few of them; 'queued' jobs are always ready.
CREATE INDEX jobs_lease ON jobs (kind, priority DESC, next_run_at, id)
  WHERE state IN ('queued', 'failed-retrying');

-- Dedupe: a waiting job with the same kind and key absorbs a new enqueue.
CREATE INDEX jobs_dedupe ON jobs (kind, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'failed-retrying');

-- Earliest retry: min(next_run_at) arms the one retry timer (performance-facts: ~2 us).
CREATE INDEX jobs_retry ON jobs (next_run_at) WHERE state = 'failed-retrying';

-- Reaper: expired leases.
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'leased';

-- Pruning finished jobs by age.
CREATE INDEX jobs_done ON jobs (completed_at) WHERE state = 'done';
`,
};
