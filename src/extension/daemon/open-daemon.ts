// Connect-or-fork, the first step of every start: connect to the user's running daemon, and only
// when none answers, fork one (another window may win that race: its fork reports alreadyRunning
// and this one just connects). One signal cancels every step: the connect, the fork's wait for
// ready, the second connect.
import { DaemonClient, DaemonUnreachableError } from '../../client/daemon-client';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import { DaemonStartError, forkDaemon } from './fork-daemon';

export interface OpenDaemonOptions {
  paths: DataDirPaths;
  clientName: string;
  clock: Clock;
  log: Logger;
  /** Connect + hello. */
  connectTimeoutMs: number;
  daemonScript: string;
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** How long a forked daemon may take to report ready (forkDaemon's default when unset). */
  forkTimeoutMs?: number;
  signal: AbortSignal;
}

/** Resolves with a connected client; rejects with why not, or the signal's reason once aborted. */
export async function openDaemon(opts: OpenDaemonOptions): Promise<DaemonClient> {
  const { log, signal } = opts;
  const connect = () =>
    DaemonClient.connect({ paths: opts.paths, clientName: opts.clientName, connectTimeoutMs: opts.connectTimeoutMs, clock: opts.clock, signal });
  try {
    return await connect();
  } catch (error) {
    if (!(error instanceof DaemonUnreachableError)) throw error;
    log.debug(`no daemon answered (${error.message}); starting one`);
  }
  try {
    const { pid } = await forkDaemon({
      daemonScript: opts.daemonScript,
      dataDir: opts.paths.dataDir,
      execPath: opts.execPath,
      env: opts.env,
      timeoutMs: opts.forkTimeoutMs,
      clock: opts.clock,
      signal,
      onSlowStart: (reason) => log.info(`the daemon takes longer to start: ${reason}`),
    });
    log.info(`started daemon pid ${pid}`);
  } catch (error) {
    if (!(error instanceof DaemonStartError && error.alreadyRunning)) throw error;
    log.info('another window started the daemon first; connecting to it');
  }
  return connect();
}
