// The real daemon process, on a real socket and a real SQLite file.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../src/shared/event';
import type { DaemonClient } from '../../src/client/daemon-client';
import { type ExportedMemory, type Result, RpcError } from '../../src/shared/protocol';
import { startDaemon, tempDataDir, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';

const daemon = useDaemons();

/** Jobs per state in a stopped daemon's database file. */
function jobCounts(dataDir: string): { queued: number; leased: number; done: number } {
  const db = new Database(join(dataDir, 'dormouse.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: string; n: number }[];
    const n = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    return { queued: n('queued'), leased: n('leased'), done: n('done') };
  } finally {
    db.close();
  }
}

describe('daemon process', () => {
  it('an idle daemon hibernates on its own and then runs no SQL and arms no timer', async () => {
    const d = await daemon({ settings: { suspendAfterMs: 300 } });
    const client = await d.client();
    const hibernated = await waitForStatus(client, (s) => s.state === 'hibernating');
    // Every loop, the reaper included, sleeps once the suspend window passes: no hibernate request needed.
    expect(hibernated.loops.every((l) => l.state === 'suspended')).toBe(true);
    const before = await client.request('status', {});
    for (let i = 0; i < 50; i++) await client.request('status', {});
    const after = await client.request('status', {});
    expect(after.counters.sqlStatements).toBe(before.counters.sqlStatements);
    expect(after.counters.timersArmed).toBe(0);
    expect(after.state).toBe('hibernating');
  });

  it('status calls do not move sqlStatements while hibernated', async () => {
    const d = await daemon();
    const client = await d.client();
    expect(await client.request('hibernate', {})).toEqual({ hibernated: true });
    const first = await client.request('status', {});
    for (let i = 0; i < 100; i++) await client.request('status', {});
    const last = await client.request('status', {});
    expect(last.counters.sqlStatements).toBe(first.counters.sqlStatements);
    expect(last.lastActivityAt).toBe(first.lastActivityAt);
  });

  it('enqueue wakes a hibernated daemon and the capture becomes recallable', async () => {
    const d = await daemon();
    const client = await d.client();
    await client.request('hibernate', {});
    expect((await client.request('status', {})).state).toBe('hibernating');
    const { ids } = await client.request('enqueue', {
      jobs: [{ kind: 'capture', payload: { type: 'text', text: 'the quokka_migration plan lives here', title: 'note' } }],
    });
    expect(ids).toHaveLength(1);
    const done = await waitForStatus(client, (s) => s.counters.capturesStored === 1 && s.queue.done === 1);
    expect(done.counters.wakes).toBeGreaterThan(0);
    const hits = await client.request('recall', { query: 'quokka_migration' });
    expect(hits.map((h) => h.title)).toContain('note');
  });

  it('a memory larger than the message limit comes back truncated instead of failing the request', async () => {
    const dataDir = tempDataDir();
    const file = join(dataDir, 'big.txt');
    writeFileSync(file, 'line of a big generated file\n'.repeat(100_000)); // 2.9 MB, over the 1 MiB message limit
    const d = await daemon({ dataDir, settings: { captureMaxBytes: 4 * 1024 * 1024 } });
    const client = await d.client();
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'file', path: file } }] });
    await waitForStatus(client, (s) => s.counters.capturesStored === 1);
    const [hit] = await client.request('recall', { query: 'generated' });
    const memory = await client.request('memory', { id: hit!.id });
    expect(memory?.truncated).toBe(true);
    expect(memory!.content.startsWith('line of a big generated file\n')).toBe(true);
  });

  it('hibernate is refused while work is queued', async () => {
    const d = await daemon({ settings: { maxConcurrent: 0 } });
    const client = await d.client();
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'waiting' } }] });
    const result = await client.request('hibernate', {});
    expect(result.hibernated).toBe(false);
  });

  it('a stuck queue is reported and clears when jobs are leased again', async () => {
    const d = await daemon({ settings: { maxConcurrent: 0, stuckThresholdMs: 1000 } });
    const client = await d.client();
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'stuck job' } }] });
    const stuck = await waitForStatus(client, (s) => s.health.stuckQueue);
    expect(stuck.health.stuckSince).not.toBeNull();
    await client.request('reload', { settings: { maxConcurrent: 4 } });
    const resumed = await waitForStatus(client, (s) => !s.health.stuckQueue && s.queue.done === 1);
    expect(resumed.health.stuckSince).toBeNull();
  });

  it('kill -9 mid-batch, restart: every job completes exactly once', async () => {
    const dataDir = tempDataDir();
    const total = 300;
    const first = await daemon({ dataDir, settings: { maxConcurrent: 2, spawnsPerTick: 2 } });
    const client = await first.client();
    const jobs = Array.from({ length: total }, (_, i) => ({
      kind: 'capture' as const,
      payload: { type: 'text' as const, text: `job body ${i} marker_${i}`, title: `job-${i}` },
    }));
    await client.request('enqueue', { jobs });
    await waitForStatus(client, (s) => s.queue.done > 0);
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    // Precondition, read from the file the killed daemon left: it died with work still pending,
    // or this test would prove nothing about a restart.
    const atKill = jobCounts(dataDir);
    expect(atKill.done, 'jobs done when the daemon was killed').toBeGreaterThan(0);
    expect(atKill.done, `the daemon finished all ${total} jobs before it was killed: nothing was mid-batch`).toBeLessThan(total);

    const second = await daemon({ dataDir });
    const client2 = await second.client();
    const finished = await waitForStatus(client2, (s) => s.queue.done === total && s.queue.queued === 0 && s.queue.leased === 0);
    expect(finished.queue.dead).toBe(0);
    await second.kill('SIGTERM');

    const db = new Database(join(dataDir, 'dormouse.db'), { readonly: true });
    const rows = db.prepare("SELECT title, COUNT(*) AS n FROM memories WHERE title LIKE 'job-%' GROUP BY title").all() as { title: string; n: number }[];
    const jobStates = db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all();
    db.close();
    expect(rows).toHaveLength(total);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(jobStates).toEqual([{ state: 'done', n: total }]);
  });

  it('garbage and oversized IPC frames leave the daemon serving other clients', async () => {
    const d = await daemon();
    const client = await d.client();
    const frames = [Buffer.from('null\f'), Buffer.from('{"data":1}\f'), Buffer.from('not json at all\f'), Buffer.alloc(2 * 1024 * 1024, 0x61)];
    for (const frame of frames) {
      await new Promise<void>((resolve) => {
        const sock = connect(d.paths.socket);
        sock.on('error', () => resolve());
        sock.on('close', () => resolve());
        sock.on('connect', () => sock.write(frame));
      });
    }
    const status = await client.request('status', {});
    expect(status.pid).toBe(d.pid);
    const fresh = await d.client('after-garbage');
    expect((await fresh.request('status', {})).pid).toBe(d.pid);
  });

  it('an invalid reload keeps the old config and names every rejected key', async () => {
    const d = await daemon({ settings: { suspendAfterMs: 120_000 } });
    const client = await d.client();
    const error = await client
      .request('reload', { settings: { suspendAfterMs: -5, pollFloorMs: 20, maxConcurrent: 'many' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('INVALID_SETTINGS');
    const rejected = (error as RpcError).details?.rejected?.map((r) => r.key).sort();
    expect(rejected).toEqual(['maxConcurrent', 'suspendAfterMs']);
    const status = await client.request('status', {});
    expect(status.config.suspendAfterMs).toBe(120_000);
    expect(status.config.pollFloorMs).toBe(10);
  });

  it('a valid reload applies live settings at once', async () => {
    const d = await daemon();
    const client = await d.client();
    const result = await client.request('reload', { settings: { suspendAfterMs: 5000, ipcMaxMessageBytes: 2_000_000 } });
    expect(result.changes.map((c) => c.key).sort()).toEqual(['ipcMaxMessageBytes', 'suspendAfterMs']);
    expect(result.pendingRestart).toEqual(['ipcMaxMessageBytes']);
    const status = await client.request('status', {});
    expect(status.config.suspendAfterMs).toBe(5000);
    expect(status.config.ipcMaxMessageBytes).toBe(1_048_576);
  });

  it('SIGHUP reloads the config file', async () => {
    const d = await daemon();
    const client = await d.client();
    writeFileSync(join(d.dataDir, 'test-config.json'), JSON.stringify({ spawnJitterMs: [0, 0], pollFloorMs: 10, pollCeilingMs: 200, idleExitMs: 0, suspendAfterMs: 4321 }));
    await client.request('subscribe', { events: ['status'] });
    const changed = waitForStatus(client, (s) => s.config.suspendAfterMs === 4321);
    d.child.kill('SIGHUP');
    expect((await changed).config.suspendAfterMs).toBe(4321);
  });

  it('a second daemon on the same data dir does not take over', async () => {
    const d = await daemon();
    await expect(startDaemon({ dataDir: d.dataDir })).rejects.toThrow(/already|running/i);
    const client = await d.client();
    expect((await client.request('status', {})).pid).toBe(d.pid);
  });

  it('a corrupt database is moved aside, replaced, and reported in the status', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'dormouse.db'), Buffer.alloc(8192, 0x5a));
    const d = await daemon({ dataDir });
    const client = await d.client();
    const status = await client.request('status', {});
    expect(status.database.quarantined?.movedTo).toMatch(/dormouse\.db\.corrupt-/);
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'after recovery' } }] });
    await waitForStatus(client, (s) => s.counters.capturesStored === 1);
  });

  it('a background daemon exits once its last client has been gone for idleExitMs', async () => {
    const d = await daemon({ settings: { idleExitMs: 300 } });
    const client = await d.client();
    expect((await client.request('status', {})).clients).toBe(1);
    client.close();
    expect(await d.exited).toBe(0);
  });

  it('a recall job wakes a hibernated daemon and pushes related memories to subscribers', async () => {
    const d = await daemon();
    const client = await d.client();
    await client.request('hibernate', {});
    await client.request('subscribe', { events: ['related'] });
    const related = waitFor(client.onEvent, (e) => e.event === 'related');
    await client.request('enqueue', { jobs: [{ kind: 'recall', payload: { path: '/nonexistent/file.ts' } }] });
    expect(((await related).data as { path: string }).path).toBe('/nonexistent/file.ts');
  });
});

describe('daemon process limits', () => {
  it('a request over the daemon message limit is refused by the client with the reason, and the connection stays usable', async () => {
    const d = await daemon();
    const client = await d.client();
    const error = await client
      .request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'word '.repeat(400_000) } }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('BAD_REQUEST');
    expect((error as RpcError).message).toMatch(/message limit of 1048576 bytes/);
    expect((await client.request('status', {})).pid).toBe(d.pid);
  });
});

describe('daemon process stop', () => {
  it('a graceful stop leaves queued jobs durable and a restart completes every one', async () => {
    const dataDir = tempDataDir();
    const total = 200;
    const first = await daemon({ dataDir, settings: { maxConcurrent: 1, spawnsPerTick: 1 } });
    const client = await first.client();
    const jobs = Array.from({ length: total }, (_, i) => ({
      kind: 'capture' as const,
      payload: { type: 'text' as const, text: `durable job ${i}`, title: `durable-${i}` },
    }));
    await client.request('enqueue', { jobs });
    await waitForStatus(client, (s) => s.queue.done > 0);
    await client.request('stop', {});
    expect(await first.exited).toBe(0);
    // Precondition: jobs were still queued when it stopped (else "durable" is vacuous), and the
    // stop left none leased: each was finished or handed back.
    const atStop = jobCounts(dataDir);
    expect(atStop.queued, `no job was queued at the stop (done: ${atStop.done} of ${total})`).toBeGreaterThan(0);
    expect(atStop.leased).toBe(0);

    const second = await daemon({ dataDir });
    const client2 = await second.client();
    const finished = await waitForStatus(client2, (s) => s.queue.done === total);
    expect(finished.queue).toMatchObject({ queued: 0, leased: 0, dead: 0, retrying: 0 });
    await second.kill('SIGTERM');
    const db = new Database(join(dataDir, 'dormouse.db'), { readonly: true });
    const rows = db.prepare("SELECT title, COUNT(*) AS n FROM memories WHERE title LIKE 'durable-%' GROUP BY title").all() as { n: number }[];
    db.close();
    expect(rows).toHaveLength(total);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});

describe('daemon process: forget, pause, export and import', () => {
  /**
   * These tests store memories dated January 2026; once that is older than retentionDays (90),
   * a reaper sweep landing mid-test (its first comes at a random point of its interval) would
   * delete them. Seen on a run in December 2026.
   */
  const KEEP_OLD_MEMORIES = { retentionDays: 0 };
  /** A 40-character token found nowhere else. */
  const token = () => `tok${randomBytes(20).toString('hex').slice(0, 37)}`;
  /** The database file and its -wal as they are on disk right now. */
  const rawFiles = (dataDir: string) =>
    ['dormouse.db', 'dormouse.db-wal'].map((f) => join(dataDir, f)).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');

  it('a forgotten capture is gone from the database file, the WAL and the queue, and other memories stay', async () => {
    const d = await daemon();
    const client = await d.client();
    const secret = token();
    const keep = token();
    await client.request('enqueue', {
      jobs: [
        { kind: 'capture', payload: { type: 'selection', text: `let forgotten = "${secret}";`, path: '/p/app/a.ts', note: 'the one to forget' } },
        { kind: 'capture', payload: { type: 'text', text: `keep this ${keep}`, title: 'kept' } },
      ],
    });
    await waitForStatus(client, (s) => s.counters.capturesStored === 2 && s.queue.done === 2);
    const [hit] = await client.request('recall', { query: secret });
    expect(hit).toBeDefined();
    expect(rawFiles(d.dataDir)).toContain(secret); // the check below can see it

    expect(await client.request('forget', { id: hit!.id })).toEqual({ forgotten: 1 });
    // Every window's lists learn of it from the status (the Timeline refetches when it moves).
    expect((await client.request('status', {})).counters.memoriesForgotten).toBe(1);

    expect(rawFiles(d.dataDir)).not.toContain(secret);
    expect(rawFiles(d.dataDir)).toContain(keep);
    expect(await client.request('recall', { query: secret })).toEqual([]);
    expect(await client.request('memory', { id: hit!.id })).toBeNull();
    expect((await client.request('recall', { query: keep })).map((h) => h.title)).toEqual(['kept']);
    // Still gone after a restart (nothing came back from a journal).
    await d.kill('SIGTERM');
    expect(rawFiles(d.dataDir)).not.toContain(secret);
  });

  it('forget by path and forget all', async () => {
    const d = await daemon();
    const client = await d.client();
    const t = token();
    await client.request('enqueue', {
      jobs: [
        { kind: 'capture', payload: { type: 'file', path: '/p/app/src/a.ts', content: `a ${t}` } },
        { kind: 'capture', payload: { type: 'terminal', commandLine: `echo ${t}`, exitCode: 0, cwd: '/p/app' } },
        { kind: 'capture', payload: { type: 'file', path: '/p/apple/b.ts', content: `b ${t}` } },
      ],
    });
    await waitForStatus(client, (s) => s.queue.done === 3);
    expect(await client.request('forget', { path: '/p/app' })).toEqual({ forgotten: 2 });
    expect((await client.request('recall', { query: t })).map((h) => h.path)).toEqual(['/p/apple/b.ts']);
    expect(await client.request('forget', { all: true })).toEqual({ forgotten: 1 });
    expect(rawFiles(d.dataDir)).not.toContain(t);
  });

  it('a pause drops captures (recalls of the same batch still run), survives a restart, and resume ends it', async () => {
    const dataDir = tempDataDir();
    const first = await daemon({ dataDir });
    const client = await first.client();
    expect(await client.request('pause', {})).toEqual({ paused: true, until: null });
    expect((await client.request('status', {})).capture).toEqual({ paused: true, until: null });
    await client.request('subscribe', { events: ['related'] });
    const related = waitFor(client.onEvent, (e) => e.event === 'related');
    const reply = await client.request('enqueue', {
      jobs: [
        { kind: 'capture', payload: { type: 'text', text: 'typed while paused' } },
        { kind: 'recall', payload: { path: '/p/x.ts' } },
      ],
    });
    expect(reply).toMatchObject({ dropped: 1, capture: { paused: true, until: null } });
    expect(reply.ids).toHaveLength(1);
    await related;
    await first.kill('SIGTERM');

    const second = await daemon({ dataDir });
    const client2 = await second.client();
    const status = await client2.request('status', {});
    expect(status.capture).toEqual({ paused: true, until: null });
    expect(status.queue.done).toBe(1); // the recall only
    expect(await client2.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'still paused' } }] }))
      .toEqual({ ids: [], dropped: 1, capture: { paused: true, until: null } });
    // A pause until a time: the status shows it.
    const until = Date.now() + 3_600_000;
    expect(await client2.request('pause', { until })).toEqual({ paused: true, until: new Date(until).toISOString() });

    expect(await client2.request('resume', {})).toEqual({ paused: false, until: null });
    const { ids } = await client2.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'after resume zebra_note' } }] });
    expect(ids).toHaveLength(1);
    const done = await waitForStatus(client2, (s) => s.counters.capturesStored === 1);
    expect(done.counters.skipsByReason).toEqual({ paused: 1 });
    expect((await client2.request('recall', { query: 'zebra_note' })).length).toBe(1);
    expect(await client2.request('recall', { query: 'paused' })).toEqual([]);
  });

  it('pause and resume are control-plane: no SQL, no activity, nothing woken', async () => {
    const d = await daemon();
    const client = await d.client();
    await client.request('hibernate', {});
    const before = await client.request('status', {});
    await client.request('pause', { until: Date.now() + 60_000 });
    await client.request('resume', {});
    const after = await client.request('status', {});
    expect(after.counters.sqlStatements).toBe(before.counters.sqlStatements);
    expect(after.lastActivityAt).toBe(before.lastActivityAt);
    expect(after.state).toBe('hibernating');
  });

  it('export pages into a second data dir through import, which is idempotent and keeps every field', async () => {
    const a = await daemon({ settings: KEEP_OLD_MEMORIES });
    const ca = await a.client();
    await ca.request('enqueue', {
      jobs: [
        { kind: 'capture', payload: { type: 'file', path: '/p/app/retry.ts', content: 'export const curve = [1, 2, 4];\n'.repeat(60), language: 'typescript', capturedAt: Date.UTC(2026, 0, 2) } },
        { kind: 'capture', payload: { type: 'selection', text: 'const x = 1;', path: '/p/app/x.ts', startLine: 3, endLine: 4, note: 'remember x', capturedAt: Date.UTC(2026, 0, 3) } },
        { kind: 'capture', payload: { type: 'terminal', commandLine: 'npm test', exitCode: 1, cwd: '/p/app', capturedAt: Date.UTC(2026, 0, 4) } },
        { kind: 'capture', payload: { type: 'text', text: 'a plain note', title: 'note', capturedAt: Date.UTC(2026, 0, 5) } },
      ],
    });
    await waitForStatus(ca, (s) => s.counters.capturesStored === 4);
    const exportAll = async (c: DaemonClient) => {
      const all: ExportedMemory[] = [];
      let afterId: number | null = 0;
      while (afterId !== null) {
        const page: Result<'export'> = await c.request('export', { afterId, limit: 3 });
        all.push(...page.memories);
        afterId = page.nextAfterId;
      }
      return all;
    };
    const exported = await exportAll(ca);
    expect(exported.map((m) => m.kind)).toEqual(['file', 'selection', 'terminal', 'text']);
    expect((await ca.request('export', { since: Date.UTC(2026, 0, 4) })).memories.map((m) => m.kind)).toEqual(['terminal', 'text']);

    const b = await daemon({ settings: KEEP_OLD_MEMORIES });
    const cb = await b.client();
    expect(await cb.request('import', { memories: exported })).toEqual({ imported: 4, skipped: 0, refused: 0 });
    expect(await cb.request('import', { memories: exported })).toEqual({ imported: 0, skipped: 4, refused: 0 });
    const strip = (ms: ExportedMemory[]) => ms.map(({ id: _id, ...rest }) => rest);
    expect(strip(await exportAll(cb))).toEqual(strip(exported));
    // Indexed like a capture: the note is searchable, and the file's chunks are too.
    expect((await cb.request('recall', { query: 'remember' })).map((h) => h.kind)).toEqual(['selection']);
    expect((await cb.request('recall', { query: 'curve' })).map((h) => h.path)).toEqual(['/p/app/retry.ts']);
  });

  it('import refuses secrets and excluded paths, stores nothing of them, and imports the rest', async () => {
    const d = await daemon({ settings: KEEP_OLD_MEMORIES });
    const client = await d.client();
    const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const base = { title: 't', language: null, note: null, exitCode: null, capturedAt: at, updatedAt: at };
    const key = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('');
    const result = await client.request('import', {
      memories: [
        { ...base, kind: 'text', path: null, content: `stripe key ${key}` },
        { ...base, kind: 'file', path: '/p/app/.env', content: 'HELLO=world' },
        { ...base, kind: 'text', path: null, content: 'an ordinary imported note' },
      ],
    });
    expect(result).toEqual({ imported: 1, skipped: 0, refused: 2 });
    expect(rawFiles(d.dataDir)).not.toContain(key);
    expect(await client.request('recall', { query: 'HELLO' })).toEqual([]);
    expect((await client.request('recall', { query: 'ordinary' })).length).toBe(1);
  });
});
