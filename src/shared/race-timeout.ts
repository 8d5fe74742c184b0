// Waits for work, but never longer than a bound on the injected clock: a stop or a window
// closing waits for what is in flight to finish cleanly, and is never held up by it.
import type { Clock } from './clock';

/**
 * Resolves true when `work` settles (resolved or rejected: its outcome is the caller's business
 * elsewhere) within `ms`, false when the bound passes first. The timer goes as soon as either is done.
 */
export async function raceTimeout(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: { dispose(): void } | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = clock.setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true, () => true), timedOut]);
  } finally {
    timer?.dispose();
  }
}
