// The daemon's side of the wire, and the only daemon file that imports node-ipc. It owns the
// hardening that node-ipc 14 leaves to us (shared/docs/ipc.md):
// - guarded parser with a size limit: the default parser crashes the process on `null\f`;
// - `unlink: false` + probe: the default lets a second daemon silently take over the socket;
// - a private socket folder (0700, ours) and a 0600 socket file (node-ipc follows the umask);
// - node-ipc's console logging silenced (it would write to a detached daemon's closed stdout).
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, type Server as NetServer, type Socket } from 'node:net';
import { IPCModule, IPCProtocolError } from 'node-ipc';
import type { Clock, Timer } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { preparePrivateFolder } from '../../shared/socket-folder';

export class DaemonAlreadyRunningError extends Error {
  constructor(readonly socket: string) {
    super(`a daemon is already running on ${socket}`);
    this.name = 'DaemonAlreadyRunningError';
  }
}

export interface ServerConnection {
  readonly id: string;
  /** Encodes and writes; false when the frame could not be queued (too large, backpressure overflow, closed). */
  send(type: string, data: unknown): boolean;
  /** Half-closes after flushing what was written, then destroys if the peer lingers. */
  end(): void;
  destroy(): void;
  readonly closed: boolean;
}

export interface TransportEvents {
  connect(conn: ServerConnection): void;
  /** A well-formed frame ({type, data} JSON) from a connection. */
  message(conn: ServerConnection, type: string, data: unknown): void;
  close(conn: ServerConnection): void;
}

export interface ServerTransportOptions {
  socketRoot: string;
  socket: string;
  maxMessageBytes: number;
  log: Logger;
  /** Arms the probe's timeout and the linger timer of a half-closed connection (the daemon's Clock: they show in timersArmed). */
  clock: Pick<Clock, 'setTimeout'>;
  /** How long a connect probe of an existing socket may take before the owner counts as alive. */
  probeTimeoutMs?: number;
}

// node-ipc's own lifecycle event names: never wire messages (the guarded parser rejects them).
const LIFECYCLE = new Set(['start', 'connect', 'disconnect', 'destroy', 'close', 'socket.disconnected', 'error', 'data']);
const PIPE_PREFIX = '\\\\.\\pipe\\';

export class ServerTransport {
  private readonly ipc = new IPCModule();
  private readonly conns = new WeakMap<Socket, Connection>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private outOfDescriptors = false;

  private constructor(
    private readonly opts: ServerTransportOptions,
    private readonly events: TransportEvents,
  ) {
    const c = this.ipc.config;
    c.silent = true;
    c.logger = () => {};
    c.parser = 'guarded';
    c.maxMessageSize = opts.maxMessageBytes;
    c.unlink = false;
    c.secureSocketRoot = true;
    c.socketRoot = opts.socketRoot;
    c.appspace = '';
    c.readableAll = false;
    c.writableAll = false;
    c.sync = false;
    // node-ipc's default (100) makes Node close every client past it without a word. The limit
    // is ours (IpcServer, ipcMaxConnections), which tells the refused client why.
    c.maxConnections = Infinity;
  }

  /** Listens on the socket; a live owner → DaemonAlreadyRunningError, a stale file → unlinked, retried once. */
  static async listen(opts: ServerTransportOptions, events: TransportEvents): Promise<ServerTransport> {
    const t = new ServerTransport(opts, events);
    const windows = process.platform === 'win32';
    if (!windows) preparePrivateFolder(opts.socketRoot);
    try {
      await t.tryListen();
    } catch (error) {
      if (windows || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (await probeAlive(opts.socket, opts.probeTimeoutMs ?? 2000, opts.clock)) throw new DaemonAlreadyRunningError(opts.socket);
      opts.log.warn(`removing stale socket ${opts.socket} (connection refused)`);
      unlinkStaleSocket(opts.socket);
      await t.tryListen();
    }
    if (!windows) chmodSync(opts.socket, 0o600);
    return t;
  }

  private tryListen(): Promise<void> {
    return new Promise((resolve, reject) => {
      // node-ipc converts a server path to a pipe name on Windows itself: give it the bare name.
      const path = process.platform === 'win32' ? this.opts.socket.replace(PIPE_PREFIX, '') : this.opts.socket;
      this.ipc.serve(path);
      const server = this.ipc.server;
      if (!server) throw new Error('node-ipc did not create a server');
      server.on('connect', (socket: Socket) => this.onConnect(socket));
      server.on('close', (socket: Socket) => this.onClose(socket));
      server.on('error', (error: Error) => this.onError(error));
      server.on('*', (type: string, data: unknown, socket?: Socket) => {
        if (LIFECYCLE.has(type) || !socket) return;
        const conn = this.conns.get(socket);
        if (conn && !conn.closed) this.events.message(conn, type, data);
      });
      server.start(); // creates the net.Server synchronously (and may throw on a bad socketRoot)
      const net = server.server as NetServer;
      const onListenError = (error: Error) => {
        server.stop();
        reject(error);
      };
      net.once('error', onListenError);
      net.once('listening', () => {
        net.off('error', onListenError);
        resolve();
      });
    });
  }

  private onConnect(socket: Socket): void {
    this.outOfDescriptors = false;
    const conn = new Connection(`c${this.nextId++}`, socket, this.ipc, this.opts.clock);
    this.conns.set(socket, conn);
    this.events.connect(conn);
  }

  private onClose(socket: Socket): void {
    const conn = this.conns.get(socket);
    if (!conn || conn.closedFired) return;
    conn.closedFired = true;
    this.events.close(conn);
  }

  private onError(error: Error): void {
    // Protocol failures (bad JSON, oversized frames, partial-frame timeouts) have already
    // destroyed their socket; node-ipc does not say which one, the close event will.
    if (error instanceof IPCProtocolError) this.opts.log.warn(`connection closed: ${error.code} ${error.message}`);
    else if (isOutOfDescriptors(error)) this.onOutOfDescriptors(error);
    else this.opts.log.debug(`socket error: ${error.message}`);
  }

  /**
   * accept() failed for want of descriptors: libuv closed the newcomer, which learns nothing.
   * Said once (then at debug) until a connection is accepted again, so a flood writes one line.
   */
  private onOutOfDescriptors(error: Error): void {
    if (this.outOfDescriptors) {
      this.opts.log.debug(`accept failed: ${error.message}`);
      return;
    }
    this.outOfDescriptors = true;
    this.opts.log.warn(`accept failed: ${error.message}: the daemon is out of file descriptors (ulimit -n); new clients are closed until some leave`);
  }

  /** Destroys every connection and closes the listener (the socket file goes with it). Safe twice. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      const server = this.ipc.server;
      const net = server ? server.server : false;
      if (!server || !net || !net.listening) {
        if (server) server.stop();
        resolve();
        return;
      }
      net.once('close', () => resolve());
      server.stop();
    });
    return this.closing;
  }
}

class Connection implements ServerConnection {
  closedFired = false;
  private lingerTimer: Timer | undefined;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly ipc: IPCModule,
    private readonly clock: Pick<Clock, 'setTimeout'>,
  ) {}

  get closed(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  send(type: string, data: unknown): boolean {
    const server = this.ipc.server;
    if (!server || this.closed) return false;
    try {
      server.emit(this.socket, type, data);
      // false from write() with a live socket is backpressure: the frame is queued, not lost.
      return !this.socket.destroyed;
    } catch {
      return false; // the frame was larger than maxMessageSize: nothing was written
    }
  }

  end(): void {
    this.socket.end();
    if (this.lingerTimer || this.socket.destroyed) return;
    // Destroy a peer that lingers after the half-close; the timer goes as soon as the socket closes.
    const timer = this.clock.setTimeout(() => this.socket.destroy(), 1000);
    this.lingerTimer = timer;
    this.socket.once('close', () => timer.dispose());
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** true when something accepts a connection on `path` (or does not refuse it in time). */
function probeAlive(path: string, timeoutMs: number, clock: Pick<Clock, 'setTimeout'>): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: Timer | undefined;
    let settled = false;
    const socket = connect({ path });
    // Runs once; the probe timer never outlives the probe.
    const done = (alive: boolean) => {
      if (settled) return;
      settled = true;
      timer?.dispose();
      socket.destroy();
      resolve(alive);
    };
    // A hung owner is still an owner: never take over on a timeout.
    timer = clock.setTimeout(() => done(true), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(!(error.code === 'ECONNREFUSED' || error.code === 'ENOENT')));
  });
}

function isOutOfDescriptors(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EMFILE' || code === 'ENFILE';
}

function unlinkStaleSocket(path: string): void {
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; refusing to remove it`);
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
