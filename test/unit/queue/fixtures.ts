// Test fixtures: a real SQLite file in a fresh temp dir, a ManualClock and a memory logger.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/shared/clock';
import { JobQueue } from '../../../src/daemon/queue/job-queue';
import { openDatabase } from '../../../src/daemon/store/open-database';
import type { SqlDatabase } from '../../../src/daemon/store/sql';
import { memoryLogger } from '../../../src/shared/logger';
import type { JobInput, JobKind } from '../../../src/shared/protocol';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dm-'));
}

export interface QueueFixture {
  dir: string;
  path: string;
  db: SqlDatabase;
  clock: ManualClock;
  log: ReturnType<typeof memoryLogger>;
  queue: JobQueue;
  wakes: JobKind[][];
  settings: { maxAttempts: number; leaseMs: number };
  /** A JobQueue on a new connection to the same file, as a restarted daemon would build. */
  reopen(): QueueFixture;
  cleanup(): void;
}

export function queueFixture(opts: { random?: () => number; onEnqueued?: (kinds: JobKind[]) => void; dir?: string; clock?: ManualClock } = {}): QueueFixture {
  const dir = opts.dir ?? tempDir();
  const path = join(dir, 'dormouse.db');
  const clock = opts.clock ?? new ManualClock();
  const log = memoryLogger();
  const { db } = openDatabase(path, { log, clock, runQuickCheck: false });
  const wakes: JobKind[][] = [];
  const settings = { maxAttempts: 3, leaseMs: 10_000 };
  const queue = new JobQueue({
    db, clock, log,
    settings: () => settings,
    onEnqueued: opts.onEnqueued ?? ((kinds) => wakes.push(kinds)),
    random: opts.random ?? (() => 0.5), // jitter factor exactly 1
  });
  const fixture: QueueFixture = {
    dir, path, db, clock, log, queue, wakes, settings,
    reopen: () => {
      const next = queueFixture({ ...opts, dir, clock });
      next.settings.maxAttempts = settings.maxAttempts;
      next.settings.leaseMs = settings.leaseMs;
      return next;
    },
    cleanup: () => {
      queue.dispose();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export function text(n: number | string, extra: Partial<JobInput> = {}): JobInput {
  return { kind: 'capture', payload: { type: 'text', text: `note ${n}` }, ...extra } as JobInput;
}

export function recall(path: string, extra: Partial<JobInput> = {}): JobInput {
  return { kind: 'recall', payload: { path }, ...extra } as JobInput;
}

/** The row as stored, for assertions the facade does not expose. */
export function row(db: SqlDatabase, id: number): Record<string, unknown> | undefined {
  return db.raw.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
}
