// Starts code-server (VS Code 1.139 with a Node extension host, see tools/code-server) isolated in
// one run folder: its own user-data, extensions, config, XDG folders and TMPDIR, so a run never
// reads or writes the user's home or /tmp. Used by the e2e runner and by `npm start`.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const codeServerDir = join(repoRoot, 'tools', 'code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** code-server's postinstall and runtime insist on Node 24: the `node` devDependency's binary. */
export function projectNode() {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  return join(repoRoot, 'node_modules', 'node', 'bin', 'node');
}

/** Where a run's folders go; the user-data dir holds User/settings.json and the logs. */
export function runDirs(runDir) {
  return {
    userData: join(runDir, 'user-data'),
    extensions: join(runDir, 'extensions'),
    xdgConfig: join(runDir, 'xdg', 'config'),
    xdgData: join(runDir, 'xdg', 'data'),
    tmp: join(runDir, 'tmp'),
  };
}

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_BYTES = 3_000;

/**
 * Launches code-server on 127.0.0.1 and resolves once /healthz answers.
 * workspaceTrust: keep VS Code's workspace trust on (default off: every folder is trusted; the e2e
 * runner's untrusted-window check turns it on).
 * @param {{ runDir: string, folder?: string, env?: Record<string, string>, extraArgs?: string[], port?: number, workspaceTrust?: boolean }} options
 * @returns {Promise<{ url: string, port: number, child: import('node:child_process').ChildProcess, stop(): Promise<void> }>}
 */
export async function launchCodeServer({ runDir, folder, env = {}, extraArgs = [], port = 0, workspaceTrust = false }) {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed (${codeServerEntry} is missing); run \`node scripts/ensure-vscode.mjs\``);
  }
  const dirs = runDirs(runDir);
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // An empty config file: otherwise code-server creates ~/.config/code-server/config.yaml with a password.
  const configFile = join(runDir, 'code-server.yaml');
  writeFileSync(configFile, '');
  const logFile = join(runDir, 'code-server.log');

  const chosenPort = port || (await freePort());
  const node = projectNode();
  const args = [
    codeServerEntry,
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--ignore-last-opened',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--config', configFile,
    // Without it the server swaps PATH for the login shell's, and a bare `node` is the system one.
    '--vscode-option', 'force-disable-user-env',
    ...extraArgs,
    ...(folder ? [folder] : []),
  ];
  const logFd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(node, args, {
      cwd: runDir,
      env: isolatedEnv(env, dirs, node),
      stdio: ['ignore', logFd, logFd],
      // Its own process group: stop() kills the server, its extension hosts and their children at once.
      detached: true,
    });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    // A spawn failure emits 'error' and no 'exit'; waitHealthy reports it with the log tail.
    child.once('error', (error) => resolve(`spawn failed: ${error.message}`));
  });

  let stopping = null;
  const stop = () => {
    stopping ??= stopGroup(child, exited);
    return stopping;
  };
  const url = `http://127.0.0.1:${chosenPort}`;
  try {
    await waitHealthy(url, exited, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port: chosenPort, child, stop };
}

/** The inherited environment, minus what would tie the server to another VS Code, plus the run's folders. */
function isolatedEnv(extra, dirs, node) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // Started from a VS Code terminal, these would point the server at that editor's IPC hooks.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  return {
    ...env,
    PATH: `${dirname(node)}:${env.PATH ?? ''}`,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    TMPDIR: dirs.tmp,
    ...extra,
  };
}

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Retries GET /healthz after each failure with a short growing backoff, until 200, exit or timeout. */
function waitHealthy(url, exited, logFile) {
  return new Promise((resolve, reject) => {
    let done = false;
    let retry;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(retry);
      if (error) reject(error);
      else resolve();
    };
    const deadline = setTimeout(
      () => finish(new Error(`code-server did not answer ${url}/healthz within ${HEALTH_TIMEOUT_MS} ms. Log tail (${logFile}):\n${tail(logFile)}`)),
      HEALTH_TIMEOUT_MS,
    );
    void exited.then((code) => finish(new Error(`code-server exited (${code}) before it was healthy. Log tail (${logFile}):\n${tail(logFile)}`)));
    let backoffMs = 50;
    const attempt = () => {
      if (done) return;
      const req = get(`${url}/healthz`, { timeout: 2_000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) finish();
        else again();
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', again);
    };
    const again = () => {
      if (done) return;
      retry = setTimeout(attempt, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 500);
    };
    attempt();
  });
}

/** SIGTERM to the whole group, SIGKILL after a grace period; then SIGKILL any straggler of the group. */
async function stopGroup(child, exited) {
  const pgid = child.pid;
  if (pgid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(pgid, 'SIGTERM');
    let timer;
    const graceful = await Promise.race([
      exited.then(() => true),
      new Promise((resolve) => (timer = setTimeout(() => resolve(false), STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      killGroup(pgid, 'SIGKILL');
      await exited;
    }
  }
  // The server is gone; extension hosts or terminals it left in its group go too.
  killGroup(pgid, 'SIGKILL');
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function tail(file) {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-LOG_TAIL_BYTES);
  } catch {
    return '(no log)';
  }
}
