// Inserts one queued job. Callers run it inside the enqueue transaction (see JobQueue).
import type { JobInput } from '../../shared/protocol';
import type { SqlDatabase } from '../store/sql';

const SQL = `INSERT INTO jobs (kind, payload, dedupe_key, idempotency_key, priority, state, attempts, max_attempts, next_run_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`;

export function insertJob(db: SqlDatabase, input: JobInput, defaultMaxAttempts: number, now: number): number {
  const result = db
    .prepare<[string, string, string | null, string | null, number, number, number, number, number]>(SQL)
    .run(input.kind, JSON.stringify(input.payload), input.dedupeKey ?? null, input.idempotencyKey ?? null, input.priority ?? 0,
      input.maxAttempts ?? defaultMaxAttempts, now, now, now);
  return Number(result.lastInsertRowid);
}
