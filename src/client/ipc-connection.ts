// The client's side of the wire, and the only client file that imports node-ipc. One connection,
// no automatic reconnect (node-ipc retries forever by default; the extension's supervisor owns
// reconnection), guarded parser, node-ipc's console logging silenced.
import { IPCModule, type IpcClient } from 'node-ipc';
import type { Clock } from '../shared/clock';

export interface IpcConnectionOptions {
  /** Socket path (Unix) or pipe name (Windows). */
  socket: string;
  /** Largest frame accepted or sent. */
  maxMessageBytes: number;
  connectTimeoutMs: number;
  /** Times the connect (tests drive it with a ManualClock). */
  clock: Clock;
  /** Aborting gives up the connect at once, with the signal's reason. */
  signal?: AbortSignal;
}

export interface IpcConnectionEvents {
  message(type: string, data: unknown): void;
  /** Fires once, whatever closed the connection (peer, protocol failure, close()). */
  close(): void;
}

export class IpcConnection {
  private isClosed = false;

  private constructor(
    private readonly ipc: IPCModule,
    private readonly client: IpcClient,
    private readonly events: IpcConnectionEvents,
  ) {}

  /** Opens a connection; rejects with the socket error (ENOENT, ECONNREFUSED, ...), a timeout, or the abort reason. */
  static open(opts: IpcConnectionOptions, events: IpcConnectionEvents): Promise<IpcConnection> {
    const ipc = new IPCModule();
    const c = ipc.config;
    c.silent = true;
    c.logger = () => {};
    c.parser = 'guarded';
    c.maxMessageSize = opts.maxMessageBytes;
    c.maxRetries = 0;
    c.stopRetrying = true;
    c.sync = false;
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let settled = false;
      let conn: IpcConnection | undefined;
      let lastError: Error | undefined;
      const timer = opts.clock.setTimeout(() => fail(new Error(`no answer on ${opts.socket} within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        settled = true;
        timer.dispose();
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: unknown) => {
        if (settled) return;
        settle();
        ipc.disconnect('daemon');
        reject(error);
      };
      ipc.connectTo('daemon', opts.socket);
      const client = ipc.of.daemon;
      if (!client) {
        fail(new Error('node-ipc did not create a client'));
        return;
      }
      client.on('connect', () => {
        if (settled) return;
        settle();
        conn = new IpcConnection(ipc, client, events);
        resolve(conn);
      });
      client.on('error', (error: Error) => {
        lastError = error;
      });
      client.on('disconnect', () => {
        if (!settled) fail(lastError ?? new Error(`connection to ${opts.socket} closed`));
        else conn?.markClosed();
      });
      client.on('*', (type: string, data: unknown) => {
        if (conn && !conn.isClosed && type !== 'connect' && type !== 'disconnect' && type !== 'destroy' && type !== 'error') {
          events.message(type, data);
        }
      });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Encodes and writes. Throws when the frame exceeds maxMessageBytes (nothing was written).
   * Returns false when the frame was lost (connection closed or the pending-bytes guard tripped);
   * Node's own backpressure (write() false on a live socket) still delivers, so it counts as sent.
   */
  send(type: string, data: unknown): boolean {
    if (this.isClosed) return false;
    this.client.emit(type, data);
    const socket = this.client.socket;
    return Boolean(socket) && !(socket as { destroyed: boolean }).destroyed;
  }

  /** Safe twice. */
  close(): void {
    if (this.isClosed) return;
    // disconnect() marks the client explicit (no retry), destroys the socket, and also removes
    // every listener (event-pubsub reset()): the close event is fired here, not by node-ipc.
    this.ipc.disconnect('daemon');
    this.markClosed();
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.events.close();
  }
}
