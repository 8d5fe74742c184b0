// Hand-written types for the parts of node-ipc 14.0.0 that Dormouse uses (read from its source:
// services/IPC.js, dao/socketServer.js, dao/client.js, entities/*). @types/node-ipc describes
// 9.x and is wrong for 14. Only src/daemon/ipc/transport.ts and src/client/ipc-connection.ts
// import this module.
declare module 'node-ipc' {
  import type { Server as NetServer, Socket } from 'node:net';

  export interface IpcConfig {
    appspace: string;
    socketRoot: string;
    id: string;
    encoding: BufferEncoding;
    rawBuffer: boolean;
    /** 'fast' (default: crashes on `null\f`), 'guarded', 'assured', 'raw', or a parser. */
    parser: 'fast' | 'guarded' | 'assured' | 'raw';
    /** true requires js-queue at run time (missing from our bundle): never set it. */
    sync: false;
    /** true (default) unlinks any existing socket file at start: a silent takeover. */
    unlink: boolean;
    identifyPeer: boolean;
    delimiter: string;
    /** Guarded parser: largest frame in bytes (default 1 MiB). */
    maxMessageSize: number;
    /** Guarded parser: pending outgoing bytes per socket before it is destroyed (default 8 MiB). */
    maxPendingBytes: number;
    maxEventNameLength: number;
    /** Guarded parser: a partial frame older than this (ms) closes the socket (default 30000; 0 off). */
    messageTimeout: number;
    allowReservedEvents: boolean;
    silent: boolean;
    logPayloads: boolean;
    logger: (line: string) => void;
    maxConnections: number;
    /** Client: ms between reconnect attempts. */
    retry: number;
    /** Client: reconnect attempts (default Infinity). */
    maxRetries: number;
    stopRetrying: boolean;
    readableAll: boolean;
    writableAll: boolean;
    /** Server: mkdir socketRoot 0700, refuse another owner, chmod a looser mode. */
    secureSocketRoot: boolean;
  }

  /** The message-type listeners get (data, socket); lifecycle events differ, see below. A listener of
   *  any signature: `never[]` parameters accept every handler without `any`. */
  type Listener = (...args: never[]) => void;

  export interface IpcEventSource {
    on(type: string, handler: Listener): this;
    once(type: string, handler: Listener): this;
    off(type?: string, handler?: Listener | '*'): this;
  }

  /**
   * Server events: 'start' (net.Server), 'connect' (socket), 'close' (socket),
   * 'socket.disconnected' (socket, id), 'error' (Error; protocol failures carry no socket),
   * '<type>' (data, socket). '*' receives (type, ...args) for every event.
   */
  export interface IpcServer extends IpcEventSource {
    /** The net.Server, created synchronously by start(). */
    server: NetServer | false;
    sockets: Socket[];
    path: string;
    start(): void;
    /** Destroys every socket and calls server.close() (no callback). */
    stop(): void;
    /** Encodes (may throw IPCProtocolError) and writes; false on backpressure or a guarded overflow. */
    emit(socket: Socket, type: string, data?: unknown): boolean;
    broadcast(type: string, data?: unknown): boolean;
  }

  /** Client events: 'connect', 'disconnect', 'destroy', 'error' (Error), '<type>' (data). */
  export interface IpcClient extends IpcEventSource {
    id: string;
    path: string;
    socket: Socket | false;
    explicitlyDisconnected: boolean;
    /** Encodes (may throw IPCProtocolError) and writes; false on backpressure, a destroyed socket or a guarded overflow. */
    emit(type: string, data?: unknown): boolean;
  }

  export class IPCModule {
    config: IpcConfig;
    of: Record<string, IpcClient | undefined>;
    server: IpcServer | false;
    serve(path: string, callback?: () => void): void;
    connectTo(id: string, path: string, callback?: () => void): void;
    disconnect(id: string): void;
  }

  export class IPCProtocolError extends Error {
    code: string;
  }

  const singleton: IPCModule;
  export default singleton;
}
