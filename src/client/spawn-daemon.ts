// Starts a detached daemon and waits for its ready line, so `dormouse daemon` can print the pid
// and exit while the daemon lives on. The daemon prints exactly one JSON line on stdout
// ({"ready":true,"pid":…,"socket":…} or {"ready":false,"error":…}), then logs only to its file.
import { SLOW_START_TIMEOUT_MS, slowStartReason } from '../shared/slow-start';
import { DAEMON_NODE_FLAGS } from '../shared/daemon-flags';
import { type Clock, RealClock } from '../shared/clock';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface StartDaemonOptions {
  dataDir: string;
  daemonScript: string;
  execPath?: string;
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Default 15 s: a first start may run a database check. */
  timeoutMs?: number;
  /** The daemon said its start takes long (a migration). */
  onSlowStart?: (reason: string) => void;
  /** Times the ready deadline (tests drive it with a ManualClock). Default: the real clock. */
  clock?: Clock;
}

export class DaemonStartError extends Error {
  constructor(
    message: string,
    /** The daemon reported that another daemon already owns the socket. */
    readonly alreadyRunning = false,
  ) {
    super(message);
    this.name = 'DaemonStartError';
  }
}

export function startDetachedDaemon(opts: StartDaemonOptions): Promise<{ pid: number; socket: string }> {
  const args = [...DAEMON_NODE_FLAGS, opts.daemonScript, '--data-dir', opts.dataDir];
  if (opts.configFile !== undefined) args.push('--config', opts.configFile);
  const child = spawn(opts.execPath ?? process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    windowsHide: true,
  });
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const clock = opts.clock ?? new RealClock();

  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      timer.dispose();
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref(); // let the CLI exit; the daemon lives on (or is already gone)
      outcome();
    };
    const fail = (why: string, alreadyRunning = false) => {
      const detail = stderr.trim();
      finish(() => reject(new DaemonStartError(detail ? `${why}: ${detail}` : why, alreadyRunning)));
    };
    const armDeadline = (ms: number) =>
      clock.setTimeout(() => {
        // A daemon that never says ready is killed: it would otherwise linger half-started.
        child.kill('SIGTERM');
        fail(`the daemon did not report ready within ${ms} ms`);
      }, ms);
    let timer = armDeadline(timeoutMs);

    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (let nl = stdout.indexOf('\n'); nl !== -1 && !settled; nl = stdout.indexOf('\n')) {
        const line = stdout.slice(0, nl).trim();
        stdout = stdout.slice(nl + 1);
        onLine(line);
      }
    });
    const onLine = (line: string) => {
      let ready: { ready?: unknown; pid?: unknown; socket?: unknown; error?: unknown; alreadyRunning?: unknown };
      try {
        ready = JSON.parse(line) as typeof ready;
      } catch {
        child.kill('SIGTERM');
        fail(`the daemon printed an unexpected line ${JSON.stringify(line.slice(0, 200))}`);
        return;
      }
      const slow = slowStartReason(ready);
      if (slow !== null) {
        // A migration or a full check first: wait longer for `ready` (see shared/slow-start.ts).
        timer.dispose();
        timer = armDeadline(SLOW_START_TIMEOUT_MS);
        opts.onSlowStart?.(slow);
      } else if (ready?.ready === true && typeof ready.pid === 'number' && typeof ready.socket === 'string') {
        const { pid, socket } = ready;
        finish(() => resolvePromise({ pid, socket }));
      } else {
        const why = typeof ready?.error === 'string' ? ready.error : `the daemon did not start (${line.slice(0, 200)})`;
        fail(why, ready?.alreadyRunning === true);
      }
    };
    child.once('error', (error) => fail(`cannot start ${opts.execPath ?? process.execPath}: ${error.message}`));
    // 'close' (not 'exit') comes after stdout and stderr drained: the ready line or the reason is in.
    child.once('close', (code, signal) => fail(`the daemon exited (${signal ?? `code ${code}`}) before it was ready`));
  });
}

/** dist/daemon.js beside the running bundle (dist/cli.js); from sources, the built one in dist/. */
export function daemonScriptPath(dir: string = __dirname): string {
  if (basename(dir) === 'dist') return join(dir, 'daemon.js');
  const candidate = resolve(dir, '..', '..', 'dist', 'daemon.js');
  return existsSync(candidate) ? candidate : join(dir, 'daemon.js');
}
