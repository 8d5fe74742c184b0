// Staleness: is a loop wedged? Detection only; the caller decides what to report or restart.
// Monotonic time only, so hours of system sleep never look like a wedged loop.
import type { LoopSnapshot } from '../scheduling/loop-snapshot';

/**
 * Stale when a tick has been in flight longer than `thresholdMs`, or the loop was due to poll
 * and has not completed a poll within `thresholdMs` after it was due (the timer never fired, or
 * the event loop is blocked). Suspended and stopped loops, and a loop waiting for its timer,
 * are never stale.
 */
export function isLoopStale(s: LoopSnapshot, nowMono: number, thresholdMs: number): boolean {
  if (s.state === 'suspended' || s.state === 'stopped') return false;
  if (s.inFlight) {
    return s.lastPollStartedMono !== null && nowMono - s.lastPollStartedMono > thresholdMs;
  }
  const due = s.nextPollDueMono;
  if (due === null || due > nowMono) return false;
  const completedSinceDue = s.lastPollCompletedMono !== null && s.lastPollCompletedMono >= due;
  return !completedSinceDue && nowMono - due > thresholdMs;
}
