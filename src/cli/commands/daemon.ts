// `dormouse daemon [--foreground] [--config FILE]`: start the data dir's daemon unless one runs.
import { resolve } from 'node:path';
import { DaemonUnreachableError } from '../../client/daemon-client';
import { DaemonStartError, daemonScriptPath, startDetachedDaemon } from '../../client/spawn-daemon';
import { runDaemon } from '../../daemon/run';
import { type CliContext, CliError, printJson } from '../context';
import { errorMessage } from '../../shared/error-message';

export async function daemonCommand(ctx: CliContext, opts: { foreground: boolean; configFile?: string }): Promise<number> {
  // The daemon reads the file from its own cwd: pass it absolute.
  const configFile = opts.configFile === undefined ? undefined : resolve(ctx.cwd, opts.configFile);
  const running = await findRunning(ctx);
  if (running) {
    if (ctx.json) printJson(ctx, { started: false, alreadyRunning: true, pid: running.pid, socket: ctx.paths.socket });
    else ctx.io.stdout(`dormouse daemon is already running (pid ${running.pid}, socket ${ctx.paths.socket})\n`);
    return 0;
  }
  if (opts.foreground) {
    // In-process: logs go to stderr, SIGINT/SIGTERM stop it, the exit code is the daemon's.
    return runDaemon({ dataDir: ctx.paths.dataDir, foreground: true, ...(configFile !== undefined && { configFile }) });
  }
  try {
    const { pid, socket } = await startDetachedDaemon({
      dataDir: ctx.paths.dataDir,
      daemonScript: daemonScriptPath(),
      env: ctx.env,
      ...(configFile !== undefined && { configFile }),
    });
    if (ctx.json) printJson(ctx, { started: true, alreadyRunning: false, pid, socket });
    else ctx.io.stdout(`dormouse daemon started (pid ${pid}, socket ${socket})\n`);
    return 0;
  } catch (error) {
    if (error instanceof DaemonStartError && error.alreadyRunning) {
      // Lost a race with another starter: that daemon is the one.
      const other = await findRunning(ctx);
      if (ctx.json) printJson(ctx, { started: false, alreadyRunning: true, pid: other?.pid ?? null, socket: ctx.paths.socket });
      else ctx.io.stdout(`dormouse daemon is already running${other ? ` (pid ${other.pid})` : ''}\n`);
      return 0;
    }
    throw new CliError(1, `could not start the daemon: ${errorMessage(error)}`, 'START_FAILED');
  }
}

async function findRunning(ctx: CliContext): Promise<{ pid: number } | undefined> {
  try {
    const client = await ctx.connect({ connectTimeoutMs: 2000 });
    client.close();
    return { pid: client.hello.daemonPid };
  } catch (error) {
    if (error instanceof DaemonUnreachableError) return undefined;
    throw error;
  }
}
