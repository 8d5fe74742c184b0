// The daemon's RPC server over the transport: authentication (hello + token first), envelope and
// params validation, dispatch to handlers, error replies, and event subscriptions. Nothing a
// client sends may crash the daemon: bad input gets an error reply or closes that connection only.
import { type Clock, RealClock } from '../../shared/clock';
import { Emitter, type Event } from '../../shared/event';
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import {
  type ErrorBody,
  type EventName,
  type Events,
  type HelloResult,
  type MethodName,
  type Params,
  type Result,
  PARAMS,
  PROTOCOL_VERSION,
  RpcError,
  isMethodName,
  requestEnvelope,
} from '../../shared/protocol';
import { SETTING_SPECS } from '../../shared/settings';
import { ValidationError } from '../../shared/validate';
import pkg from '../../../package.json';
import { type ServerConnection, ServerTransport } from './transport';
import { tokensEqual } from './token';
import { errorMessage } from '../../shared/error-message';

/** Methods the server answers itself. */
type BuiltIn = 'hello' | 'subscribe';
export type HandledMethod = Exclude<MethodName, BuiltIn>;

/** Methods a server may leave out (the test-only `debug`): it then answers UNKNOWN_METHOD. */
type OptionalMethod = 'debug';
type Handler<M extends HandledMethod> = (params: Params<M>, ctx: { clientId: string }) => Promise<Result<M>> | Result<M>;

export type Handlers = { [M in Exclude<HandledMethod, OptionalMethod>]: Handler<M> } & { [M in OptionalMethod]?: Handler<M> };

export interface IpcServerOptions {
  paths: DataDirPaths;
  token: string;
  /**
   * The methods it serves. The daemon leaves them out: it owns the socket before it opens the
   * database the handlers need, and calls serve() once they exist.
   */
  handlers?: Handlers;
  log: Logger;
  maxMessageBytes: number;
  /** Reported by hello; defaults to the package version. */
  version?: string;
  /**
   * Most connections served at once, authenticated or not (each costs a descriptor), read at each
   * connect (ipcMaxConnections, live). One past it is told TOO_MANY_CONNECTIONS and closed.
   */
  maxConnections?: () => number;
  /** A connection that has not said hello by then is closed (default 10 s): idle sockets cost a slot. */
  helloTimeoutMs?: number;
  /**
   * Arms the hello timers (each disposed as soon as its connection says hello or closes) and the
   * transport's. The daemon passes its Clock so they show in `counters.timersArmed`; default: a
   * RealClock of the server's own.
   */
  clock?: IpcServerClock;
}

/** The slice of the daemon's Clock (shared/clock.ts) that the server needs. */
export type IpcServerClock = Pick<Clock, 'setTimeout'>;

interface ClientState {
  conn: ServerConnection;
  authed: boolean;
  name: string;
  events: Set<EventName>;
  /** Armed until the connection says hello or closes. */
  helloTimer: { dispose(): void } | undefined;
}

/** The id used in an error reply to a request whose own id could not be read, or to none (a refused connection). */
const NO_ID = -1;

export class IpcServer {
  private transport: ServerTransport | undefined;
  private readonly clients = new Map<string, ClientState>();
  private authedCount = 0;
  private refused = 0;
  /** At the connection limit since the last refusal: one warning per episode, not one per client. */
  private atLimit = false;
  private closing: Promise<void> | undefined;
  private readonly clientsEmitter = new Emitter<number>();
  private readonly requestEmitter = new Emitter<{ method: MethodName; clientId: string }>();

  /** Fires with the number of authenticated clients when it changes. */
  readonly onDidChangeClients: Event<number> = this.clientsEmitter.event;
  /** Fires for every authenticated, valid request (before its handler runs). */
  readonly onDidRequest: Event<{ method: MethodName; clientId: string }> = this.requestEmitter.event;

  private readonly clock: IpcServerClock;
  /** Until serve(): every method but hello and subscribe is answered "still starting". */
  private handlers: Handlers | undefined;

  constructor(private readonly opts: IpcServerOptions) {
    this.clock = opts.clock ?? new RealClock();
    this.handlers = opts.handlers;
  }

  /** Starts answering requests with `handlers` (once: a second call is a wiring mistake). */
  serve(handlers: Handlers): void {
    if (this.handlers) throw new Error('IpcServer already serves its handlers');
    this.handlers = handlers;
  }

  /** Authenticated clients connected now. */
  get clientCount(): number {
    return this.authedCount;
  }

  /** Connections open now (authenticated or waiting for hello) and those refused at the limit since start. */
  get connections(): { open: number; refused: number } {
    return { open: this.clients.size, refused: this.refused };
  }

  /** Owns the socket. Rejects with DaemonAlreadyRunningError when a live daemon has it. */
  async start(): Promise<void> {
    if (this.transport) return;
    if (this.closing) throw new Error('IpcServer is closed');
    const { paths, maxMessageBytes, log } = this.opts;
    this.transport = await ServerTransport.listen(
      { socketRoot: paths.socketRoot, socket: paths.socket, maxMessageBytes, log, clock: this.clock },
      {
        connect: (conn) => this.onConnect(conn),
        message: (conn, type, data) => this.onMessage(conn, type, data),
        close: (conn) => this.onClose(conn),
      },
    );
    log.info(`listening on ${paths.socket}`);
  }

  /** Sends an event to the clients that subscribed to it. */
  broadcast<E extends EventName>(event: E, data: Events[E]): void {
    for (const client of this.clients.values()) {
      if (client.authed && client.events.has(event)) client.conn.send('event', { event, data });
    }
  }

  /** Closes every connection and the socket. Safe twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.transport?.close();
      for (const client of this.clients.values()) this.disarmHello(client);
      this.clients.clear();
      if (this.authedCount !== 0) {
        this.authedCount = 0;
        this.clientsEmitter.fire(0);
      }
    })();
    return this.closing;
  }

  private onConnect(conn: ServerConnection): void {
    const max = this.maxConnections();
    if (this.clients.size >= max) {
      this.refuse(conn, max);
      return;
    }
    const client: ClientState = { conn, authed: false, name: '', events: new Set(), helloTimer: undefined };
    this.clients.set(conn.id, client);
    client.helloTimer = this.clock.setTimeout(() => {
      client.helloTimer = undefined;
      if (!client.authed && !conn.closed) this.drop(client, 'no hello in time');
    }, this.opts.helloTimeoutMs ?? 10_000);
  }

  private maxConnections(): number {
    return this.opts.maxConnections?.() ?? SETTING_SPECS.ipcMaxConnections.default;
  }

  /** Says why before closing: the client's pending hello fails at once with this, instead of hanging until its timeout. */
  private refuse(conn: ServerConnection, max: number): void {
    this.refused++;
    if (!this.atLimit) {
      this.atLimit = true;
      this.opts.log.warn(`${this.clients.size} clients connected, the limit (ipcMaxConnections ${max}): refusing new ones until some leave`);
    }
    const message = `the daemon serves at most ${max} client${max === 1 ? '' : 's'} at once (setting ipcMaxConnections) and that many are connected; try again later or raise the setting`;
    conn.send('response', { id: NO_ID, ok: false, error: { code: 'TOO_MANY_CONNECTIONS', message } });
    conn.end();
  }

  private disarmHello(client: ClientState): void {
    client.helloTimer?.dispose();
    client.helloTimer = undefined;
  }

  private onClose(conn: ServerConnection): void {
    const client = this.clients.get(conn.id);
    this.clients.delete(conn.id);
    if (client) this.disarmHello(client);
    if (client && this.atLimit && this.clients.size < this.maxConnections()) {
      this.atLimit = false;
      this.opts.log.info(`below the connection limit again (${this.refused} refused since start)`);
    }
    if (client?.authed) {
      this.authedCount--;
      this.opts.log.debug(`client ${conn.id} (${client.name}) disconnected`);
      this.clientsEmitter.fire(this.authedCount);
    }
  }

  private onMessage(conn: ServerConnection, type: string, data: unknown): void {
    const client = this.clients.get(conn.id);
    if (!client) return;
    // This runs inside node-ipc's data handler, where a throw would escape as an uncaught
    // exception: everything below is caught.
    try {
      if (!client.authed) {
        this.authenticate(client, type, data);
        return;
      }
      if (type !== 'request') {
        this.drop(client, `unexpected message type ${JSON.stringify(type)}`);
        return;
      }
      void this.handle(client, data);
    } catch (error) {
      this.drop(client, `internal error: ${errorMessage(error)}`);
    }
  }

  private authenticate(client: ClientState, type: string, data: unknown): void {
    // The first message settles the connection either way: authenticated, or refused and closed.
    this.disarmHello(client);
    let id = NO_ID;
    try {
      if (type !== 'request') throw new ValidationError(`first message must be a hello request, got type ${JSON.stringify(type)}`);
      const req = requestEnvelope(data, 'request');
      id = req.id;
      if (req.method !== 'hello') throw new ValidationError(`first request must be hello, got ${JSON.stringify(req.method)}`);
      const params = PARAMS.hello(req.params, 'params');
      if (!tokensEqual(this.opts.token, params.token)) throw new ValidationError('wrong token');
      client.authed = true;
      client.name = params.client;
      this.authedCount++;
      this.opts.log.debug(`client ${client.conn.id} (${params.client}) authenticated`);
      this.reply(client, { id, ok: true, result: this.helloResult() });
      this.clientsEmitter.fire(this.authedCount);
    } catch (error) {
      // One log line per refused connection; the reply tells an honest client why.
      this.opts.log.warn(`refused connection ${client.conn.id}: ${errorMessage(error)}`);
      this.reply(client, { id, ok: false, error: { code: 'UNAUTHORIZED', message: errorMessage(error) } });
      client.conn.end();
      this.clients.delete(client.conn.id);
    }
  }

  private async handle(client: ClientState, data: unknown): Promise<void> {
    let id = NO_ID;
    try {
      const idField = (data as { id?: unknown } | null)?.id;
      if (typeof idField === 'number' && Number.isSafeInteger(idField) && idField >= 0) id = idField;
      const req = requestEnvelope(data, 'request');
      if (!isMethodName(req.method)) throw new RpcError('UNKNOWN_METHOD', `unknown method ${JSON.stringify(req.method)}`);
      const method = req.method;
      const params = (PARAMS[method] as (v: unknown, path: string) => unknown)(req.params, 'params');
      this.requestEmitter.fire({ method, clientId: client.conn.id });
      const result = await this.dispatch(client, method, params);
      this.reply(client, { id, ok: true, result });
    } catch (error) {
      this.reply(client, { id, ok: false, error: toErrorBody(error, this.opts.log) });
    }
  }

  private dispatch(client: ClientState, method: MethodName, params: unknown): unknown {
    const ctx = { clientId: client.conn.id };
    // The connection's own methods are the server's; every other goes to the daemon's handlers.
    if (method === 'hello') {
      if (!tokensEqual(this.opts.token, (params as Params<'hello'>).token)) throw new RpcError('UNAUTHORIZED', 'wrong token');
      return this.helloResult();
    }
    if (method === 'subscribe') {
      client.events = new Set((params as Params<'subscribe'>).events);
      return {};
    }
    if (!this.handlers) throw new RpcError('INTERNAL', 'the daemon is still starting (opening its database); try again once it is ready');
    const handler = this.handlers[method] as ((p: unknown, c: typeof ctx) => unknown) | undefined;
    if (!handler) throw new RpcError('UNKNOWN_METHOD', `this daemon does not serve ${JSON.stringify(method)}`);
    return handler(params, ctx);
  }

  private helloResult(): HelloResult {
    return {
      daemonPid: process.pid,
      version: this.opts.version ?? pkg.version,
      protocolVersion: PROTOCOL_VERSION,
      maxMessageBytes: this.opts.maxMessageBytes,
    };
  }

  private reply(client: ClientState, message: { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorBody }): void {
    if (client.conn.closed) return; // the client left while its handler ran
    if (client.conn.send('response', message)) return;
    if (client.conn.closed) return;
    // Not sent and still open: the reply was larger than the message limit. Say so instead.
    this.opts.log.warn(`reply ${message.id} to ${client.conn.id} exceeds the message size limit`);
    client.conn.send('response', {
      id: message.id,
      ok: false,
      error: { code: 'INTERNAL', message: `the reply exceeds the IPC message limit (${this.opts.maxMessageBytes} bytes)` },
    });
  }

  private drop(client: ClientState, reason: string): void {
    this.opts.log.warn(`closing connection ${client.conn.id}: ${reason}`);
    client.conn.destroy();
  }
}

function toErrorBody(error: unknown, log: Logger): ErrorBody {
  if (error instanceof RpcError) {
    return error.details === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof ValidationError) return { code: 'BAD_REQUEST', message: error.message };
  const message = errorMessage(error);
  log.error(`handler failed: ${error instanceof Error && error.stack ? error.stack : message}`);
  return { code: 'INTERNAL', message };
}
