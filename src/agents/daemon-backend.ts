// The MCP server's way to the one per-user daemon: connect (hello only: a control-plane call, so
// an idle MCP connection never wakes the daemon's loops or counts as activity), start the daemon
// detached when none runs (as `dormouse daemon` does), and reconnect on the next call when the
// daemon went away. No timers: nothing happens until a tool is called.
import { DaemonClient, DaemonUnreachableError } from '../client/daemon-client';
import { DaemonStartError, daemonScriptPath, startDetachedDaemon } from '../client/spawn-daemon';
import type { DataDirPaths } from '../shared/paths';
import { type Params, type Result, RpcError } from '../shared/protocol';
import type { AgentBackend, AgentMethod } from './tools';

export interface DaemonBackendOptions {
  paths: DataDirPaths;
  clientName: string;
  /** The environment a started daemon gets. */
  env: NodeJS.ProcessEnv;
  /** Default: dist/daemon.js beside this bundle. */
  daemonScript?: string;
  /** Start a daemon when none answers (default true). */
  autoStart?: boolean;
  connectTimeoutMs?: number;
}

export class DaemonBackend implements AgentBackend {
  private client: Promise<DaemonClient> | null = null;
  private closed = false;

  constructor(private readonly opts: DaemonBackendOptions) {}

  /** The live connection, connecting (and starting the daemon) when there is none. */
  connect(): Promise<DaemonClient> {
    if (this.closed) return Promise.reject(new RpcError('DISCONNECTED', 'the MCP server is shutting down'));
    if (!this.client) {
      const attempt = this.open();
      this.client = attempt;
      attempt.then(
        (c) => c.onDidDisconnect(() => {
          if (this.client === attempt) this.client = null;
        }),
        () => {
          if (this.client === attempt) this.client = null;
        },
      );
    }
    return this.client;
  }

  async request<M extends AgentMethod>(method: M, params: Params<M>): Promise<Result<M>> {
    const client = await this.connect();
    try {
      return await client.request(method, params);
    } catch (error) {
      // The daemon went away under this call (stopped, restarted): these reads are safe to repeat once.
      if (error instanceof RpcError && error.code === 'DISCONNECTED' && !this.closed) return (await this.connect()).request(method, params);
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    const client = this.client;
    this.client = null;
    void client?.then((c) => c.close(), () => {});
  }

  private async open(): Promise<DaemonClient> {
    const connect = () =>
      DaemonClient.connect({ paths: this.opts.paths, clientName: this.opts.clientName, connectTimeoutMs: this.opts.connectTimeoutMs ?? 5000 });
    try {
      return await connect();
    } catch (error) {
      if (!(error instanceof DaemonUnreachableError) || this.opts.autoStart === false) throw error;
    }
    try {
      await startDetachedDaemon({ dataDir: this.opts.paths.dataDir, daemonScript: this.opts.daemonScript ?? daemonScriptPath(), env: this.opts.env });
    } catch (error) {
      // Another client started it first: that daemon is the one.
      if (!(error instanceof DaemonStartError && error.alreadyRunning)) throw error;
    }
    return connect();
  }
}
