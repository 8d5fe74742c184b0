// Staleness is judged when the status is asked for, so it announces itself with no `status`
// event: waitForStatus would wait forever. This asks again on a fixed cadence until the predicate
// holds (the daemon's own account is what the test waits on, not a guessed delay).
import type { DaemonClient } from '../../src/client/daemon-client';
import { type Clock, RealClock } from '../../src/shared/clock';
import type { DaemonStatus } from '../../src/shared/status';

export async function pollStatusUntil(
  client: DaemonClient,
  predicate: (s: DaemonStatus) => boolean,
  opts: { everyMs?: number; clock?: Clock } = {},
): Promise<DaemonStatus> {
  const everyMs = opts.everyMs ?? 50;
  const clock = opts.clock ?? new RealClock();
  for (;;) {
    const status = await client.request('status', {});
    if (predicate(status)) return status;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, everyMs));
  }
}
