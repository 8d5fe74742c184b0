// Forks the daemon from the extension host and waits for its ready message over the fork's IPC
// channel (the daemon sends {ready:true,pid,socket} or {ready:false,error,alreadyRunning?} there
// when it has one, see src/daemon/run.ts). Once ready, the channel is disconnected, stderr let go
// and the child unref'd: the daemon is shared by every window of the user and must outlive the
// one that started it (it exits by itself after idleExitMs with no client).
// No `vscode` import: the integration tests fork real daemons through this file.
import { SLOW_START_TIMEOUT_MS, slowStartReason } from '../../shared/slow-start';
import { fork } from 'node:child_process';
import { DaemonStartError } from '../../client/spawn-daemon';
import { type Clock, RealClock } from '../../shared/clock';
import { DAEMON_NODE_FLAGS } from '../../shared/daemon-flags';
import { errorMessage } from '../../shared/error-message';

export { DaemonStartError };

export interface ForkDaemonOptions {
  daemonScript: string;
  dataDir: string;
  /** The runtime to run the daemon with: the extension host's own (process.execPath), never a bare `node`. */
  execPath: string;
  /** See daemonEnv(): under Electron it must carry ELECTRON_RUN_AS_NODE=1. */
  env: NodeJS.ProcessEnv;
  /** Default 15 s: a first start may run a database check. */
  timeoutMs?: number;
  /** The daemon said its start takes long (a migration): told so the window can say it. */
  onSlowStart?: (reason: string) => void;
  clock?: Clock;
  /**
   * Aborting stops the wait at once (rejecting with the signal's reason), not the daemon: it may
   * be about to serve other windows, so it is let go once ready, or killed at its deadline as ever.
   */
  signal?: AbortSignal;
}

/** How much of the daemon's stderr a start error quotes (its last lines say why). */
const STDERR_TAIL_BYTES = 4096;

interface ReadyMessage {
  ready?: unknown;
  pid?: unknown;
  socket?: unknown;
  error?: unknown;
  alreadyRunning?: unknown;
}

/**
 * Resolves with the daemon's pid and socket once it is ready. Rejects with DaemonStartError:
 * `alreadyRunning` set when another daemon owns the socket (two windows raced to start one; the
 * loser just connects), else with the daemon's reason and the tail of its stderr.
 */
export function forkDaemon(opts: ForkDaemonOptions): Promise<{ pid: number; socket: string }> {
  const clock = opts.clock ?? new RealClock();
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    /** The caller has its answer (ready, failed, or aborted); the child may still be settling. */
    let answered = false;
    const answer = (finish: () => void) => {
      if (answered) return;
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const onAbort = () => answer(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    let child: ReturnType<typeof fork>;
    try {
      child = fork(opts.daemonScript, ['--data-dir', opts.dataDir], {
        execPath: opts.execPath,
        execArgv: [...DAEMON_NODE_FLAGS],
        env: opts.env,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        windowsHide: true,
      });
    } catch (error) {
      answer(() => reject(new DaemonStartError(`cannot start ${opts.execPath}: ${errorMessage(error)}`)));
      return;
    }

    let stderr = '';
    let settled = false;
    /** A {ready:false} answer: the reason is final, but stderr is quoted once the process closed. */
    let refusal: { why: string; alreadyRunning: boolean } | null = null;
    const armDeadline = (ms: number) =>
      clock.setTimeout(() => {
        // A daemon that never says ready is killed: it would otherwise linger half-started.
        child.kill('SIGKILL');
        fail(refusal?.why ?? `the daemon did not report ready within ${ms} ms`, refusal?.alreadyRunning);
      }, ms);
    let timer = armDeadline(timeoutMs);

    const letGo = () => {
      timer.dispose();
      child.removeAllListeners('message');
      if (child.connected) child.disconnect();
      child.stderr?.destroy();
      child.unref();
    };
    const succeed = (pid: number, socket: string) => {
      if (settled) return;
      settled = true;
      letGo();
      answer(() => resolve({ pid, socket }));
    };
    const fail = (why: string, alreadyRunning = false) => {
      if (settled) return;
      settled = true;
      letGo();
      const tail = stderrTail(stderr, why);
      answer(() => reject(new DaemonStartError(tail ? `${why}: ${tail}` : why, alreadyRunning)));
    };

    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (raw: unknown) => {
      const msg = (raw ?? {}) as ReadyMessage;
      const slow = slowStartReason(raw);
      if (slow !== null) {
        timer.dispose();
        timer = armDeadline(SLOW_START_TIMEOUT_MS);
        opts.onSlowStart?.(slow);
        return;
      }
      if (msg.ready === true && typeof msg.pid === 'number' && typeof msg.socket === 'string') {
        succeed(msg.pid, msg.socket);
      } else if (msg.ready === false) {
        // The daemon exits right after saying why; wait for 'close' so its stderr is in.
        refusal = {
          why: typeof msg.error === 'string' ? msg.error : 'the daemon did not start',
          alreadyRunning: msg.alreadyRunning === true,
        };
      }
    });
    child.once('error', (error) => fail(`cannot start ${opts.execPath}: ${error.message}`));
    // 'close' (not 'exit') comes after stderr drained: the reason is in.
    child.once('close', (code, signal) => {
      if (refusal) fail(refusal.why, refusal.alreadyRunning);
      else fail(`the daemon exited (${signal ?? `code ${code}`}) before it was ready`);
    });
  });
}

/**
 * The environment to run the daemon with. Under Electron (desktop VS Code) process.execPath is
 * the editor binary, which runs a script as plain Node only with ELECTRON_RUN_AS_NODE=1.
 */
export function daemonEnv(base: NodeJS.ProcessEnv, versions: NodeJS.ProcessVersions = process.versions): NodeJS.ProcessEnv {
  const env = { ...base };
  if (versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

/** The last lines of stderr, without the ones that only repeat `why`. */
function stderrTail(stderr: string, why: string): string {
  const lines = stderr.trim().split('\n').filter((line) => line.trim() && !line.includes(why));
  return lines.slice(-10).join('\n').trim();
}
