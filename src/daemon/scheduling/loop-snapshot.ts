// What every loop (capture, recall, reaper) reports about itself, in memory: the status and the
// staleness check read it without SQL. Wall times are for display; *Mono times for judging.
import type { LoopState } from '../../shared/status';

export interface LoopSnapshot {
  name: string;
  state: LoopState;
  /** The delay the loop will wait (or waited) before its next poll; the floor when running. */
  intervalMs: number;
  polls: number;
  inFlight: boolean;
  consecutiveErrors: number;
  /** Wall-clock epoch ms, or null. */
  lastPollStartedAt: number | null;
  lastPollCompletedAt: number | null;
  nextPollAt: number | null;
  /** Monotonic ms, or null. */
  lastPollStartedMono: number | null;
  lastPollCompletedMono: number | null;
  nextPollDueMono: number | null;
}
