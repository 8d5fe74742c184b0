// One authenticated connection to the daemon of a data dir, shared by the CLI and the extension.
// Request ids, per-request timeouts and cancellation live here; reconnection does not (the
// extension's supervisor owns it): when the socket closes, every pending request rejects.
import { type Clock, RealClock } from '../shared/clock';
import { Emitter, type Event } from '../shared/event';
import type { DataDirPaths } from '../shared/paths';
import {
  type ErrorBody,
  type EventMessage,
  type HelloResult,
  type MethodName,
  type Params,
  type Result,
  RpcError,
} from '../shared/protocol';
import { InsecureSocketFolderError, verifyPrivateFolder, verifySocketFile } from '../shared/socket-folder';
import { readToken } from '../daemon/ipc/token';
import { IpcConnection } from './ipc-connection';
import { errorMessage } from '../shared/error-message';

export class DaemonUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DaemonUnreachableError';
  }
}

export { InsecureSocketFolderError };

export interface ConnectOptions {
  paths: DataDirPaths;
  clientName: string;
  /** Connect + hello must finish within this (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Largest frame sent or accepted (default 64 MiB, the ceiling of ipcMaxMessageBytes: the daemon enforces its own limit). */
  maxMessageBytes?: number;
  /** Times the connect and every request of this client (tests drive it with a ManualClock). Default: the real clock. */
  clock?: Clock;
  /** Aborting gives up the connect (and the hello) at once, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

export type RequestOptions =
  | {
      /** Default 10 s, on the client's clock. */
      timeoutMs?: number;
      /** Abort rejects the request with the signal's reason (the reply, if any, is ignored). */
      signal?: AbortSignal;
    }
  | {
      /** No timer of the client's own: the caller's signal bounds the request (the watchdog's probe timeout). */
      timeoutMs: null;
      signal: AbortSignal;
    };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class DaemonClient {
  private conn!: IpcConnection;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventEmitter = new Emitter<EventMessage>();
  private readonly disconnectEmitter = new Emitter<void>();
  private closedFlag = false;
  private helloResult: HelloResult | undefined;
  private readonly clock: Clock;

  /** Events the client subscribed to (see the `subscribe` method). */
  readonly onEvent: Event<EventMessage> = this.eventEmitter.event;
  /** Fires once when the connection closes, whoever closed it. */
  readonly onDidDisconnect: Event<void> = this.disconnectEmitter.event;

  private constructor(clock: Clock) {
    this.clock = clock;
  }

  /**
   * Connects and authenticates. Rejects with DaemonUnreachableError when no daemon answers (no
   * socket, refused, no token, hello refused or timed out), InsecureSocketFolderError when the
   * socket folder is not private to this user, and RpcError TOO_MANY_CONNECTIONS when the daemon
   * already serves ipcMaxConnections clients.
   */
  static async connect(opts: ConnectOptions): Promise<DaemonClient> {
    const { paths, signal } = opts;
    const timeoutMs = opts.connectTimeoutMs ?? 5000;
    const hint = 'start it with `dormouse daemon`';
    signal?.throwIfAborted();
    try {
      verifyPrivateFolder(paths.socketRoot);
      verifySocketFile(paths.socket);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DaemonUnreachableError(`no daemon is running for ${paths.dataDir} (no socket at ${paths.socket}); ${hint}`, { cause: error });
      }
      throw error;
    }
    let token: string;
    try {
      token = readToken(paths.token);
    } catch (error) {
      throw new DaemonUnreachableError(`cannot read the daemon token ${paths.token}: ${errorMessage(error)}; ${hint}`, { cause: error });
    }
    const clock = opts.clock ?? new RealClock();
    const client = new DaemonClient(clock);
    try {
      client.conn = await IpcConnection.open(
        { socket: paths.socket, maxMessageBytes: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, connectTimeoutMs: timeoutMs, clock, signal },
        { message: (type, data) => client.onMessage(type, data), close: () => client.onClose() },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new DaemonUnreachableError(`no daemon answers on ${paths.socket} (${errorMessage(error)}); ${hint}`, { cause: error });
    }
    try {
      client.helloResult = await client.request('hello', { token, client: opts.clientName }, { timeoutMs, signal });
    } catch (error) {
      client.close();
      if (signal?.aborted) throw signal.reason;
      // A daemon that is up but full is not unreachable: starting another one would not help.
      if (error instanceof RpcError && error.code === 'TOO_MANY_CONNECTIONS') throw error;
      const why = error instanceof RpcError && error.code === 'UNAUTHORIZED' ? `the daemon refused the token (${error.message})` : errorMessage(error);
      throw new DaemonUnreachableError(`the daemon on ${paths.socket} did not accept this client: ${why}`, { cause: error });
    }
    return client;
  }

  /** The daemon's answer to hello (its pid, version, protocol version). */
  get hello(): HelloResult {
    return this.helloResult as HelloResult;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  request<M extends MethodName>(method: M, params: Params<M>, opts: RequestOptions = {}): Promise<Result<M>> {
    return new Promise<Result<M>>((resolve, reject) => {
      if (this.closedFlag) {
        reject(new RpcError('DISCONNECTED', 'the connection to the daemon is closed'));
        return;
      }
      const { signal } = opts;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const id = this.nextId++;
      // The daemon closes a connection that sends a frame over its limit; say why instead.
      const limit = this.helloResult?.maxMessageBytes;
      if (limit !== undefined) {
        const bytes = Buffer.byteLength(JSON.stringify({ type: 'request', data: { id, method, params } }));
        if (bytes > limit) {
          reject(new RpcError('BAD_REQUEST', `${method}: the request is ${bytes} bytes, over the daemon's message limit of ${limit} bytes (ipcMaxMessageBytes); capture large files by path`));
          return;
        }
      }
      const timeoutMs = opts.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : opts.timeoutMs;
      const timer =
        timeoutMs === null
          ? null
          : this.clock.setTimeout(() => settle(() => reject(new RpcError('TIMEOUT', `${method} got no reply within ${timeoutMs} ms`))), timeoutMs);
      const onAbort = () => settle(() => reject(signal?.reason));
      const settle = (finish: () => void) => {
        if (!this.pending.delete(id)) return;
        timer?.dispose();
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      this.pending.set(id, {
        resolve: (value) => settle(() => resolve(value as Result<M>)),
        reject: (error) => settle(() => reject(error)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      let sent: boolean;
      try {
        sent = this.conn.send('request', { id, method, params });
      } catch (error) {
        // The frame exceeds the message limit: nothing was written, the connection is fine.
        settle(() => reject(new RpcError('BAD_REQUEST', `${method}: ${errorMessage(error)}`)));
        return;
      }
      if (!sent) settle(() => reject(new RpcError('DISCONNECTED', `${method} could not be sent: the connection to the daemon is closed`)));
    });
  }

  /** Closes the connection; pending requests reject with DISCONNECTED. Safe twice. */
  close(): void {
    if (this.closedFlag) return;
    this.conn.close(); // fires onClose
  }

  private onMessage(type: string, data: unknown): void {
    if (type === 'response') {
      const msg = data as { id?: unknown; ok?: unknown; result?: unknown; error?: Partial<ErrorBody> } | null;
      if (!msg || typeof msg.id !== 'number') return;
      if (msg.ok === false && msg.error?.code === 'TOO_MANY_CONNECTIONS') {
        this.refused(new RpcError('TOO_MANY_CONNECTIONS', msg.error.message ?? 'the daemon serves no more clients'));
        return;
      }
      const pending = this.pending.get(msg.id);
      if (!pending) return; // timed out, cancelled, or an error reply without an id
      if (msg.ok === true) pending.resolve(msg.result);
      else {
        const err = msg.error ?? {};
        pending.reject(new RpcError(err.code ?? 'INTERNAL', err.message ?? 'the daemon returned an error', err.details));
      }
    } else if (type === 'event') {
      const msg = data as Partial<EventMessage> | null;
      if (msg && typeof msg.event === 'string') this.eventEmitter.fire({ event: msg.event, data: msg.data });
    }
  }

  /** The daemon is at its connection limit and closes this connection: every request fails with its reason, now. */
  private refused(error: RpcError): void {
    for (const pending of [...this.pending.values()]) pending.reject(error);
    this.close();
  }

  private onClose(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    const error = new RpcError('DISCONNECTED', 'the connection to the daemon closed');
    for (const pending of [...this.pending.values()]) pending.reject(error);
    this.disconnectEmitter.fire();
    this.eventEmitter.dispose();
    this.disconnectEmitter.dispose();
  }
}
