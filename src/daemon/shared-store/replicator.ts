// Ships local memories to the shared store (offline first: a capture commits locally, the
// outbox of migration 006 remembers it, this loop ships it when it can).
// - A tick ships the outbox oldest first, `batchSize` at a time (one upsert and at most one delete
//   per batch; the next batch is prepared while the server works on this one, outbox-batch.ts),
//   and drops each entry only after the server confirmed it. Upserts are keyed by
//   (machine id, local id): a batch shipped twice (a reply lost with the connection) is one row
//   per memory, so every memory arrives exactly once.
// - Errors back off x2 from `retryBaseMs` to `retryMaxMs`; status shows reachable, since when it is
//   not, the backlog and the last error. A wrong password or missing rights retries at the
//   slowest pace (it will not heal by itself, but may be fixed without a restart).
// - Idle (outbox empty) it arms no retry: only wake() (after a local memory write) starts a tick.
//   `closeIdleMs` after its last tick it closes its connections.
// - hibernate(): cancels its timers, lets an in-flight tick end, ends the pool. 0 statements and 0
//   connections until the next wake(). Every timer is on the daemon's clock (RunOnceScheduler).
import type { Clock } from '../../shared/clock';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/logger';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';
import type { StoreStatus } from '../../shared/store-status';
import type { SqlDatabase } from '../store/sql';
import { dropShipped, outboxBacklog } from '../store/shared-outbox';
import { deleteMemories } from './delete-memories';
import { ensureSharedSchema } from './ensure-schema';
import { type OutboxBatch, readOutboxBatch } from './outbox-batch';
import type { SharedPool } from './shared-pool';
import { describeStoreFailure } from './store-errors';
import { upsertMemories } from './upsert-memories';

export interface ReplicatorOptions {
  clock: Clock;
  db: SqlDatabase;
  pool: SharedPool;
  machineId: string;
  log: Logger;
  /**
   * The daemon-level default (setting sharedFolders, for captures that carry no flag: the CLI, an
   * older extension): memories below these folders are shared too. Read per batch.
   */
  sharedFolders: () => readonly string[];
  batchSize?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  closeIdleMs?: number;
}

export class Replicator {
  private readonly retry: RunOnceScheduler;
  private readonly closer: RunOnceScheduler;
  private readonly changed = new Emitter<StoreStatus>();
  /** After each tick (shipped everything, or failed). */
  readonly onChange = this.changed.event;
  private readonly shippedBatch = new Emitter<number>();
  /** After each batch the server confirmed: how many outbox entries it held. */
  readonly onBatch = this.shippedBatch.event;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private hibernating = false;
  private failures = 0;
  private schemaChecked = false;
  private status: StoreStatus = { kind: 'postgres', reachable: null, backlog: 0, lastError: null, unreachableSince: null };

  constructor(private readonly opts: ReplicatorOptions) {
    this.retry = new RunOnceScheduler(opts.clock, () => void this.tick());
    this.closer = new RunOnceScheduler(opts.clock, () => void this.opts.pool.close());
  }

  snapshot(): StoreStatus {
    return { ...this.status };
  }

  /** Local memories changed (or the daemon woke): ship them now. */
  wake(): void {
    this.hibernating = false;
    // Something changed locally: at least one entry waits until a tick has counted (status runs no SQL).
    if (this.status.backlog === 0) this.status = { ...this.status, backlog: 1 };
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.retry.schedule(0);
  }

  /** 0 statements and 0 connections until the next wake(); resolves once the pool has drained. */
  async hibernate(): Promise<void> {
    this.hibernating = true;
    this.retry.cancel();
    this.closer.cancel();
    await this.inFlight;
    await this.opts.pool.close();
  }

  async stop(): Promise<void> {
    await this.hibernate();
    this.retry.dispose();
    this.closer.dispose();
    this.changed.dispose();
    this.shippedBatch.dispose();
  }

  private tick(): Promise<void> {
    if (this.inFlight || this.hibernating) return this.inFlight ?? Promise.resolve();
    this.closer.cancel();
    this.inFlight = this.shipAll().finally(() => {
      this.inFlight = undefined;
      if (this.again && !this.hibernating) {
        this.again = false;
        this.retry.schedule(0);
      } else if (!this.hibernating && !this.retry.isScheduled() && this.opts.pool.open) {
        this.closer.schedule(this.opts.closeIdleMs ?? 30_000);
      }
    });
    return this.inFlight;
  }

  private async shipAll(): Promise<void> {
    let contacted = false;
    try {
      // First contact (and after a failure): the schema exists, or is created when this role may.
      if (!this.schemaChecked) {
        await this.opts.pool.with((client) => ensureSharedSchema(client));
        this.schemaChecked = true;
        contacted = true;
      }
      // Batch k+1 is read and indexed while the server works on batch k: one connection, so they
      // still arrive in order.
      const size = this.opts.batchSize ?? 500;
      const next = (afterSeq: number) => readOutboxBatch(this.opts.db, { size, afterSeq, sharedFolders: this.opts.sharedFolders() });
      let batch = await next(0);
      while (batch) {
        contacted = true;
        const [shipped, following] = await Promise.allSettled([this.ship(batch), this.hibernating ? null : next(batch.lastSeq)]);
        if (shipped.status === 'rejected') throw shipped.reason;
        if (following.status === 'rejected') throw following.reason;
        dropShipped(this.opts.db, batch.entries);
        this.shippedBatch.fire(batch.entries.length);
        if (this.hibernating) break;
        batch = following.value;
      }
      // Nothing to ship touched no server: what we knew about reachability still holds.
      if (!contacted) {
        if (this.status.backlog !== 0) this.update({ backlog: 0 });
        return;
      }
      this.failures = 0;
      this.update({ reachable: true, lastError: null, unreachableSince: null, backlog: outboxBacklog(this.opts.db) });
    } catch (err) {
      const failure = describeStoreFailure(err);
      this.failures++;
      if (this.status.lastError !== failure.message) this.opts.log.warn(`shared store: ${failure.message}`);
      this.schemaChecked = false;
      await this.opts.pool.close();
      this.update({
        reachable: false, lastError: failure.message, backlog: outboxBacklog(this.opts.db),
        unreachableSince: this.status.unreachableSince ?? new Date(this.opts.clock.now()).toISOString(),
      });
      if (!this.hibernating) this.retry.schedule(this.retryDelay(failure.configuration));
    }
  }

  private async ship(batch: OutboxBatch): Promise<void> {
    await this.opts.pool.with(async (client) => {
      await upsertMemories(client, this.opts.machineId, batch.upserts, batch.docs);
      await deleteMemories(client, this.opts.machineId, batch.deletes);
    });
  }

  private retryDelay(configuration: boolean): number {
    const base = this.opts.retryBaseMs ?? 1_000;
    const max = this.opts.retryMaxMs ?? 60_000;
    return configuration ? max : Math.min(max, base * 2 ** Math.min(this.failures - 1, 20));
  }

  private update(patch: Partial<StoreStatus>): void {
    this.status = { ...this.status, ...patch };
    this.changed.fire(this.snapshot());
  }
}
