// Progress of a burst of captures (a "Save All" of many files) while the window sends it to the
// daemon: how many of the burst the daemon has accepted (durable in its queue, so safe) out of how
// many were captured. A burst starts with the first capture while nothing was waiting, grows with
// every capture until it is all settled (accepted, or refused/dropped loudly), then ends. Only a
// burst of at least `minToShow` captures is shown: a single save is sent before anyone could read
// a progress text, and flashing one would be noise.
export interface BurstProgressValue {
  /** Captures of the burst the daemon accepted, or that were refused (they are settled either way). */
  done: number;
  total: number;
}

/** A burst this large shows progress (two of the sender's batches of 100: sending it takes more than one round trip). */
export const BURST_MIN_TO_SHOW = 200;

export class BurstProgress {
  private total = 0;
  private done = 0;

  constructor(private readonly minToShow = BURST_MIN_TO_SHOW) {}

  /** Captures joined the burst (the first one while nothing waits starts a new burst). */
  captured(count = 1): void {
    this.total += count;
  }

  /** Captures of the burst settled: accepted by the daemon, or refused. The burst ends when every one is. */
  settled(count: number): void {
    this.done = Math.min(this.total, this.done + count);
    if (this.done === this.total) {
      this.total = 0;
      this.done = 0;
    }
  }

  /** The burst being sent, or null when none is (or it is too small to show). */
  get value(): BurstProgressValue | null {
    return this.total >= this.minToShow ? { done: this.done, total: this.total } : null;
  }
}
