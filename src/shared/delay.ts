// A pause on the injected clock that a signal cuts short: the steps of a cancellable attempt wait
// with it (the supervisor polling for a daemon's exit), so a stop never waits out a delay.
import type { Clock } from './clock';

/**
 * Resolves after `ms` on `clock`, or at once when `signal` aborts (it never rejects: the caller
 * checks `signal.aborted`, since a cut-short wait is not an error). The timer goes either way.
 */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      timer.dispose();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
