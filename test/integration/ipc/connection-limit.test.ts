// How many clients the daemon serves (ipcMaxConnections) and what one past the limit is told.
// Real sockets throughout: idle clients are held by child processes (helpers/idle-clients.ts)
// so this test process spends no descriptor on them; the real daemon process serves them.
import { createHook } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../../src/client/daemon-client';
import { readOpenFileLimit } from '../../../src/daemon/ipc/open-file-limit';
import { type Handlers, IpcServer } from '../../../src/daemon/ipc/server';
import { generateToken, writeToken } from '../../../src/daemon/ipc/token';
import { memoryLogger } from '../../../src/shared/logger';
import { type DataDirPaths, dataDirPaths } from '../../../src/shared/paths';
import { RpcError } from '../../../src/shared/protocol';
import { CLI_SCRIPT, waitForStatus } from '../../helpers/daemon-process';
import { type IdleClients, holdIdleClients } from '../../helpers/idle-clients';
import { useDaemons } from '../../helpers/use-daemons';

const daemon = useDaemons();
const held: IdleClients[] = [];
afterEach(() => {
  for (const h of held.splice(0)) h.release();
});

async function hold(paths: DataDirPaths, count: number): Promise<IdleClients> {
  const h = await holdIdleClients(paths, count);
  held.push(h);
  return h;
}

const limit = readOpenFileLimit();
// The daemon inherits this process's open-file limit: 1,000 sockets need more than 1,000 descriptors.
const roomForThousand = limit === null || limit.soft === null || limit.soft > 1_100;

describe('IPC connection limit', () => {
  it.skipIf(!roomForThousand)(`a daemon serves 1,000 idle clients at once with no timer per connection, and a late client is still served (needs ulimit -n > 1100; here ${limit?.soft ?? 'unknown'})`, async () => {
    const d = await daemon();
    const probe = await d.client('probe');
    await probe.request('hibernate', {});
    // Hibernating: the daemon's clock holds no timer at all, so any per-connection timer would show.
    const before = await waitForStatus(probe, (s) => s.state === 'hibernating' && s.counters.timersArmed === 0);

    const holders = await Promise.all([250, 250, 250, 250].map((n) => hold(d.paths, n)));
    expect(holders.reduce((n, h) => n + h.authed, 0)).toBe(1_000);
    expect(holders.every((h) => h.failed === 0 && Object.keys(h.refused).length === 0)).toBe(true);

    // The hello timers went with the hellos; the status coalescer's one-shot timer settles too.
    const full = await waitForStatus(probe, (s) => s.clients === 1_001 && s.counters.timersArmed === 0);
    expect(full.connections).toMatchObject({ open: 1_001, refused: 0, max: 1_024 });
    expect(full.state).toBe(before.state);

    const late = await d.client('late window');
    expect((await late.request('status', {})).clients).toBe(1_002);
  }, 60_000);

  it('with ipcMaxConnections 3, the fourth client is told TOO_MANY_CONNECTIONS at once, not after its timeout', async () => {
    const d = await daemon({ settings: { ipcMaxConnections: 3 } });
    const first = await d.client('one');
    await d.client('two');
    await d.client('three');

    const t0 = performance.now();
    const refused = await DaemonClient.connect({ paths: d.paths, clientName: 'four', connectTimeoutMs: 20_000 }).then(
      () => null,
      (error: unknown) => error,
    );
    const elapsedMs = performance.now() - t0;
    expect(refused).toBeInstanceOf(RpcError);
    expect((refused as RpcError).code).toBe('TOO_MANY_CONNECTIONS');
    expect((refused as RpcError).message).toContain('at most 3 clients');
    expect((refused as RpcError).message).toContain('ipcMaxConnections');
    expect(elapsedMs).toBeLessThan(5_000); // the connect timeout was 20 s

    // The CLI says it in words and exits 1.
    const cli = spawnSync(process.execPath, [CLI_SCRIPT, 'status', '--data-dir', d.dataDir], { encoding: 'utf8', timeout: 20_000 });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('TOO_MANY_CONNECTIONS: the daemon serves at most 3 clients');

    const counted = await first.request('status', {});
    expect(counted.connections).toMatchObject({ open: 3, refused: 2, max: 3 });
    // One warning for the episode, not one per refused client.
    const log = readFileSync(d.paths.logFile, 'utf8');
    expect(log.match(/refusing new ones until some leave/g)).toHaveLength(1);
  });

  it('a slot freed by a client that leaves serves the next one; raising the limit live serves more', async () => {
    const d = await daemon({ settings: { ipcMaxConnections: 2 } });
    const first = await d.client('one');
    const second = await d.client('two');
    second.close();
    await waitForStatus(first, (s) => s.connections.open === 1);
    const third = await d.client('three');
    expect((await third.request('status', {})).clients).toBe(2);

    await first.request('reload', { settings: { ipcMaxConnections: 4 } });
    const fourth = await d.client('four');
    expect((await fourth.request('status', {})).connections).toMatchObject({ open: 3, max: 4 });
    const cli = spawnSync(process.execPath, [CLI_SCRIPT, 'status', '--data-dir', d.dataDir], { encoding: 'utf8', timeout: 20_000 });
    expect(cli.stdout).toMatch(/clients: 4 {2}\(connections 4 of at most 4, 0 refused/);
  });
});

describe('IPC server in this process', () => {
  it('an idle authenticated connection holds no Node timer: the hello timer goes with the hello', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-conn-'));
    const paths = dataDirPaths(join(dir, 'data'));
    const token = generateToken();
    writeToken(paths.token, token);
    const server = new IpcServer({ paths, token, handlers: { status: () => ({}) } as unknown as Handlers, log: memoryLogger(), maxMessageBytes: 1 << 20 });
    try {
      await server.start();
      // Every Node timer created from here on, unref'd ones too (getActiveResourcesInfo omits those).
      const live = new Set<number>();
      const hook = createHook({ init: (id, type) => void (type === 'Timeout' && live.add(id)), destroy: (id) => void live.delete(id) }).enable();
      try {
        const h = await hold(paths, 200);
        expect(h.authed).toBe(200);
        expect(server.clientCount).toBe(200);
        await new Promise((resolve) => setImmediate(resolve)); // destroy hooks are delivered asynchronously
        expect(live.size).toBe(0); // 200 hello timers were armed, and each went with its hello
      } finally {
        hook.disable();
      }
    } finally {
      for (const h of held.splice(0)) h.release();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
