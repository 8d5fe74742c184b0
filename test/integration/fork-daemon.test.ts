// forkDaemon against the real daemon bundle: the ready message over the fork's IPC channel, the
// shared daemon outliving its channel, and the errors a supervisor acts on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client';
import { DaemonStartError, daemonEnv, forkDaemon } from '../../src/extension/daemon/fork-daemon';
import { dataDirPaths } from '../../src/shared/paths';
import { ManualClock } from '../../src/shared/clock';
import { isProcessAlive } from '../../src/shared/process-alive';
import { existsSync, readFileSync, watch } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/daemon/store/migrations';
import { migrate } from '../../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../../src/daemon/store/sql';
import { memoryLogger } from '../../src/shared/logger';
import { DAEMON_SCRIPT, FAST_SETTINGS, tempDataDir } from '../helpers/daemon-process';

const pids: number[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function dataDir(): string {
  const dir = tempDataDir('dm-fork-');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...FAST_SETTINGS, idleExitMs: 60_000 }));
  return dir;
}

function fork(dir: string, daemonScript = DAEMON_SCRIPT) {
  return forkDaemon({ daemonScript, dataDir: dir, execPath: process.execPath, env: daemonEnv(process.env), timeoutMs: 10_000 });
}

describe('forkDaemon', () => {
  it('a daemon that must migrate its database says so first, so its starter waits past the usual deadline', async () => {
    const dir = dataDir();
    const db = new SqlDatabase(new Database(join(dir, 'dormouse.db')));
    migrate(db, MIGRATIONS.slice(0, 3), memoryLogger());
    db.close();
    const slow: string[] = [];
    const ready = await forkDaemon({
      daemonScript: DAEMON_SCRIPT, dataDir: dir, execPath: process.execPath, env: daemonEnv(process.env), timeoutMs: 10_000,
      onSlowStart: (reason) => slow.push(reason),
    });
    pids.push(ready.pid);
    expect(slow).toEqual([`migrating the database from version 3 to ${MIGRATIONS.length} (reindexing memories)`]);
  });

  it('a new data dir starts without a slow-start message', async () => {
    const dir = dataDir();
    const slow: string[] = [];
    const first = await forkDaemon({
      daemonScript: DAEMON_SCRIPT, dataDir: dir, execPath: process.execPath, env: daemonEnv(process.env), timeoutMs: 10_000,
      onSlowStart: (reason) => slow.push(reason),
    });
    pids.push(first.pid);
    expect(slow).toEqual([]);
  });

  it('resolves with the pid and socket the daemon reports, and the daemon outlives its fork channel', async () => {
    const dir = dataDir();
    const ready = await fork(dir);
    pids.push(ready.pid);
    expect(ready.socket).toBe(dataDirPaths(dir).socket);

    // The channel is disconnected by now: the daemon still serves clients.
    const client = await DaemonClient.connect({ paths: dataDirPaths(dir), clientName: 'after-fork' });
    try {
      const status = await client.request('status', {});
      expect(status.pid).toBe(ready.pid);
      expect(status.foreground).toBe(false);
    } finally {
      client.close();
    }
  });

  it('a second fork on the same data dir rejects with alreadyRunning', async () => {
    const dir = dataDir();
    const first = await fork(dir);
    pids.push(first.pid);
    const error = await fork(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonStartError);
    expect((error as DaemonStartError).alreadyRunning).toBe(true);
    expect((error as Error).message).toMatch(/already running/);
  });

  it('a daemon that exits before ready rejects with its exit and the tail of its stderr', async () => {
    const dir = dataDir();
    const script = join(dir, 'broken.js');
    writeFileSync(script, 'console.error("cannot open the widget store"); process.exit(3);\n');
    const error = await fork(dir, script).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonStartError);
    expect((error as DaemonStartError).alreadyRunning).toBe(false);
    expect((error as Error).message).toBe('the daemon exited (code 3) before it was ready: cannot open the widget store');
  });

  it('an aborted fork stops waiting at once with the signal\'s reason, and a daemon that never gets ready is still killed at its deadline', async () => {
    const dir = dataDir();
    const pidFile = join(dir, 'pid');
    const script = join(dir, 'never-ready.js');
    writeFileSync(script, `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetTimeout(() => {}, 60_000);\n`);
    const clock = new ManualClock();
    const controller = new AbortController();
    const watcher = watch(dir);
    const forking = forkDaemon({ daemonScript: script, dataDir: dir, execPath: process.execPath, env: daemonEnv(process.env), timeoutMs: 10_000, clock, signal: controller.signal });
    const reason = new Error('the window stopped');
    controller.abort(reason);
    await expect(forking).rejects.toBe(reason);

    // The child lives on (it might have been about to serve other windows) until its deadline.
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((resolve) => watcher.once('change', resolve));
    watcher.close();
    const pid = Number(readFileSync(pidFile, 'utf8'));
    pids.push(pid);
    expect(isProcessAlive(pid)).toBe(true);
    await clock.advance(10_000);
    // SIGKILLed at the deadline; the exit is reaped on a later turn of the event loop.
    for (let turn = 0; turn < 10_000 && isProcessAlive(pid); turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('a fork whose signal is already aborted starts nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped first'));
    const dir = dataDir();
    await expect(forkDaemon({ daemonScript: DAEMON_SCRIPT, dataDir: dir, execPath: process.execPath, env: daemonEnv(process.env), signal: controller.signal })).rejects.toThrow('stopped first');
    expect(existsSync(join(dir, 'dormouse.db'))).toBe(false);
  });

  it('a daemon that refuses to start rejects with its reason', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ pollFloorMs: -1 }));
    const error = await fork(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonStartError);
    expect((error as DaemonStartError).alreadyRunning).toBe(false);
    expect((error as Error).message).toMatch(/pollFloorMs/);
  });
});
