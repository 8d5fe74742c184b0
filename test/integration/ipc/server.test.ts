// A real IpcServer on a real Unix socket in a temp dir, with a small handler table, and real
// clients (DaemonClient, or raw node:net for frames node-ipc would never send). No sleeping:
// every test waits on an event or a promise.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonClient, DaemonUnreachableError } from '../../../src/client/daemon-client';
import { type Handlers, IpcServer } from '../../../src/daemon/ipc/server';
import { generateToken, writeToken } from '../../../src/daemon/ipc/token';
import { DaemonAlreadyRunningError } from '../../../src/daemon/ipc/transport';
import { waitFor } from '../../../src/shared/event';
import { memoryLogger } from '../../../src/shared/logger';
import type { DataDirPaths } from '../../../src/shared/paths';
import { type DaemonStatus } from '../../../src/shared/status';
import { RpcError } from '../../../src/shared/protocol';
import { InsecureSocketFolderError } from '../../../src/shared/socket-folder';

const unix = process.platform !== 'win32';
const MAX = 4096;

let dir: string;
let paths: DataDirPaths;
let token: string;
let servers: IpcServer[];
let clients: DaemonClient[];
let raws: Socket[];
let never: Array<() => void>;

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

const fakeStatus = { pid: 1, state: 'awake' } as unknown as DaemonStatus;

function handlers(): Handlers {
  return {
    status: () => fakeStatus,
    wake: async () => ({ woken: ['capture'] }),
    hibernate: () => ({ hibernated: true }),
    reload: () => {
      throw new RpcError('INVALID_SETTINGS', 'rejected', { rejected: [{ key: 'pollFloorMs', reason: 'too small' }] });
    },
    enqueue: ({ jobs }) => ({ ids: jobs.map((_, i) => i + 1) }),
    recall: async ({ query }) => {
      if (query === 'boom') throw new Error('boom');
      return [];
    },
    recallWithNote: () => ({ hits: [], note: null }),
    related: ({ path }) => ({ path, hits: [], history: [], computedAt: 'now' }),
    // Never answers: for the timeout test.
    memory: () => new Promise((resolve) => never.push(() => resolve(null))),
    forget: () => ({ forgotten: 0 }),
    pause: () => ({ paused: true, until: null }),
    resume: () => ({ paused: false, until: null }),
    export: () => ({ memories: [], nextAfterId: null }),
    import: () => ({ imported: 0, skipped: 0, refused: 0 }),
    stop: () => ({}),
  };
}

async function startServer(p: DataDirPaths = paths, log = memoryLogger()): Promise<IpcServer> {
  const server = new IpcServer({ paths: p, token, handlers: handlers(), log, maxMessageBytes: MAX });
  servers.push(server);
  await server.start();
  return server;
}

async function client(name = 'test'): Promise<DaemonClient> {
  const c = await DaemonClient.connect({ paths, clientName: name, connectTimeoutMs: 5000 });
  clients.push(c);
  return c;
}

/** A raw connection speaking node-ipc's framing by hand. */
async function raw(): Promise<{ socket: Socket; closed: Promise<void>; frames: unknown[]; next: () => Promise<unknown> }> {
  const socket = connect({ path: paths.socket });
  raws.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  const frames: unknown[] = [];
  const waiters: Array<(v: unknown) => void> = [];
  let buffer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\f')) !== -1) {
      const frame = JSON.parse(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      const w = waiters.shift();
      if (w) w(frame);
      else frames.push(frame);
    }
  });
  const next = () => (frames.length ? Promise.resolve(frames.shift()) : new Promise<unknown>((resolve) => waiters.push(resolve)));
  return { socket, closed, frames, next };
}

/** A fake clock that counts the timers armed through it; a test fires them by hand. */
interface FakeTimer {
  fire(): void;
  disposed: Promise<void>;
}

class CountingClock {
  armed = 0;
  live = 0;
  readonly delays: number[] = [];
  private waiters: Array<(t: FakeTimer) => void> = [];

  setTimeout(fn: () => void, delayMs: number): { dispose(): void } {
    this.armed++;
    this.live++;
    this.delays.push(delayMs);
    let active = true;
    let onDisposed!: () => void;
    const disposed = new Promise<void>((resolve) => (onDisposed = resolve));
    const settle = () => {
      if (!active) return false;
      active = false;
      this.live--;
      onDisposed();
      return true;
    };
    const timer: FakeTimer = { fire: () => void (settle() && fn()), disposed };
    for (const w of this.waiters.splice(0)) w(timer);
    return { dispose: () => void settle() };
  }

  /** Resolves with the next timer armed. */
  nextArmed(): Promise<FakeTimer> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const frame = (type: string, data: unknown) => JSON.stringify({ type, data }) + '\f';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-ipc-'));
  paths = makePaths(dir);
  mkdirSync(paths.dataDir, { recursive: true });
  token = generateToken();
  writeToken(paths.token, token);
  servers = [];
  clients = [];
  raws = [];
  never = [];
});

afterEach(async () => {
  for (const r of never) r();
  for (const s of raws) s.destroy();
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(unix)('IpcServer over a real socket', () => {
  it('answers hello and a request', async () => {
    const server = await startServer();
    const c = await client();
    expect(c.hello.daemonPid).toBe(process.pid);
    expect(server.clientCount).toBe(1);
    expect(await c.request('wake', {})).toEqual({ woken: ['capture'] });
  });

  it('a wrong token drops the connection', async () => {
    const log = memoryLogger();
    const server = await startServer(paths, log);
    writeToken(paths.token, 'f'.repeat(64));
    await expect(client()).rejects.toBeInstanceOf(DaemonUnreachableError);
    const r = await raw();
    r.socket.write(frame('request', { id: 1, method: 'hello', params: { token: 'nope', client: 'x' } }));
    expect(await r.next()).toMatchObject({ type: 'response', data: { id: 1, ok: false, error: { code: 'UNAUTHORIZED' } } });
    await r.closed;
    expect(server.clientCount).toBe(0);
    expect(log.lines.filter((l) => l.includes('refused connection')).length).toBe(2);
  });

  it('a request before hello drops the connection', async () => {
    const server = await startServer();
    const r = await raw();
    r.socket.write(frame('request', { id: 1, method: 'status', params: {} }));
    await r.closed;
    expect(server.clientCount).toBe(0);
    // and the server still serves
    expect(await (await client()).request('hibernate', {})).toEqual({ hibernated: true });
  });

  it('a connection that never says hello is closed', async () => {
    const server = new IpcServer({ paths, token, handlers: handlers(), log: memoryLogger(), maxMessageBytes: MAX, helloTimeoutMs: 50 });
    servers.push(server);
    await server.start();
    const r = await raw();
    await r.closed;
    expect(await (await client()).request('wake', {})).toEqual({ woken: ['capture'] });
  });

  it('a server that owns its socket before its handlers exist answers "still starting", then serves them', async () => {
    // The daemon owns the socket before it opens the database its handlers need.
    const server = new IpcServer({ paths, token, log: memoryLogger(), maxMessageBytes: MAX });
    servers.push(server);
    await server.start();
    const c = await client(); // hello is answered by the server itself
    const early = await c.request('status', {}).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(RpcError);
    expect((early as RpcError).message).toMatch(/still starting/);
    server.serve(handlers());
    expect(await c.request('status', {})).toEqual(fakeStatus);
    expect(() => server.serve(handlers())).toThrow(/already serves/);
  });

  it('the hello timer is disposed once the client says hello', async () => {
    const clock = new CountingClock();
    const server = new IpcServer({ paths, token, handlers: handlers(), log: memoryLogger(), maxMessageBytes: MAX, clock });
    servers.push(server);
    await server.start();
    expect(clock.live).toBe(0); // a listening server with no connection arms nothing

    const armed = clock.nextArmed();
    const c = await client();
    await armed;
    expect(clock.armed).toBe(1);
    expect(clock.delays).toEqual([10_000]);
    expect(clock.live).toBe(0); // hello came: no timer left for this connection
    expect(await c.request('wake', {})).toEqual({ woken: ['capture'] });
    expect(clock.live).toBe(0);

    // A connection that closes before hello takes its timer with it.
    const armedRaw = clock.nextArmed();
    const r = await raw();
    const timer = await armedRaw;
    expect(clock.live).toBe(1);
    const disposed = timer.disposed;
    r.socket.destroy();
    await disposed;
    expect(clock.live).toBe(0);

    // And one that stays silent is closed when its timer fires.
    const armedSilent = clock.nextArmed();
    const silent = await raw();
    (await armedSilent).fire();
    await silent.closed;
    expect(clock.live).toBe(0);
    expect(server.clientCount).toBe(1);
  });

  it('invalid params get BAD_REQUEST and the connection stays usable', async () => {
    await startServer();
    const c = await client();
    const error = await c.request('recall', { query: 'x', limit: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('params.limit') });
    const unknownField = await c.request('status', { extra: 1 } as never).catch((e: unknown) => e);
    expect(unknownField).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('params.extra') });
    const unknownMethod = await c.request('nope' as never, {} as never).catch((e: unknown) => e);
    expect(unknownMethod).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(await c.request('recall', { query: 'x' })).toEqual([]);
  });

  it('a throwing handler returns an error reply and the server keeps serving', async () => {
    await startServer();
    const c = await client();
    await expect(c.request('recall', { query: 'boom' })).rejects.toMatchObject({ code: 'INTERNAL', message: 'boom' });
    await expect(c.request('reload', {})).rejects.toMatchObject({
      code: 'INVALID_SETTINGS',
      details: { rejected: [{ key: 'pollFloorMs', reason: 'too small' }] },
    });
    expect(await c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'hi' } }] })).toEqual({ ids: [1] });
  });

  it('fires onDidRequest for authenticated valid requests only', async () => {
    const server = await startServer();
    const seen: string[] = [];
    server.onDidRequest(({ method }) => seen.push(method));
    const c = await client();
    await c.request('recall', { query: 42 as unknown as string }).catch(() => {});
    await c.request('status', {});
    await c.request('recall', { query: 'q' });
    expect(seen).toEqual(['status', 'recall']);
  });

  it('a 5-byte null frame closes only that connection', async () => {
    await startServer();
    const good = await client();
    const r = await raw();
    r.socket.write(frame('request', { id: 1, method: 'hello', params: { token, client: 'raw' } }));
    expect(await r.next()).toMatchObject({ data: { id: 1, ok: true } });
    r.socket.write('null\f');
    await r.closed;
    const r2 = await raw();
    r2.socket.write('{"data":1}\f');
    await r2.closed;
    const r3 = await raw();
    r3.socket.write('not json at all\f');
    await r3.closed;
    expect(await good.request('wake', {})).toEqual({ woken: ['capture'] });
  });

  it('an oversized frame closes only that connection', async () => {
    const server = await startServer();
    const good = await client();
    const r = await raw();
    r.socket.write('x'.repeat(MAX + 10)); // no delimiter: the guard trips on the partial frame
    await r.closed;
    // A real client learns the limit from hello and refuses a larger request up front, with the reason.
    const big = await client('big');
    const text = 'y'.repeat(MAX * 2);
    const error = await big.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text } }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as Error).message).toMatch(/message limit/);
    expect(await big.request('wake', {})).toEqual({ woken: ['capture'] });
    expect(await good.request('wake', {})).toEqual({ woken: ['capture'] });
    expect(server.clientCount).toBe(2);
  });

  it('a second server on the same socket is refused while the first lives (no takeover)', async () => {
    await startServer();
    const c = await client();
    const second = new IpcServer({ paths, token, handlers: handlers(), log: memoryLogger(), maxMessageBytes: MAX });
    await expect(second.start()).rejects.toBeInstanceOf(DaemonAlreadyRunningError);
    await second.close();
    expect(await c.request('wake', {})).toEqual({ woken: ['capture'] });
    expect(await (await client('another')).request('hibernate', {})).toEqual({ hibernated: true });
  });

  it('a stale socket file is recovered', async () => {
    mkdirSync(paths.socketRoot, { recursive: true, mode: 0o700 });
    // A process that listens and dies without cleaning up leaves a socket file nobody answers.
    const script = `require('net').createServer().listen(${JSON.stringify(paths.socket)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect(lstatSync(paths.socket).isSocket()).toBe(true);
    await expect(client()).rejects.toBeInstanceOf(DaemonUnreachableError);
    const log = memoryLogger();
    await startServer(paths, log);
    expect(log.lines.some((l) => l.includes('stale socket'))).toBe(true);
    expect(await (await client()).request('wake', {})).toEqual({ woken: ['capture'] });
  });

  it('refuses to remove a non-socket file at the socket path', async () => {
    mkdirSync(paths.socketRoot, { recursive: true, mode: 0o700 });
    writeFileSync(paths.socket, 'not a socket');
    await expect(startServer()).rejects.toThrow();
    expect(existsSync(paths.socket)).toBe(true);
  });

  it('the socket folder is private (0700) and the socket 0600', async () => {
    mkdirSync(paths.socketRoot, { recursive: true });
    chmodSync(paths.socketRoot, 0o755); // a loose folder is tightened
    const server = await startServer();
    expect(statSync(paths.socketRoot).mode & 0o777).toBe(0o700);
    expect(lstatSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.token).mode & 0o777).toBe(0o600);
    await server.close();
    await server.close(); // safe twice
    expect(existsSync(paths.socket)).toBe(false);
  });

  it('refuses a socket folder that is a symlink, on both sides', async () => {
    const real = join(dir, 'elsewhere');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, paths.socketRoot);
    await expect(startServer()).rejects.toBeInstanceOf(InsecureSocketFolderError);
    await expect(client()).rejects.toBeInstanceOf(InsecureSocketFolderError);
  });

  it('the client refuses a socket folder other users can enter', async () => {
    await startServer();
    chmodSync(paths.socketRoot, 0o755);
    await expect(client()).rejects.toBeInstanceOf(InsecureSocketFolderError);
  });

  it('request timeout rejects with TIMEOUT', async () => {
    await startServer();
    const c = await client();
    await expect(c.request('memory', { id: 1 }, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const pending = c.request('memory', { id: 2 }, { signal: controller.signal });
    controller.abort(new Error('cancelled by test'));
    await expect(pending).rejects.toThrow('cancelled by test');
    expect(await c.request('wake', {})).toEqual({ woken: ['capture'] });
  });

  it('pending requests reject with DISCONNECTED when the server goes away', async () => {
    const server = await startServer();
    const c = await client();
    const changes: number[] = [];
    server.onDidChangeClients((n) => changes.push(n));
    const pending = c.request('memory', { id: 1 });
    const gone = waitFor(c.onDidDisconnect);
    await server.close();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await gone;
    await expect(c.request('wake', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
    c.close();
    c.close();
    expect(changes.at(-1)).toBe(0);
  });

  it('counts authenticated clients', async () => {
    const server = await startServer();
    const a = await client('a');
    await client('b');
    expect(server.clientCount).toBe(2);
    const one = waitFor(server.onDidChangeClients, (n) => n === 1);
    a.close();
    await one;
    expect(server.clientCount).toBe(1);
  });

  it('events reach only subscribers', async () => {
    const server = await startServer();
    const sub = await client('sub');
    const other = await client('other');
    const subEvents: string[] = [];
    const otherEvents: string[] = [];
    sub.onEvent((e) => subEvents.push(e.event));
    other.onEvent((e) => otherEvents.push(e.event));
    await sub.request('subscribe', { events: ['status'] });
    const got = waitFor(sub.onEvent);
    server.broadcast('related', { path: '/x', hits: [], history: [], computedAt: 'now' });
    server.broadcast('status', fakeStatus);
    expect(await got).toEqual({ event: 'status', data: fakeStatus });
    // Replies follow events on the same socket in order: after a round trip, nothing else is coming.
    await sub.request('wake', {});
    await other.request('wake', {});
    expect(subEvents).toEqual(['status']);
    expect(otherEvents).toEqual([]);
  });
});
