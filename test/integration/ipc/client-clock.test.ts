// DaemonClient's timeouts run on the injected clock, and its connect gives up on an AbortSignal:
// a real IpcServer (or a raw socket that never answers) on a real Unix socket, a ManualClock that
// moves only when the test says so. Nothing sleeps.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonClient, DaemonUnreachableError } from '../../../src/client/daemon-client';
import { type Handlers, IpcServer } from '../../../src/daemon/ipc/server';
import { generateToken, writeToken } from '../../../src/daemon/ipc/token';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import type { DataDirPaths } from '../../../src/shared/paths';
import { preparePrivateFolder } from '../../../src/shared/socket-folder';

let dir: string;
let paths: DataDirPaths;
let cleanups: Array<() => unknown>;

function makePaths(root: string): DataDirPaths {
  const socketRoot = join(root, 'run');
  return {
    dataDir: join(root, 'data'),
    database: join(root, 'data', 'db'),
    token: join(root, 'data', 'token'),
    logDir: join(root, 'data', 'logs'),
    logFile: join(root, 'data', 'logs', 'daemon.log'),
    config: join(root, 'data', 'config.json'),
    cleanShutdownMarker: join(root, 'data', 'clean'),
    forgetPurgeMarker: join(root, 'data', 'forget-purge-pending'),
    socketRoot,
    socket: join(socketRoot, 'd.sock'),
  };
}

/** A fresh token, written where clients read it. */
function newToken(): string {
  const token = generateToken();
  writeToken(paths.token, token);
  return token;
}

/** A real server whose `memory` never answers. */
async function startServer(): Promise<void> {
  const never: Array<() => void> = [];
  const handlers = { memory: () => new Promise((resolve) => never.push(() => resolve(null))) } as unknown as Handlers;
  const server = new IpcServer({ paths, token: newToken(), handlers, log: memoryLogger(), maxMessageBytes: 4096 });
  await server.start();
  cleanups.push(() => never.forEach((answer) => answer()), () => server.close());
}

/** A socket that accepts connections and never says a word (a daemon hung before hello). */
async function silentSocket(): Promise<{ server: Server; connections: Socket[]; nextConnection: () => Promise<Socket> }> {
  newToken();
  preparePrivateFolder(paths.socketRoot);
  const connections: Socket[] = [];
  const waiters: Array<(s: Socket) => void> = [];
  const server = createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => {});
    waiters.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(paths.socket, resolve));
  cleanups.push(() => {
    for (const s of connections) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const nextConnection = () => new Promise<Socket>((resolve) => waiters.push(resolve));
  return { server, connections, nextConnection };
}

/** Whether `promise` has settled yet (after letting pending callbacks run). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await new ManualClock().flush();
  return done;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-clk-'));
  paths = makePaths(dir);
  mkdirSync(paths.dataDir, { recursive: true });
  cleanups = [];
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')("DaemonClient's time is the injected clock's", () => {
  it('a request with no reply fails with TIMEOUT when the client\'s clock passes its timeout, and not before', async () => {
    await startServer();
    const clock = new ManualClock();
    const client = await DaemonClient.connect({ paths, clientName: 'clock', clock });
    cleanups.push(() => client.close());

    const pending = client.request('memory', { id: 1 }, { timeoutMs: 1000 });
    pending.catch(() => undefined);
    await clock.advance(999);
    expect(await settled(pending)).toBe(false);
    await clock.advance(1);
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', message: 'memory got no reply within 1000 ms' });
    expect(clock.activeTimers).toBe(0);
  });

  it('the default request timeout is 10 s of the client\'s clock', async () => {
    await startServer();
    const clock = new ManualClock();
    const client = await DaemonClient.connect({ paths, clientName: 'clock', clock });
    cleanups.push(() => client.close());

    const pending = client.request('memory', { id: 1 });
    pending.catch(() => undefined);
    expect(clock.pendingDelays()).toEqual([10_000]);
    await clock.advance(10_000);
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('a request bounded only by its caller\'s signal (timeoutMs null) arms no timer and ends on the abort', async () => {
    await startServer();
    const clock = new ManualClock();
    const client = await DaemonClient.connect({ paths, clientName: 'clock', clock });
    cleanups.push(() => client.close());

    const controller = new AbortController();
    const pending = client.request('memory', { id: 1 }, { timeoutMs: null, signal: controller.signal });
    expect(clock.activeTimers).toBe(0);
    controller.abort(new Error('the probe timed out'));
    await expect(pending).rejects.toThrow('the probe timed out');
  });

  it('a daemon that never answers hello fails the connect at connectTimeoutMs of the client\'s clock', async () => {
    const { nextConnection } = await silentSocket();
    const clock = new ManualClock();
    const connection = nextConnection();
    const connecting = DaemonClient.connect({ paths, clientName: 'clock', clock, connectTimeoutMs: 3000 });
    connecting.catch(() => undefined);
    await connection;

    await clock.advance(2999);
    expect(await settled(connecting)).toBe(false);
    await clock.advance(1);
    const error = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toMatch(/did not accept this client: hello got no reply within 3000 ms/);
  });

  it('an aborted connect gives up at once with the signal\'s reason and closes its socket', async () => {
    const { nextConnection } = await silentSocket();
    const clock = new ManualClock();
    const controller = new AbortController();
    const connection = nextConnection();
    const connecting = DaemonClient.connect({ paths, clientName: 'clock', clock, signal: controller.signal });
    connecting.catch(() => undefined);
    const socket = await connection; // the connect is in flight: the server has it, hello is unanswered
    const closed = new Promise((resolve) => socket.once('close', resolve));

    const reason = new Error('the window stopped');
    controller.abort(reason);

    await expect(connecting).rejects.toBe(reason); // not a DaemonUnreachableError: nothing is wrong with the daemon
    await closed;
    expect(clock.activeTimers).toBe(0);
  });

  it('a connect whose signal is already aborted opens no socket', async () => {
    const { connections } = await silentSocket();
    const controller = new AbortController();
    const reason = new Error('stopped before it began');
    controller.abort(reason);
    await expect(DaemonClient.connect({ paths, clientName: 'clock', signal: controller.signal })).rejects.toBe(reason);
    await new ManualClock().flush();
    expect(connections).toEqual([]);
  });
});
