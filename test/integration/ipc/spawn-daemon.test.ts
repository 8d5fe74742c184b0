import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonStartError, daemonScriptPath, startDetachedDaemon } from '../../../src/client/spawn-daemon';
import { type Clock, ManualClock } from '../../../src/shared/clock';

const fixture = join(__dirname, 'fixtures', 'fake-daemon.cjs');
let dataDir: string;
const pids: number[] = [];

const start = (mode: string, extra: { configFile?: string; timeoutMs?: number; clock?: Clock } = {}) =>
  startDetachedDaemon({ dataDir, daemonScript: fixture, env: { ...process.env, FAKE_DAEMON_MODE: mode }, ...extra });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'dm-spawn-'));
});

afterEach(() => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startDetachedDaemon', () => {
  it('resolves with the ready line and leaves the daemon running, detached', async () => {
    const { pid, socket } = await start('ready', { configFile: '/etc/dm.json' });
    pids.push(pid);
    expect(socket).toBe('/tmp/fake.sock');
    expect(alive(pid)).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'argv.json'), 'utf8'))).toEqual(['--data-dir', dataDir, '--config', '/etc/dm.json']);
  });

  it('rejects with the stderr of a daemon that exits first', async () => {
    const error = await start('fail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonStartError);
    expect((error as Error).message).toMatch(/exited \(code 3\).*disk full/s);
  });

  it('reports a daemon that found another one running', async () => {
    const error = await start('already').catch((e: unknown) => e);
    expect(error).toMatchObject({ alreadyRunning: true, message: expect.stringContaining('already running') });
  });

  it('rejects after the timeout and kills a daemon that never gets ready', async () => {
    const error = await start('silent', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/did not report ready within 300 ms/);
  });

  it('the ready deadline runs on the injected clock', async () => {
    const clock = new ManualClock();
    let settled = false;
    const starting = start('silent', { clock }).finally(() => (settled = true));
    starting.catch(() => undefined);
    await clock.advance(14_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(starting).rejects.toThrow(/did not report ready within 15000 ms/);
  });

  it('finds dist/daemon.js beside the bundle', () => {
    expect(daemonScriptPath('/opt/dormouse/dist')).toBe('/opt/dormouse/dist/daemon.js');
  });
});
