// CaptureSender wired to a DaemonSupervisor the way a window wires them, against REAL daemon
// processes (dist/daemon.js, built by `node esbuild.mjs`): real forks, sockets, SQLite files and
// spill files. The supervisor runs on the real clock; the sender's batching window on a
// ManualClock, so the test decides when a batch is attempted. Every wait is on an event.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client';
import { CaptureSender } from '../../src/extension/capture/capture-sender';
import { daemonEnv } from '../../src/extension/daemon/fork-daemon';
import { DaemonSupervisor } from '../../src/extension/daemon/supervisor';
import { ManualClock, RealClock } from '../../src/shared/clock';
import { waitFor } from '../../src/shared/event';
import { DisposableStore } from '../../src/shared/lifecycle';
import { memoryLogger } from '../../src/shared/logger';
import { dataDirPaths } from '../../src/shared/paths';
import type { JobInput } from '../../src/shared/protocol';
import { defaultSettings, type Settings } from '../../src/shared/settings';
import type { DaemonStatus } from '../../src/shared/status';
import { DAEMON_SCRIPT, FAST_SETTINGS, tempDataDir, waitForStatus } from '../helpers/daemon-process';

/** Per test: a disposed store disposes whatever is added to it later at once. */
let store = new DisposableStore();
const cleanup: Array<() => void> = [];
/** Every daemon pid a supervisor connected to, SIGKILLed once each test ends. */
const daemonPids = new Set<number>();

beforeAll(() => {
  if (!existsSync(DAEMON_SCRIPT)) throw new Error(`${DAEMON_SCRIPT} is missing: run \`node esbuild.mjs\` first`);
});

afterEach(() => {
  store.dispose();
  store = new DisposableStore();
  for (const pid of daemonPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  daemonPids.clear();
  for (const fn of cleanup.splice(0)) fn();
});

/** One window: a supervisor, and a capture sender wired to it as dormouse-window.ts does. */
function window(opts: { settings?: Partial<Settings>; sent?: JobInput[][] } = {}) {
  const dataDir = tempDataDir('dm-cs-');
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ...FAST_SETTINGS, idleExitMs: 60_000, ...opts.settings }));
  const storageDir = mkdtempSync(join(tmpdir(), 'dm-cs-storage-'));
  cleanup.push(() => rmSync(storageDir, { recursive: true, force: true }));
  const log = memoryLogger();
  const supervisor = new DaemonSupervisor({
    dataDir,
    daemonScript: DAEMON_SCRIPT,
    execPath: process.execPath,
    env: daemonEnv(process.env),
    clientName: 'test-capture-window',
    clock: new RealClock(),
    log: log.child('supervisor'),
    probeIntervalMs: 100,
    probeTimeoutMs: 1000,
    restartDelayMs: 20,
  });
  const batchClock = new ManualClock();
  const sender = new CaptureSender({
    storageDir,
    clock: batchClock,
    log: log.child('capture'),
    enqueue: async (jobs) => {
      opts.sent?.push(jobs);
      await supervisor.request('enqueue', { jobs });
    },
    isConnected: () => supervisor.state === 'running',
    maxMessageBytes: () => supervisor.status?.config.ipcMaxMessageBytes ?? 1_048_576,
    batchWindowMs: 150,
  });
  // Disposed newest first: the sender (spilling what is left) before the supervisor.
  store.add(supervisor);
  store.add(sender);
  store.add(supervisor.onDidConnect(() => {
    if (supervisor.daemonPid !== null) daemonPids.add(supervisor.daemonPid);
    sender.onConnected();
  }));
  return { dataDir, supervisor, sender, batchClock, log };
}

/** The first status (asked for now, or pushed later) that satisfies `predicate`. */
async function statusWhere(supervisor: DaemonSupervisor, predicate: (s: DaemonStatus) => boolean): Promise<DaemonStatus> {
  const pushed = waitFor(supervisor.onDidChangeStatus, (s) => s !== null && predicate(s));
  const now = await supervisor.request('status', {});
  return predicate(now) ? now : ((await pushed) as DaemonStatus);
}

const capture = (text: string) => ({ kind: 'capture' as const, payload: { type: 'text' as const, text } });
const pending = (sender: CaptureSender) => sender.stats.memory + sender.stats.spilled;

describe('CaptureSender with a real daemon and supervisor', () => {
  it('captures made while the daemon is dead arrive once after the supervisor restarts it', async () => {
    const { dataDir, supervisor, sender, batchClock } = window();
    await supervisor.start();

    // One capture on the healthy daemon, stored before the kill so nothing is mid-lease then.
    const firstFlushed = waitFor(sender.onDidFlush);
    sender.submit(capture('before the crash: wombat'));
    await batchClock.advance(150);
    expect(await firstFlushed).toEqual({ count: 1 });
    await statusWhere(supervisor, (s) => s.counters.capturesStored === 1 && s.queue.done === 1);

    const killed = supervisor.daemonPid!;
    const crashed = waitFor(supervisor.onDidChangeState, (c) => c.state === 'crashed');
    const reconnected = waitFor(supervisor.onDidConnect);
    process.kill(killed, 'SIGKILL');
    await crashed;

    const words = ['quokka', 'axolotl', 'pangolin', 'narwhal', 'okapi'];
    for (const word of words) sender.submit(capture(`while the daemon was dead: ${word}`));
    // The batching window ends while the daemon is down: the batch is kept, not lost or sent.
    await batchClock.advance(150);
    expect(supervisor.state).not.toBe('running');
    expect(pending(sender)).toBe(words.length);

    // The replay starts on the reconnection; wait for the outbox to be acknowledged empty.
    const replayed = waitFor(sender.onDidFlush, () => pending(sender) === 0);
    await reconnected;
    expect(supervisor.daemonPid).not.toBe(killed);
    expect(await replayed).toEqual({ count: words.length });

    // The new daemon works the replayed jobs off: each one job, each stored once, none skipped.
    const client = await DaemonClient.connect({ paths: dataDirPaths(dataDir), clientName: 'test-verify' });
    try {
      const done = await waitForStatus(client, (s) => s.queue.done >= 1 + words.length && s.queue.queued + s.queue.leased + s.queue.retrying === 0);
      expect(done.queue.done).toBe(1 + words.length);
      expect(done.counters.capturesStored).toBe(words.length);
      expect(done.counters.capturesSkipped).toBe(0);
      expect(done.queue.dead).toBe(0);
      for (const word of ['wombat', ...words]) {
        const hits = await client.request('recall', { query: word });
        expect(hits, word).toHaveLength(1);
        expect(hits[0]!.snippet).toContain(word);
      }
    } finally {
      client.close();
    }
    expect(sender.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
  });

  it('a Save All of 2,000 files from one window, with the default pacing, is stored and acknowledged once each', async () => {
    const sent: JobInput[][] = [];
    // The default spawnJitterMs: captures are unpaced, so it must not slow this burst down.
    const { supervisor, sender, batchClock } = window({ settings: { spawnJitterMs: defaultSettings().spawnJitterMs }, sent });
    await supervisor.start();
    const files = mkdtempSync(join(tmpdir(), 'dm-cs-files-'));
    cleanup.push(() => rmSync(files, { recursive: true, force: true }));
    mkdirSync(join(files, 'src'));
    const paths = Array.from({ length: 2_000 }, (_, i) => {
      const path = join(files, 'src', `module-${i}.ts`);
      writeFileSync(path, `export const answer${i} = ${i}; // capybara${i}\n`);
      return path;
    });

    let acknowledged = 0;
    store.add(sender.onDidFlush(({ count }) => (acknowledged += count)));
    const allIn = waitFor(sender.onDidFlush, () => acknowledged >= paths.length);
    for (const path of paths) sender.submit({ kind: 'capture', payload: { type: 'file', path, language: 'typescript' } });
    await batchClock.advance(150);
    await allIn;
    expect(acknowledged).toBe(paths.length);
    expect(sender.progress).toBeNull();

    const stored = await statusWhere(supervisor, (s) => s.counters.capturesStored + s.counters.capturesSkipped >= paths.length && s.queue.queued + s.queue.leased === 0);
    expect(stored.counters.capturesStored).toBe(paths.length);
    expect(stored.counters.capturesSkipped).toBe(0);
    expect(stored.queue.done).toBe(paths.length);

    // Each capture was sent once, with its own idempotency key.
    const jobs = sent.flat();
    expect(jobs).toHaveLength(paths.length);
    expect(new Set(jobs.map((j) => j.idempotencyKey)).size).toBe(paths.length);
    expect(jobs.map((j) => (j.payload as { path: string }).path)).toEqual(paths);

    // A replay of a batch whose reply was lost returns the same jobs and stores nothing again.
    const replay = sent[0]!;
    const again = await supervisor.request('enqueue', { jobs: replay });
    expect(again.ids).toHaveLength(replay.length);
    const after = await supervisor.request('status', {});
    expect(after.queue.done + after.queue.queued + after.queue.leased).toBe(paths.length);
    expect(after.counters.capturesStored).toBe(paths.length);
    for (const i of [0, 999, 1_999]) {
      // The exact word ranks its own file first (other files match it only in part).
      const hits = await supervisor.request('recall', { query: `"capybara${i}"` });
      expect(hits[0]!.path).toBe(paths[i]);
    }
  });
});
