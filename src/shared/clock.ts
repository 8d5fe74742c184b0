// The Clock seam: every timer in the daemon goes through one, so tests drive time with a
// ManualClock and production counts its armed timers (a hibernating daemon shows 0).
//
// Two notions of time:
// - now(): wall-clock epoch ms, for durable deadlines (next_run_at) and display.
// - monotonicNow(): ms on a monotonic clock, for intervals and staleness. On Linux and macOS it
//   does not advance while the machine sleeps, so time asleep never counts as a wedged loop.
import type { Disposable } from './lifecycle';

export type Timer = Disposable;

export interface Clock {
  now(): number;
  monotonicNow(): number;
  /** One-shot timer. A delay of 0 runs on the next turn of the event loop (no 1 ms floor). */
  setTimeout(fn: () => void, delayMs: number): Timer;
  /** Timers armed through this clock and not yet fired or disposed. */
  readonly activeTimers: number;
}

export class RealClock implements Clock {
  private armed = 0;

  get activeTimers(): number {
    return this.armed;
  }

  now(): number {
    return Date.now();
  }

  monotonicNow(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, delayMs: number): Timer {
    let live = true;
    this.armed++;
    const fire = () => {
      if (!live) return;
      live = false;
      this.armed--;
      fn();
    };
    if (delayMs <= 0) {
      const handle = setImmediate(fire);
      return { dispose: () => { if (live) { live = false; this.armed--; clearImmediate(handle); } } };
    }
    const handle = setTimeout(fire, delayMs);
    return { dispose: () => { if (live) { live = false; this.armed--; clearTimeout(handle); } } };
  }
}

/**
 * An AbortSignal that aborts `delayMs` from now on `clock` (AbortSignal.timeout() would arm a raw
 * timer that a ManualClock cannot drive and timersArmed does not count). Dispose it once it is
 * no longer needed, so its timer does not outlive the wait.
 */
export function timeoutSignal(clock: Clock, delayMs: number, reason: string): { readonly signal: AbortSignal } & Disposable {
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(new Error(reason)), delayMs);
  return { signal: controller.signal, dispose: () => timer.dispose() };
}

interface ManualTimer {
  id: number;
  dueMono: number;
  fn: () => void;
}

/**
 * A clock for tests: time moves only when the test says so. `advance(ms)` fires due timers in
 * order, each at its own due time, and lets promise chains settle after each one, so a tick that
 * awaits work finishes before the next timer is considered.
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(startWall = Date.UTC(2026, 0, 1), startMono = 1_000_000) {
    this.wall = startWall;
    this.mono = startMono;
  }

  get activeTimers(): number {
    return this.timers.length;
  }

  now(): number {
    return this.wall;
  }

  monotonicNow(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, delayMs: number): Timer {
    const timer: ManualTimer = { id: ++this.seq, dueMono: this.mono + Math.max(0, delayMs), fn };
    this.timers.push(timer);
    return { dispose: () => { this.timers = this.timers.filter((t) => t !== timer); } };
  }

  /** Due time (monotonic ms) of the earliest armed timer, or null. */
  nextTimerAt(): number | null {
    let min: number | null = null;
    for (const t of this.timers) if (min === null || t.dueMono < min) min = t.dueMono;
    return min;
  }

  /** Delays (ms from now) of the armed timers, soonest first. */
  pendingDelays(): number[] {
    return this.timers.map((t) => t.dueMono - this.mono).sort((a, b) => a - b);
  }

  /** Moves both clocks forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    await settle();
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.wall += next.dueMono - this.mono;
      this.mono = next.dueMono;
      next.fn();
      await settle();
    }
    this.wall += target - this.mono;
    this.mono = target;
    await settle();
  }

  /** Fires timers due now (delay 0) and lets promises settle. */
  async flush(): Promise<void> {
    await this.advance(0);
  }

  /** Advances to the next armed timer and fires it (and any due at the same time). Returns false if none. */
  async runNext(): Promise<boolean> {
    const at = this.nextTimerAt();
    if (at === null) return false;
    await this.advance(at - this.mono);
    return true;
  }

  /** The machine slept: wall time moves, monotonic time and timers do not. */
  systemSleep(ms: number): void {
    this.wall += ms;
  }

  private earliestDue(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMono > limit) continue;
      if (!best || t.dueMono < best.dueMono || (t.dueMono === best.dueMono && t.id < best.id)) best = t;
    }
    return best;
  }
}

/** Lets pending promise callbacks (and the I/O-free work they chain) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
