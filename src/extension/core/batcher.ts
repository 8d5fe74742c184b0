// Time-windowed grouping on the Clock seam: Batcher turns a burst of captures into one `enqueue`,
// Debouncer waits for typing to pause before a recall. Each holds at most one armed timer, and
// none at all when nothing is pending, so an idle window arms nothing.
import type { Clock } from '../../shared/clock';
import type { Disposable } from '../../shared/lifecycle';
import { RunOnceScheduler } from '../../shared/run-once-scheduler';

export interface BatcherOptions<T> {
  clock: Clock;
  windowMs: number;
  /** A batch this large is handed over at once, without waiting for the window. */
  maxItems?: number;
  onFlush: (items: T[]) => void;
}

/** Collects items and hands them over in one batch per window: the first add arms one timer (Clock), later adds join the batch; maxItems flushes at once. flush() hands over now. */
export class Batcher<T> implements Disposable {
  private items: T[] = [];
  private readonly timer: RunOnceScheduler;
  private disposed = false;

  constructor(private readonly opts: BatcherOptions<T>) {
    this.timer = new RunOnceScheduler(opts.clock, () => this.flush());
  }

  get pending(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (this.disposed) return;
    this.items.push(item);
    if (this.opts.maxItems !== undefined && this.items.length >= this.opts.maxItems) {
      this.flush();
      return;
    }
    // Only the first item of a batch arms the timer: the window is counted from it, so a steady
    // stream of adds cannot postpone the batch forever.
    if (!this.timer.isScheduled()) this.timer.schedule(this.opts.windowMs);
  }

  flush(): void {
    this.timer.cancel();
    if (this.disposed || this.items.length === 0) return;
    // Swap before calling out: onFlush may add again, which starts the next batch.
    const batch = this.items;
    this.items = [];
    this.opts.onFlush(batch);
  }

  /** Disarms and forgets the pending items; hands nothing over. */
  dispose(): void {
    this.disposed = true;
    this.items = [];
    this.timer.dispose();
  }
}

export interface DebouncerOptions {
  clock: Clock;
  delayMs: number;
}

/** Trailing-edge debounce per key with a Clock: only the last call in a quiet period of delayMs runs. */
export class Debouncer<K> implements Disposable {
  /**
   * Pending calls by key. Every run() re-inserts its key with due = now + delayMs, and delayMs is
   * the same for all keys, so insertion order is due order: the first entry is the next due.
   */
  private readonly pending = new Map<K, { dueAt: number; fn: () => void }>();
  private readonly timer: RunOnceScheduler;
  private disposed = false;

  constructor(private readonly opts: DebouncerOptions) {
    this.timer = new RunOnceScheduler(opts.clock, () => this.runDue());
  }

  run(key: K, fn: () => void): void {
    if (this.disposed) return;
    this.pending.delete(key);
    this.pending.set(key, { dueAt: this.opts.clock.monotonicNow() + this.opts.delayMs, fn });
    // An armed timer is never later than this new due time, so it stays; when it fires early it
    // re-arms for the remainder. That keeps run() O(1) on every keystroke.
    if (!this.timer.isScheduled()) this.timer.schedule(this.opts.delayMs);
  }

  cancel(key: K): void {
    this.pending.delete(key);
    if (this.pending.size === 0) this.timer.cancel();
  }

  dispose(): void {
    this.disposed = true;
    this.pending.clear();
    this.timer.dispose();
  }

  private runDue(): void {
    const now = this.opts.clock.monotonicNow();
    // Take the due calls out first: a call may run() again (even its own key), which must wait
    // for the next quiet period rather than join this pass.
    const due: Array<() => void> = [];
    for (const [key, call] of this.pending) {
      if (call.dueAt > now) break;
      this.pending.delete(key);
      due.push(call.fn);
    }
    const errors: unknown[] = [];
    for (const fn of due) {
      if (this.disposed) return;
      try {
        fn();
      } catch (error) {
        // One failing call must not swallow the others, nor leave the timer disarmed.
        errors.push(error);
      }
    }
    // Re-arm for the earliest call left (schedule() replaces any timer a call armed meanwhile).
    const next = this.pending.values().next();
    if (!next.done) this.timer.schedule(Math.max(0, next.value.dueAt - this.opts.clock.monotonicNow()));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'debounced calls failed');
  }
}
