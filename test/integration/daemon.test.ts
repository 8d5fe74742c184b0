// The real daemon process, on a real socket and a real SQLite file.
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../src/shared/event';
import { RpcError } from '../../src/shared/protocol';
import { startDaemon, tempDataDir, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';

const daemon = useDaemons();

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
