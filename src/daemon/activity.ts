// Activity means real work requests only (enqueue, recall, related, memory). Status probes, the
// hello handshake and idle open connections never count, so a UI that polls status cannot keep
// the daemon awake.
import { ACTIVITY_METHODS, type MethodName } from '../shared/protocol';
import type { Clock } from '../shared/clock';

export class ActivityTracker {
  private last: number | null = null;

  constructor(private readonly clock: Clock) {}

  /** Records a request; returns whether it counted as activity. */
  request(method: MethodName): boolean {
    if (!ACTIVITY_METHODS.has(method)) return false;
    this.last = this.clock.now();
    return true;
  }

  get lastActivityAt(): number | null {
    return this.last;
  }
}
