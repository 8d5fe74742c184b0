// The extension's activation cost. Each round runs a fresh Node process (a real cold module load,
// bench/activation-child.cjs) that require()s a bundle with `vscode` pointed at bench/vscode-shim.cjs
// and calls activate(context). Baselines, same run, interleaved: a trivial extension
// (bench/trivial-extension.ts: one status bar item, one command) bundled on the fly, and a bare
// Node process's start (bench/bare-node.ts), the machine's speed that the time targets scale with.
// Dormouse is activated three ways: no daemon running (it forks one in the background), a daemon
// already running (a second window), and a daemon that takes long to start (its script waits
// before loading dist/daemon.js): activate() must not wait for any of them.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { dataDirPaths } from '../src/shared/paths';
import { bareNodeFirstLineMs } from './bare-node';
import { distBuild } from './dist-build';
import { type BenchRow, median, ratioAtMost, tail } from './report';
import { errorMessage } from '../src/shared/error-message';

const REPO = resolve(__dirname, '..');
const EXTENSION_BUNDLE = join(REPO, 'dist', 'extension.js');
const DAEMON_SCRIPT = join(REPO, 'dist', 'daemon.js');
const CLI_SCRIPT = join(REPO, 'dist', 'cli.js');
const CHILD_SCRIPT = join(__dirname, 'activation-child.cjs');
/** What the real VS Code run (test/e2e) may leave: the real extension host's api.activationMs. */
const E2E_ACTIVATION_FILE = join(REPO, 'test-artifacts', 'e2e', 'activation.json');
/** How long a round waits for the background start to reach "running" before calling it failed. */
const RUNNING_TIMEOUT_MS = 20_000;
const CHILD_TIMEOUT_MS = 40_000;

export interface ActivationBenchOptions {
  /** Rounds of each of: trivial, Dormouse with no daemon, Dormouse with a daemon running. */
  rounds: number;
  /** Rounds with a daemon slow to start (each takes slowDaemonMs). */
  slowRounds: number;
  slowDaemonMs: number;
}

/** One child's report (see activation-child.cjs). */
interface ChildResult {
  requireMs: number;
  activateMs: number;
  apiActivationMs: number | null;
  atReturn: { forked: boolean; connected: boolean; socketExisted: boolean | null; supervisorState: string | null };
  forkAfterReturnMs: number | null;
  connectAfterReturnMs?: number;
  runningAfterMs: number | null;
  commands: number;
  log?: string[];
  error?: string;
}

interface ChildSpec {
  bundle: string;
  id: string;
  extensionPath: string;
  storageDir: string;
  socket?: string;
  daemonScript?: string;
  waitForRunningMs?: number;
}

export async function benchExtensionActivation(opts: ActivationBenchOptions): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'dm-bench-activation-'));
  try {
    const trivialBundle = await bundleTrivialExtension(root);
    const slowDaemon = writeSlowDaemonScript(root, opts.slowDaemonMs);
    let dirs = 0;
    const freshDataDir = () => {
      const dataDir = join(root, `data-${dirs++}`);
      mkdirSync(join(dataDir, 'storage'), { recursive: true });
      return dataDir;
    };
    const trivial = () => runChild({ bundle: trivialBundle, id: 'bench.trivial', extensionPath: root, storageDir: join(root, 'trivial-storage') }, root);
    const dormouse = (dataDir: string, daemonScript?: string) =>
      runChild(
        {
          bundle: EXTENSION_BUNDLE,
          id: 'dormouse.dormouse',
          extensionPath: REPO,
          storageDir: join(dataDir, 'storage'),
          socket: dataDirPaths(dataDir).socket,
          ...(daemonScript ? { daemonScript } : {}),
          waitForRunningMs: RUNNING_TIMEOUT_MS,
        },
        dataDir,
      );

    const samples = { trivial: [] as ChildResult[], cold: [] as ChildResult[], warm: [] as ChildResult[], slow: [] as ChildResult[], bareNode: [] as number[] };
    // Round 0 is a warm-up (disk cache, first fork of the daemon): measured, then dropped.
    for (let i = 0; i <= opts.rounds; i++) {
      const keep = i > 0;
      const t = await trivial();
      const bare = await bareNodeFirstLineMs();
      const dataDir = freshDataDir();
      const cold = await dormouse(dataDir);
      // The same data dir again while its daemon still runs: a second window, or a reload.
      const warm = cold.runningAfterMs !== null ? await dormouse(dataDir) : null;
      await stopDaemon(dataDir);
      if (keep) {
        samples.trivial.push(t);
        samples.bareNode.push(bare);
        samples.cold.push(cold);
        if (warm) samples.warm.push(warm);
      }
    }
    for (let i = 0; i < opts.slowRounds; i++) {
      const dataDir = freshDataDir();
      samples.slow.push(await dormouse(dataDir, slowDaemon));
      await stopDaemon(dataDir);
    }
    const leftovers = processesUnder(root);
    for (const pid of leftovers) tryKill(pid, 'SIGKILL');

    return rows(samples, opts, leftovers.length, statSync(EXTENSION_BUNDLE).size, statSync(trivialBundle).size);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function rows(
  s: { trivial: ChildResult[]; cold: ChildResult[]; warm: ChildResult[]; slow: ChildResult[]; bareNode: number[] },
  opts: ActivationBenchOptions,
  leftovers: number,
  bundleBytes: number,
  trivialBytes: number,
): BenchRow[] {
  const failures = [...s.cold, ...s.warm, ...s.slow].filter((r) => r.runningAfterMs === null);
  for (const f of failures.slice(0, 3)) process.stderr.write(`bench: a round never reached "running": ${f.error ?? (f.log ?? []).join('\n')}\n`);
  const pick = (rs: ChildResult[], f: (r: ChildResult) => number | null) => rs.map(f).filter((v): v is number => v !== null);
  const requireMs = (rs: ChildResult[]) => pick(rs, (r) => r.requireMs);
  const activateMs = (rs: ChildResult[]) => pick(rs, (r) => r.activateMs);
  const p50 = (v: number[]) => median(v).value;
  const p95 = (v: number[]) => tail(v, 95).value;
  const p95Label = (v: number[]) => tail(v, 95).label;
  const trivial = { require: requireMs(s.trivial), activate: activateMs(s.trivial) };
  const cold = { require: requireMs(s.cold), activate: activateMs(s.cold) };
  const warmActivate = activateMs(s.warm);
  const slowActivate = activateMs(s.slow);
  const total = (rs: ChildResult[]) => pick(rs, (r) => r.requireMs + r.activateMs);

  // Did activate() return before the daemon was reached? With no daemon running: nothing forked, no
  // socket opened, no socket file yet. With one running: the hello not yet answered ("starting").
  const notWaited = (r: ChildResult, daemonWasRunning: boolean) =>
    r.error === undefined &&
    r.atReturn.supervisorState === 'starting' &&
    (daemonWasRunning || (!r.atReturn.forked && !r.atReturn.connected && r.atReturn.socketExisted === false));
  const checked = [...s.cold.map((r) => notWaited(r, false)), ...s.slow.map((r) => notWaited(r, false)), ...s.warm.map((r) => notWaited(r, true))];
  const returnedFirst = checked.filter(Boolean).length;
  const slowRatio = p50(slowActivate) / p50(cold.activate);
  const declared = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: unknown[] } }).contributes.commands.length;
  const registered = s.cold.length > 0 ? Math.min(...s.cold.map((r) => r.commands)) : 0;
  const commandsOk = s.cold.length > 0 && s.cold.every((r) => r.commands === declared);

  const trivialBaseline = (name: string, value: number) => ({ name: `trivial extension ${name}`, value });
  const bare = { name: `bare node first line (${median(s.bareNode).label})`, value: p50(s.bareNode) };
  // The old absolute budgets (50 ms for require and for activate(), 100 ms for activate()'s p95,
  // chosen here, not stated by an issue) as ratios to the same run's bare node start, which took
  // 21.7 ms on the reference run of 2026-11-23: 50 / 21.7 -> 2.3x, 100 / 21.7 -> 4.6x.
  const why = (ms: number) => `the old ${ms} ms / bare node 21.7 ms on 2026-11-23`;
  const config = `${distBuild()}, required in a fresh Node process per round with \`vscode\` pointed at bench/vscode-shim.cjs (not VS Code's extension host); the daemon it forks has shipped defaults`;
  const trivialConfig = `${config}; baseline: bench/trivial-extension.ts bundled the same way`;
  const out: BenchRow[] = [
    { section: 'activation', name: `require(dist/extension.js) ${median(cold.require).label}`, value: p50(cold.require), unit: 'ms', baseline: bare, ...ratioAtMost(p50(cold.require), bare.value, 2.3, why(50)), config },
    { section: 'activation', name: `require(dist/extension.js) ${p95Label(cold.require)}`, value: p95(cold.require), unit: 'ms', baseline: trivialBaseline(p95Label(trivial.require), p95(trivial.require)), config: trivialConfig },
    { section: 'activation', name: `activate() ${median(cold.activate).label}, no daemon running`, value: p50(cold.activate), unit: 'ms', baseline: bare, ...ratioAtMost(p50(cold.activate), bare.value, 2.3, why(50)), config },
    { section: 'activation', name: `activate() ${p95Label(cold.activate)}, no daemon running`, value: p95(cold.activate), unit: 'ms', baseline: bare, ...ratioAtMost(p95(cold.activate), bare.value, 4.6, why(100)), config },
    { section: 'activation', name: `activate() ${median(warmActivate).label}, daemon already running`, value: p50(warmActivate), unit: 'ms', baseline: bare, ...(warmActivate.length > 0 ? ratioAtMost(p50(warmActivate), bare.value, 2.3, why(50)) : { target: 'rounds with a running daemon', pass: false }), config },
    { section: 'activation', name: `activate() ${median(slowActivate).label}, daemon ${opts.slowDaemonMs} ms slow to start`, value: p50(slowActivate), unit: 'ms', baseline: { name: 'daemon starting normally', value: p50(cold.activate) }, target: '<= 2x baseline', pass: slowActivate.length > 0 && slowRatio <= 2, config: `${config}; the slow daemon is a script that waits ${opts.slowDaemonMs} ms before loading dist/daemon.js` },
    { section: 'activation', name: 'rounds where activate() returned before reaching the daemon', value: returnedFirst, unit: 'rounds', baseline: { name: 'rounds', value: checked.length }, target: 'all', pass: checked.length > 0 && returnedFirst === checked.length, config },
    { section: 'activation', name: `require + activate ${median(total(s.cold)).label} (what VS Code counts)`, value: p50(total(s.cold)), unit: 'ms', baseline: trivialBaseline('p50', p50(total(s.trivial))), config: trivialConfig },
    { section: 'activation', name: 'api.activationMs p50 (measured inside activate)', value: p50(pick(s.cold, (r) => r.apiActivationMs)), unit: 'ms', baseline: { name: 'activate() from outside', value: p50(cold.activate) }, config },
    { section: 'activation', name: 'activate return → daemon connected p50 (background, forks one)', value: p50(pick(s.cold, (r) => r.runningAfterMs)), unit: 'ms', baseline: { name: 'daemon already running', value: p50(pick(s.warm, (r) => r.runningAfterMs)) }, config },
    { section: 'activation', name: `activate return → daemon connected p50 (daemon ${opts.slowDaemonMs} ms slow)`, value: p50(pick(s.slow, (r) => r.runningAfterMs)), unit: 'ms', target: `>= ${opts.slowDaemonMs} ms (the delay is real)`, pass: pick(s.slow, (r) => r.runningAfterMs).every((v) => v >= opts.slowDaemonMs) && failures.length === 0, config },
    { section: 'activation', name: 'bundle size', value: Math.round(bundleBytes / 102.4) / 10, unit: 'KB', baseline: { name: 'trivial extension', value: Math.round(trivialBytes / 102.4) / 10 }, config: `${distBuild()}; baseline: bench/trivial-extension.ts bundled the same way` },
    { section: 'activation', name: 'commands registered by activate() (the shim saw the whole activation)', value: registered, unit: 'commands', target: `all ${declared} of package.json, every round`, pass: commandsOk, config },
    { section: 'activation', name: 'daemons left running after the section', value: leftovers, unit: 'processes', target: '0', pass: leftovers === 0, config },
  ];
  const e2e = readE2eActivation();
  if (e2e !== null) {
    out.push({ section: 'activation', name: 'real VS Code (test/e2e) api.activationMs', value: e2e, unit: 'ms', baseline: { name: 'shim, same figure', value: p50(pick(s.cold, (r) => r.apiActivationMs)) }, config: `read from ${E2E_ACTIVATION_FILE}, left by the last e2e run (code-server, its own build and time, not this run)` });
  }
  return out;
}

/** The trivial extension, bundled with the same settings as dist/extension.js (esbuild.mjs). */
async function bundleTrivialExtension(root: string): Promise<string> {
  const outfile = join(root, 'trivial', 'extension.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'trivial-extension.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: 'linked',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}

/** A daemon script that waits before loading the real one: the fork is slow to report ready. */
function writeSlowDaemonScript(root: string, delayMs: number): string {
  const file = join(root, 'slow-daemon.cjs');
  writeFileSync(file, `setTimeout(() => require(${JSON.stringify(DAEMON_SCRIPT)}), ${delayMs});\n`);
  return file;
}

function runChild(spec: ChildSpec, dataDir: string): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DORMOUSE_DATA_DIR: dataDir };
  delete env.NODE_OPTIONS; // the child must load no loader hooks (tsx's) on top of plain require()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(spec)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as ChildResult;
        if (result.error) throw new Error(result.error);
        resolvePromise(result);
      } catch (error) {
        reject(new Error(`activation child failed (exit ${code}): ${errorMessage(error)}\n${stderr}`));
      }
    });
  });
}

/** `dormouse stop` on the round's data dir, then waits (bounded) for the daemon's pid to be gone. */
async function stopDaemon(dataDir: string): Promise<void> {
  const stdout = await new Promise<string>((res) =>
    execFile(process.execPath, [CLI_SCRIPT, 'stop', '--json'], { env: { ...process.env, DORMOUSE_DATA_DIR: dataDir } }, (_error, out) => res(String(out))),
  );
  let pid: number | undefined;
  try {
    pid = (JSON.parse(stdout) as { pid?: number }).pid;
  } catch {
    return; // no daemon answered: nothing to stop
  }
  if (!pid) return;
  const deadline = performance.now() + 5000;
  while (isAlive(pid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (isAlive(pid)) tryKill(pid, 'SIGKILL');
}

/** Processes whose command line names a path under root (daemons forked with --data-dir root/...). */
function processesUnder(root: string): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .filter((line) => line.includes(root))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

/** Running, not merely a zombie: here PID 1 reaps orphans only every second or so. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** test-artifacts/e2e/activation.json, when the real VS Code run left one: its activationMs. */
function readE2eActivation(): number | null {
  if (!existsSync(E2E_ACTIVATION_FILE)) return null;
  try {
    const data = JSON.parse(readFileSync(E2E_ACTIVATION_FILE, 'utf8')) as unknown;
    process.stderr.write(`bench: ${E2E_ACTIVATION_FILE}: ${JSON.stringify(data)}\n`);
    const value = typeof data === 'number' ? data : (data as { activationMs?: unknown } | null)?.activationMs;
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}
