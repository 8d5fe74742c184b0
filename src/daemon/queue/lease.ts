// Leases up to `max` ready jobs of one kind: state queued, or a retry whose deadline has passed;
// highest priority first, then oldest deadline, then id. Each job gets a fresh random token
// (fencing: a later holder's token differs, so a reclaimed holder can neither complete nor fail it)
// and a lease deadline; the attempt count is bumped here, so a job that kills its worker uses up
// attempts too.
//
// Two forms, measured by bench/lease-forms.ts (real WAL file with this schema, synchronous=NORMAL,
// leasing up to 4 at a time from 2000 ready jobs; median of 9 interleaved rounds; Node 24.21,
// better-sqlite3 13.2, SQLite 3.54; two runs agreed to 3 digits):
//   select-then-update in one BEGIN IMMEDIATE transaction: ~14.6k leases/s
//   UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING:  ~12.4k leases/s
// => leaseJobs uses select-then-update (1.17x in the same run; performance-facts.md saw 2.2x on
// Node 20 / better-sqlite3 12). Its UPDATE now takes the whole batch in one statement (ids as a
// JSON array): 13.9k vs 11.4k leases/s (1.23x), and end to end 2.0x -> 2.3x plainjob's throughput. It also returns rows in lease order without a sort and makes the
// tokens in JS. EXPLAIN QUERY PLAN: SEARCH jobs USING INDEX jobs_lease (kind=?), no sort step.
import { randomUUID } from 'node:crypto';
import type { JobKind } from '../../shared/protocol';
import type { SqlDatabase } from '../store/sql';
import type { LeasedJob } from './types';

/** A leased job with its payload still as stored: JobQueue parses it after the commit, so one
 * unreadable payload cannot roll back (and so wedge) every lease behind it. */
export type RawLeasedJob = Omit<LeasedJob, 'payload'> & { payloadText: string };

interface LeaseRow {
  id: number;
  kind: JobKind;
  payload: string;
  attempts: number;
  max_attempts: number;
  dedupe_key: string | null;
}

// `state IN (...)` repeats the partial index's WHERE verbatim so the planner walks jobs_lease
// in ORDER BY order and stops after LIMIT rows.
const READY = `kind = @kind AND state IN ('queued', 'failed-retrying') AND (state = 'queued' OR next_run_at <= @now)
ORDER BY priority DESC, next_run_at, id LIMIT @max`;

const SELECT_READY = `SELECT id, kind, payload, attempts, max_attempts, dedupe_key FROM jobs WHERE ${READY}`;
// One UPDATE for the whole batch: each job's token is the batch's random token plus its id, so
// every lease still gets a token no earlier or later lease of that job can hold.
const TAKE = `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = @token || ':' || id,
  lease_expires_at = @expires, updated_at = @now
WHERE id IN (SELECT value FROM json_each(@ids))`;

/** Select-then-update form: one BEGIN IMMEDIATE transaction, so no other writer can take the same rows. */
export function leaseSelectThenUpdate(db: SqlDatabase, kind: JobKind, max: number, now: number, leaseMs: number): RawLeasedJob[] {
  return db.transaction(() => {
    const rows = db.prepare<[{ kind: string; now: number; max: number }], LeaseRow>(SELECT_READY).all({ kind, now, max });
    if (rows.length === 0) return [];
    const token = randomUUID();
    db.prepare<[{ token: string; expires: number; now: number; ids: string }]>(TAKE).run({
      token, expires: now + leaseMs, now, ids: JSON.stringify(rows.map((r) => r.id)),
    });
    return rows.map((row) => toLeased(row, row.attempts + 1, `${token}:${row.id}`));
  });
}

const UPDATE_RETURNING = `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = lower(hex(randomblob(16))),
  lease_expires_at = @now + @leaseMs, updated_at = @now
WHERE id IN (SELECT id FROM jobs WHERE ${READY})
RETURNING id, kind, payload, attempts, max_attempts, dedupe_key, lease_token, priority, next_run_at`;

/** UPDATE ... RETURNING form: one statement; RETURNING order is unspecified, so it sorts. Kept for the benchmark. */
export function leaseUpdateReturning(db: SqlDatabase, kind: JobKind, max: number, now: number, leaseMs: number): RawLeasedJob[] {
  type Row = LeaseRow & { lease_token: string; priority: number; next_run_at: number };
  const rows = db.prepare<[{ kind: string; now: number; max: number; leaseMs: number }], Row>(UPDATE_RETURNING).all({ kind, now, max, leaseMs });
  rows.sort((a, b) => b.priority - a.priority || a.next_run_at - b.next_run_at || a.id - b.id);
  return rows.map((row) => toLeased(row, row.attempts, row.lease_token));
}

export const leaseJobs = leaseSelectThenUpdate;

function toLeased(row: LeaseRow, attempts: number, token: string): RawLeasedJob {
  return {
    id: row.id,
    kind: row.kind,
    payloadText: row.payload,
    attempts,
    maxAttempts: row.max_attempts,
    token,
    dedupeKey: row.dedupe_key,
  };
}
