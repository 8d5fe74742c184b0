// The daemon process: used by dist/daemon.js and by `dormouse daemon --foreground` (in-process).
// It tells its starter that it is ready (an IPC message when forked by the extension, else one
// JSON line on stdout), then logs only to its file (and to stderr in the foreground).
import { Daemon } from './daemon';
import { DaemonAlreadyRunningError } from './ipc/transport';
import { usePrivateUmask } from './store/file-modes';
import { errorMessage } from '../shared/error-message';

export interface RunDaemonOptions {
  dataDir: string;
  foreground: boolean;
  configFile?: string;
}

/** Runs the daemon until it stops; resolves with the process exit code. */
export async function runDaemon(opts: RunDaemonOptions): Promise<number> {
  // Before any file is created: everything the daemon writes is the user's alone (file-modes.ts).
  usePrivateUmask();
  // A detached daemon's stdio pipes close when its starter exits: never crash on EPIPE.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({ ...opts, onStopped: (code) => resolveExit(code), onSlowStart: (reason) => announceFlushed({ starting: reason }) });
  } catch (error) {
    if (error instanceof DaemonAlreadyRunningError) {
      announce({ ready: false, alreadyRunning: true, error: error.message });
      process.stderr.write(`dormouse: ${error.message}\n`);
      return 0;
    }
    const message = errorMessage(error);
    announce({ ready: false, error: message });
    process.stderr.write(`dormouse: the daemon could not start: ${message}\n`);
    return 1;
  }
  announce({ ready: true, pid: process.pid, socket: daemon.socket });
  if (opts.foreground) {
    process.stderr.write(
      `dormouse: daemon running in the foreground (pid ${process.pid}, data dir ${opts.dataDir}).\n` +
        'dormouse: in another terminal try `npm run dormouse -- status` or `npm run dormouse -- capture --text "hello"`; Ctrl-C stops it.\n',
    );
  }

  const stop = (signal: string) => void daemon.stop(`signal ${signal}`);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // SIGHUP reloads the config file (invalid: rejected and logged, old values kept).
  process.on('SIGHUP', () => daemon.reloadFromSignal());
  // The extension's fork channel closing means nothing: other windows may use this daemon.
  process.on('disconnect', () => {});
  process.on('unhandledRejection', (reason) => daemon.logUnexpected('unhandled rejection', reason));
  // State after an uncaught exception is unknown: log it and exit non-zero without the
  // clean-shutdown marker, so the next start checks the database and re-queues leased jobs.
  process.on('uncaughtException', (error) => {
    daemon.logUnexpected('uncaught exception, exiting', error);
    process.exit(1);
  });
  return exited;
}

function announce(message: Record<string, unknown>): void {
  if (process.send) {
    process.send(message);
  } else if (!process.stdout.isTTY) {
    process.stdout.write(JSON.stringify(message) + '\n');
  }
}

/**
 * `{starting: why}` before a slow start (a migration): the starter gives the daemon longer.
 * Flushed before returning, because the slow work that follows blocks the event loop.
 */
function announceFlushed(message: Record<string, unknown>): Promise<void> {
  return new Promise((resolve) => {
    if (process.send) process.send(message, () => resolve());
    else if (!process.stdout.isTTY) process.stdout.write(JSON.stringify(message) + '\n', () => resolve());
    else resolve();
  });
}
