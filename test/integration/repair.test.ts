// Damage written into the real daemon's own database file between two runs: the next daemon
// starts, keeps every readable memory, and says what it repaired (status and log).
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../src/client/daemon-client';
import { tempDataDir, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';

const daemon = useDaemons();
const MEMORIES = 60;
const PAGE = 4096;

// Long titles: about ten memories to a table page, so a garbled page leaves most of them readable.
async function capture60(client: DaemonClient): Promise<void> {
  const jobs = Array.from({ length: MEMORIES }, (_, i) => ({
    kind: 'capture' as const,
    payload: { type: 'text' as const, title: `note ${i} ${'with a long title '.repeat(12)}`, text: `note ${i} remembers okapi${i}\n${'retryDelay backoffCurve '.repeat(12)}` },
  }));
  await client.request('enqueue', { jobs });
  await waitForStatus(client, (s) => s.counters.capturesStored === MEMORIES);
}

async function found(client: DaemonClient): Promise<number> {
  let n = 0;
  for (let i = 0; i < MEMORIES; i++) {
    const hits = await client.request('recall', { query: `okapi${i} ` });
    if (hits.some((h) => h.title.startsWith(`note ${i} `))) n++;
  }
  return n;
}

function pages(db: string, match: (name: string, type: string) => boolean): Array<{ pageno: number; ncell: number }> {
  const raw = new Database(db, { readonly: true });
  try {
    const rows = raw.prepare('SELECT name, pageno, pagetype, ncell FROM dbstat').all() as Array<{ name: string; pageno: number; pagetype: string; ncell: number }>;
    return rows.filter((r) => match(r.name, r.pagetype));
  } finally {
    raw.close();
  }
}

function garble(db: string, pageNumbers: number[]): void {
  const bytes = readFileSync(db);
  for (const p of pageNumbers) bytes.fill(0x5a, (p - 1) * PAGE, p * PAGE);
  writeFileSync(db, bytes);
}

/** A daemon that stored 60 memories and stopped cleanly (its WAL checkpointed into the file). */
async function storedAndStopped(): Promise<string> {
  const dataDir = tempDataDir();
  const first = await daemon({ dataDir });
  await capture60(await first.client());
  expect(await first.kill('SIGTERM')).toBe(0);
  return dataDir;
}

describe('damage repaired at start (real daemon, real file)', () => {
  it('garbled full-text index pages: the daemon starts, 60 of 60 memories are found, and the repair is in the status', async () => {
    const dataDir = await storedAndStopped();
    const db = join(dataDir, 'dormouse.db');
    garble(db, pages(db, (n) => /^chunks_fts_(data|idx|docsize)$/.test(n)).map((p) => p.pageno));
    const d = await daemon({ dataDir });
    const client = await d.client();
    const status = await client.request('status', {});
    expect(status.database.lastRepair).toMatchObject({ saved: { memories: MEMORIES }, lost: { memories: 0, jobs: 0 } });
    expect(await found(client)).toBe(MEMORIES);
    expect(readFileSync(d.paths.logFile, 'utf8')).toMatch(/damage|salvaged|repaired/);
  });

  it('garbled index pages: the daemon starts and every memory is kept and found', async () => {
    const dataDir = await storedAndStopped();
    const db = join(dataDir, 'dormouse.db');
    const raw = new Database(db, { readonly: true });
    const indexes = new Set((raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index'`).all() as Array<{ name: string }>).map((r) => r.name));
    raw.close();
    garble(db, pages(db, (n) => indexes.has(n)).map((p) => p.pageno));
    const d = await daemon({ dataDir });
    const client = await d.client();
    expect((await client.request('status', {})).database.lastRepair).toMatchObject({ saved: { memories: MEMORIES }, lost: { memories: 0, jobs: 0 } });
    expect(await found(client)).toBe(MEMORIES);
  });

  it('a garbled header: the daemon starts and every memory is kept and found', async () => {
    const dataDir = await storedAndStopped();
    const db = join(dataDir, 'dormouse.db');
    const bytes = readFileSync(db);
    bytes.fill(0x5a, 0, 100);
    writeFileSync(db, bytes);
    const d = await daemon({ dataDir });
    const client = await d.client();
    expect((await client.request('status', {})).database.lastRepair).toMatchObject({ kind: 'salvaged', saved: { memories: MEMORIES }, lost: { memories: 0 } });
    expect(await found(client)).toBe(MEMORIES);
  });

  it('garbled pages of the memories table: every readable memory is salvaged, the rest counted as lost, the damaged file kept', async () => {
    const dataDir = await storedAndStopped();
    const db = join(dataDir, 'dormouse.db');
    const leaves = pages(db, (n, t) => n === 'memories' && t === 'leaf');
    expect(leaves.length).toBeGreaterThan(2);
    const damaged = [leaves[1]!];
    const lost = damaged.reduce((n, p) => n + p.ncell, 0);
    garble(db, damaged.map((p) => p.pageno));
    const d = await daemon({ dataDir });
    const client = await d.client();
    const repair = (await client.request('status', {})).database.lastRepair;
    expect(repair).toMatchObject({ kind: 'salvaged', saved: { memories: MEMORIES - lost }, lost: { memories: lost } });
    expect(existsSync(repair!.movedTo!)).toBe(true);
    expect(await found(client)).toBe(MEMORIES - lost);
    expect(readFileSync(d.paths.logFile, 'utf8')).toContain(`${MEMORIES - lost} memories saved, ${lost} lost`);
    // New captures go into the fresh database.
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'after the salvage' } }] });
    await waitForStatus(client, (s) => s.counters.capturesStored === 1);
    // The next run still reports it (a window that connects later is told), from last-repair.json.
    expect(await d.kill('SIGTERM')).toBe(0);
    const next = await daemon({ dataDir });
    expect((await (await next.client()).request('status', {})).database.lastRepair).toEqual(repair);
  });

  it('a torn WAL after a kill: the daemon starts with every committed memory and logs the torn tail', async () => {
    const dataDir = tempDataDir();
    const first = await daemon({ dataDir });
    await capture60(await first.client());
    await first.kill('SIGKILL');
    const db = join(dataDir, 'dormouse.db');
    const wal = `${db}-wal`;
    expect(statSync(wal).size).toBeGreaterThan(PAGE);
    truncateSync(wal, statSync(wal).size - 100); // the last frame cut short
    // What SQLite itself can read of the torn pair, read from a copy.
    const copyDir = tempDataDir();
    copyFileSync(db, join(copyDir, 'c.db'));
    copyFileSync(wal, join(copyDir, 'c.db-wal'));
    const raw = new Database(join(copyDir, 'c.db'));
    const readable = (raw.prepare('SELECT count(*) AS n FROM memories').get() as { n: number }).n;
    // A capture's memory and its job's completion commit together, so a torn commit leaves its
    // jobs queued: they run again at start and their memories come back.
    const pending = (raw.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'capture' AND state != 'done'").get() as { n: number }).n;
    raw.close();
    const d = await daemon({ dataDir });
    const client = await d.client();
    const status = await client.request('status', {});
    expect(status.database.lastRepair ?? null).toBeNull();
    await waitForStatus(client, (s) => s.queue.queued === 0 && s.queue.leased === 0);
    expect(await found(client)).toBe(readable + pending);
    expect(readFileSync(d.paths.logFile, 'utf8')).toContain('torn write');
  });
});
