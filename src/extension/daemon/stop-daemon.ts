// Stopping the daemon process itself, for the "Restart daemon" command: ask it to `stop` (it
// finishes its job in flight and closes its database cleanly), wait on the clock for its process
// to end, and SIGKILL it when it does not answer or does not end in time. Only a restart does
// this; a window that closes never stops the daemon every window shares.
import { DaemonClient } from '../../client/daemon-client';
import type { Clock } from '../../shared/clock';
import { delay } from '../../shared/delay';
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import { isProcessAlive } from '../../shared/process-alive';
import { errorMessage } from '../../shared/error-message';

export interface StopDaemonOptions {
  paths: DataDirPaths;
  clientName: string;
  clock: Clock;
  log: Logger;
  /** For the answer to `stop`, and again for the process to end. */
  timeoutMs: number;
  /** The connection to ask on; without one (or a closed one) a connection is opened just to ask. */
  client: DaemonClient | null;
  /**
   * Aborting stops the waiting, never the stop already asked for: the daemon is left to end by
   * itself (the window went away, or a newer restart took over), and is not killed.
   */
  signal: AbortSignal;
}

/** How often the exit wait checks whether the process is gone. */
const EXIT_POLL_MS = 25;

export async function stopDaemon(opts: StopDaemonOptions): Promise<void> {
  const { clock, log, signal, timeoutMs } = opts;
  let target = opts.client && !opts.client.closed ? opts.client : null;
  if (!target) {
    try {
      target = await DaemonClient.connect({ paths: opts.paths, clientName: opts.clientName, connectTimeoutMs: timeoutMs, clock, signal });
    } catch {
      return; // nothing answers (or we were told to stop asking): nothing to stop
    }
  }
  const pid = target.hello.daemonPid;
  try {
    await target.request('stop', {}, { timeoutMs, signal });
    const ended = await waitForExit(pid, clock, timeoutMs, signal);
    if (ended === 'exited') {
      log.info(`daemon pid ${pid} stopped`);
      return;
    }
    if (ended === 'aborted') return; // it was asked to stop and is stopping gracefully: let it finish
    log.warn(`daemon pid ${pid} did not exit within ${timeoutMs} ms of stop; killing it`);
  } catch (error) {
    if (signal.aborted) return;
    log.warn(`daemon pid ${pid} did not answer stop (${errorMessage(error)}); killing it`);
  } finally {
    target.close();
  }
  killQuietly(pid, 'SIGKILL');
}

/** Polls (on the clock) until `pid` is gone. */
async function waitForExit(pid: number, clock: Clock, timeoutMs: number, signal: AbortSignal): Promise<'exited' | 'timeout' | 'aborted'> {
  const deadline = clock.monotonicNow() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (signal.aborted) return 'aborted';
    if (clock.monotonicNow() >= deadline) return 'timeout';
    await delay(clock, EXIT_POLL_MS, signal);
  }
  return 'exited';
}

/** Sends `signal` to `pid`; a process already gone is what we wanted anyway. */
export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
