// The daemon's connections to the shared store: one node-postgres Pool, created on first use and
// ended on close(), so a hibernating daemon holds no connection at all (the pool drains) and a
// serverless Postgres can suspend. Creating the pool opens nothing; the first query connects.
// Idle connections are closed by close() (driven by the replicator's clock), not by pg's own idle
// timer, so every timer stays on the daemon's clock.
import pg from 'pg';

const guarded = new WeakSet<pg.PoolClient>();

export class SharedPool {
  private pool: pg.Pool | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly config: pg.PoolConfig) {}

  get open(): boolean {
    return this.pool !== undefined;
  }

  /** Runs `fn` with one pooled client; a client that failed is destroyed rather than reused. */
  async with<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closing) await this.closing;
    if (!this.pool) {
      this.pool = new pg.Pool({ ...this.config, max: 2, idleTimeoutMillis: 0, allowExitOnIdle: true });
      // An error on an idle client (the server went away) must not crash the daemon: the next use reconnects.
      this.pool.on('error', () => undefined);
    }
    const client = await this.pool.connect();
    // A connection that breaks while checked out (server stopped) reports it here as well as on the
    // query; the query's rejection is what counts, so this must not become an uncaught error.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    let failed: unknown;
    try {
      return await fn(client);
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      client.release(failed instanceof Error ? failed : undefined);
    }
  }

  /** Ends every connection; the next with() starts a new pool. */
  async close(): Promise<void> {
    const pool = this.pool;
    if (!pool) return this.closing;
    this.pool = undefined;
    this.closing = pool.end().catch(() => undefined).finally(() => { this.closing = undefined; });
    return this.closing;
  }
}
