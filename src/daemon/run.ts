// Entry used by dist/daemon.js and by `dormouse daemon --foreground` (same process).
// STUB: replaced by the composition root.
export interface RunDaemonOptions {
  dataDir: string;
  foreground: boolean;
  configFile?: string;
}

/** Runs the daemon until it stops; resolves with the process exit code. */
export async function runDaemon(_opts: RunDaemonOptions): Promise<number> {
  throw new Error('not implemented yet');
}
