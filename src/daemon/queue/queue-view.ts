// The queue as the daemon sees it in memory. Status and health read this, never SQL, so a
// hibernating daemon answering `status` runs no statements. JobQueue seeds it from the database
// once at start and applies every operation it commits (the daemon owns its data dir alone, so
// nothing else changes the table behind its back). The apply* methods are for JobQueue only.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { QueueCounts } from '../../shared/status';
import type { Clock } from '../../shared/clock';
import type { ReclaimedRow } from './reap-expired';
import type { FailResult } from './types';

interface PendingRetry {
  atWall: number;
  /** Monotonic estimate of the deadline: time asleep must not count as time the retry sat ready. */
  dueMono: number;
}

export class QueueView implements Disposable {
  private readonly state: QueueCounts;
  private readonly retries = new Map<number, PendingRetry>();
  /** When `queued` last went from 0 to more (monotonic), or null while it is 0. */
  private queuedSinceMono: number | null;
  private _lastLeaseAtMono: number | null = null;
  private readonly changed = new Emitter<QueueCounts>();
  readonly onDidChange: Event<QueueCounts> = this.changed.event;

  constructor(private readonly clock: Clock, initial: QueueCounts, retries: ReadonlyArray<{ id: number; nextRunAt: number }>) {
    this.state = { ...initial };
    const mono = clock.monotonicNow();
    this.queuedSinceMono = initial.queued > 0 ? mono : null;
    // Deadlines that passed while the daemon was down count as ready from now, not from then.
    for (const r of retries) this.retries.set(r.id, { atWall: r.nextRunAt, dueMono: Math.max(mono, this.toMono(r.nextRunAt)) });
  }

  get counts(): QueueCounts {
    return { ...this.state };
  }

  /** Monotonic ms of the last lease that took at least one job, or null. */
  get lastLeaseAtMono(): number | null {
    return this._lastLeaseAtMono;
  }

  /** Queued jobs plus retries whose deadline has passed. */
  get readyCount(): number {
    const now = this.clock.now();
    let due = 0;
    for (const r of this.retries.values()) if (r.atWall <= now) due++;
    return this.state.queued + due;
  }

  hasReadyWork(): boolean {
    return this.readyCount > 0;
  }

  /** The earliest retry deadline (wall ms), due or not, or null. */
  get earliestRetryAt(): number | null {
    let min: number | null = null;
    for (const r of this.retries.values()) if (min === null || r.atWall < min) min = r.atWall;
    return min;
  }

  /** The earliest retry deadline strictly after `wall`: what the retry alarm arms for next. */
  nextRetryAfter(wall: number): number | null {
    let min: number | null = null;
    for (const r of this.retries.values()) if (r.atWall > wall && (min === null || r.atWall < min)) min = r.atWall;
    return min;
  }

  /**
   * Since when (monotonic ms) ready work has waited with no lease taken: the later of the moment
   * the current ready work became ready and the last lease. Null when nothing is ready.
   */
  waitingSinceMono(): number | null {
    const mono = this.clock.monotonicNow();
    const now = this.clock.now();
    let readySince: number | null = this.state.queued > 0 ? this.queuedSinceMono ?? mono : null;
    for (const r of this.retries.values()) {
      if (r.atWall > now) continue;
      const since = Math.min(mono, r.dueMono);
      if (readySince === null || since < readySince) readySince = since;
    }
    if (readySince === null) return null;
    return Math.max(readySince, this._lastLeaseAtMono ?? readySince);
  }

  // ---- applied by JobQueue after each commit ----

  applyEnqueued(count: number): void {
    if (count > 0) this.update(() => this.addQueued(count));
  }

  applyLeased(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this._lastLeaseAtMono = this.clock.monotonicNow();
    this.update(() => {
      for (const id of ids) {
        if (this.retries.delete(id)) this.state.retrying--;
        else this.addQueued(-1);
        this.state.leased++;
      }
    });
  }

  applyCompleted(): void {
    this.update(() => {
      this.state.leased--;
      this.state.done++;
    });
  }

  applyFailed(id: number, result: FailResult): void {
    this.update(() => {
      this.state.leased--;
      if (result.state === 'dead') {
        this.state.dead++;
        return;
      }
      this.state.retrying++;
      this.retries.set(id, { atWall: result.nextRunAt, dueMono: this.toMono(result.nextRunAt) });
    });
  }

  /** Leased jobs reclaimed by the reaper or at start: back to queued, or dead on their last attempt. */
  applyReclaimed(rows: readonly ReclaimedRow[]): void {
    if (rows.length === 0) return;
    this.update(() => {
      for (const row of rows) {
        this.state.leased--;
        if (row.state === 'dead') this.state.dead++;
        else this.addQueued(1);
      }
    });
  }

  /** A leased job buried as dead outright (its payload could not be read). */
  applyBuried(): void {
    this.update(() => {
      this.state.leased--;
      this.state.dead++;
    });
  }

  applyPruned(count: number): void {
    if (count > 0) this.update(() => (this.state.done -= count));
  }

  dispose(): void {
    this.changed.dispose();
  }

  private addQueued(delta: number): void {
    const before = this.state.queued;
    this.state.queued += delta;
    if (before === 0 && this.state.queued > 0) this.queuedSinceMono = this.clock.monotonicNow();
    if (this.state.queued === 0) this.queuedSinceMono = null;
  }

  private toMono(atWall: number): number {
    return this.clock.monotonicNow() + (atWall - this.clock.now());
  }

  private update(fn: () => void): void {
    fn();
    this.changed.fire(this.counts);
  }
}
