// The end-to-end runner: the extension in a real VS Code (code-server, Node extension host) in a
// real headless Chromium, against the real daemon it forks. It installs what is missing
// (ensureVsCode), builds, starts code-server and the browser isolated in one run folder, loads the
// workbench with the extension under development and the compiled test bundle, and reads the
// results file the in-host framework writes. Whatever happens, it stops code-server, the browser
// and any daemon of the run's data dir, and keeps the logs in test-artifacts/e2e.
//
//   node test/e2e/run-e2e.mjs      (npm run test:e2e; also part of npm test)
//   DORMOUSE_E2E_TIMEOUT_MS=...    overall limit of the suite in the extension host (default 9 min)
//   DORMOUSE_E2E_DUMP_HTML=1       always save the workbench HTML (to check ui-selectors.mjs)
//   DORMOUSE_E2E_ONLY=text[|text2] run only the tests whose name includes one of the texts
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureVsCode } from '../../scripts/ensure-vscode.mjs';
import { launchCodeServer, projectNode, repoRoot, runDirs } from '../../scripts/lib/code-server.mjs';
import { startUiBridge } from './ui-bridge.mjs';
import { UNTRUSTED_TEST_NAME, checkUntrustedWindow } from './untrusted-window.mjs';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'e2e');
const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
export const SUMMARY_FILE = join(ARTIFACTS, 'summary.json');
const TEST_BUNDLE = join(repoRoot, 'dist', 'test', 'e2e', 'index.js');
const CLI = join(repoRoot, 'dist', 'cli.js');
const OVERALL_TIMEOUT_MS = Number(process.env.DORMOUSE_E2E_TIMEOUT_MS) || 9 * 60_000;
/** The host writes the results file as soon as run() starts; no file by then means it never ran. */
const TESTS_START_TIMEOUT_MS = 2 * 60_000;
const RUNS_KEPT = 3;
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Quiet first-run UI that would cover the editor or the status bar in screenshots. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The run folder sits inside this repository: no "open the parent repository?" prompt.
  'git.openRepositoryInParentFolders': 'never',
};

const log = (line) => console.log(`e2e: ${line}`);

/** Runs the suite once. Resolves with the counts (never rejects: every problem is a failure). */
export async function runE2e() {
  const started = performance.now();
  const problems = [];
  let results = null;
  const cleanups = [];
  const runCleanups = async () => {
    while (cleanups.length) {
      const { what, fn } = cleanups.pop();
      try {
        await fn();
      } catch (error) {
        log(`cleanup (${what}) failed: ${error.message}`);
      }
    }
  };
  const onSignal = (signal) => {
    log(`${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    resetArtifacts();
    const { chromium: chromiumPath } = await ensureVsCode({ log });
    await build();

    const runDir = join(ARTIFACTS, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    pruneOldRuns();
    mkdirSync(runDir, { recursive: true });
    log(`run folder ${relative(repoRoot, runDir)}`);
    const workspace = join(runDir, 'workspace');
    cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'sample-workspace'), workspace, { recursive: true });
    const dataDir = join(runDir, 'data');
    const resultsFile = join(runDir, 'results.json');
    // The daemon's socket lives in $XDG_RUNTIME_DIR and a socket path must stay under 108 bytes.
    const runtimeDir = mkdtempSync(join(tmpdir(), 'dm-'));
    cleanups.push({ what: 'runtime dir', fn: () => rmSync(runtimeDir, { recursive: true, force: true }) });
    const settingsFile = join(runDirs(runDir).userData, 'User', 'settings.json');
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify(USER_SETTINGS, null, 2));

    let page;
    const bridge = await startUiBridge({ page: () => page, screenshotsDir: SCREENSHOTS, log });
    cleanups.push({ what: 'ui bridge', fn: () => bridge.close() });

    // Inherited by the server, the extension host and the daemon the extension forks.
    const env = {
      DORMOUSE_DATA_DIR: dataDir,
      XDG_RUNTIME_DIR: runtimeDir,
      DORMOUSE_TEST_HOOKS: '1',
      DORMOUSE_E2E_RESULTS: resultsFile,
      DORMOUSE_E2E_BRIDGE: bridge.url,
    };
    // Registered before the server starts: the daemon is stopped after the server (else the
    // extension's supervisor would restart it) and even when the server never came up.
    cleanups.push({ what: 'logs', fn: () => collectLogs(runDir, dataDir, resultsFile) });
    cleanups.push({ what: 'daemon', fn: () => stopDaemons(dataDir, runtimeDir) });
    const server = await launchCodeServer({ runDir, env, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
    cleanups.push({ what: 'code-server', fn: () => server.stop() });
    log(`code-server on ${server.url} (${((performance.now() - started) / 1000).toFixed(1)} s since start)`);

    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(runDir, 'browser-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: BROWSER_ARGS,
      viewport: { width: 1400, height: 900 },
      // Our own SIGINT/SIGTERM handler closes it with everything else; playwright's would exit
      // the process before code-server and the daemon are stopped.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    cleanups.push({ what: 'browser', fn: () => withTimeout(context.close(), 10_000, 'closing the browser') });
    page = context.pages()[0] ?? (await context.newPage());
    const consoleLog = join(ARTIFACTS, 'browser-console.log');
    page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e.message}\n`));

    let exited;
    const exitCode = new Promise((resolve) => (exited = resolve));
    // Exposed before the page loads: the workbench calls it when the extension host's tests end.
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      saveWindowLogs(logs);
      exited(code);
    });
    const outcome = await new Promise((resolve) => {
      void exitCode.then((code) => resolve({ exitCode: code }));
      const overall = setTimeout(() => resolve({ problem: `the run did not finish within ${OVERALL_TIMEOUT_MS / 1000} s` }), OVERALL_TIMEOUT_MS);
      const startDeadline = setTimeout(() => {
        if (!existsSync(resultsFile)) resolve({ problem: `the extension host did not start the test bundle within ${TESTS_START_TIMEOUT_MS / 1000} s (see code-server.log and vscode-logs/)` });
      }, TESTS_START_TIMEOUT_MS);
      cleanups.push({ what: 'timers', fn: () => (clearTimeout(overall), clearTimeout(startDeadline)) });
      server.child.once('exit', (code, signal) => resolve({ problem: `code-server exited during the run (${code ?? signal})` }));
      page.once('crash', () => resolve({ problem: 'the browser page crashed' }));
      const payload = [
        ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${repoRoot}`],
        ['extensionTestsPath', `vscode-remote://127.0.0.1:${server.port}${TEST_BUNDLE}`],
      ];
      const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      // Only the navigation is awaited ('commit'): on a loaded machine the page's load event can
      // take longer than goto's 30 s, and TESTS_START_TIMEOUT_MS already bounds the host's start.
      page.goto(url, { waitUntil: 'commit', timeout: TESTS_START_TIMEOUT_MS }).catch((error) => resolve({ problem: `loading the workbench failed: ${error.message}` }));
    });
    if (outcome.problem) problems.push(outcome.problem);

    results = readResults(resultsFile);
    if (!results) problems.push('no results file: the test bundle never ran in the extension host');
    else if (results.tests.length === 0 && !chosen(UNTRUSTED_TEST_NAME)) problems.push('the test bundle registered no tests');
    // The one check the suite's own (always trusted) window cannot make: a second, untrusted one.
    if (results && !outcome.problem && chosen(UNTRUSTED_TEST_NAME)) {
      results.tests.push(await checkUntrustedWindow({ context, runDir, env, userSettings: USER_SETTINGS, screenshotsDir: SCREENSHOTS, log }));
    }
    if (outcome.exitCode !== undefined && outcome.exitCode !== 0 && results?.tests.every((t) => t.status === 'passed')) {
      problems.push(`the extension host's test run exited with code ${outcome.exitCode}`);
    }
    const failing = problems.length > 0 || !results || results.tests.some((t) => t.status !== 'passed');
    if (failing || process.env.DORMOUSE_E2E_DUMP_HTML === '1') await saveFailureArtifacts(page, failing);
  } catch (error) {
    problems.push(error.message);
  } finally {
    await runCleanups();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  return report(results, problems, performance.now() - started);
}

/** Whether DORMOUSE_E2E_ONLY (parts of names, `|`-separated; as the suite's framework reads it) picks `name`. */
function chosen(name) {
  const only = process.env.DORMOUSE_E2E_ONLY?.split('|').filter(Boolean);
  return !only?.length || only.some((part) => name.includes(part));
}

function resetArtifacts() {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const name of ['screenshots', 'vscode-logs', 'window-logs', 'summary.json', 'results.json', 'code-server.log', 'daemon.log', 'browser-console.log', 'page.html']) {
    rmSync(join(ARTIFACTS, name), { recursive: true, force: true });
  }
}

function pruneOldRuns() {
  const runs = readdirSync(ARTIFACTS).filter((n) => n.startsWith('run-')).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - (RUNS_KEPT - 1)))) {
    rmSync(join(ARTIFACTS, old), { recursive: true, force: true });
  }
}

/** The extension (dist/extension.js, dist/daemon.js, dist/cli.js) and the test bundle. */
async function build() {
  const started = performance.now();
  const result = spawnSync(projectNode(), ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the extension failed (node esbuild.mjs); see the output above');
  const esbuild = await import('esbuild');
  try {
    await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: ['test/e2e/suite/index.ts'],
      outfile: TEST_BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['vscode'],
      sourcemap: 'inline',
      logLevel: 'warning',
    });
  } catch (error) {
    throw new Error(`building the e2e test bundle (test/e2e/suite/index.ts) failed: ${error.message}`, { cause: error });
  }
  log(`built the extension and the test bundle (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Screenshot and workbench HTML at the end of a failed run (a timeout, a host that never ran the
 * tests). Each failed test also gets its own screenshot, failed-NN.png, taken by the suite.
 */
async function saveFailureArtifacts(page, failing) {
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (failing) await withTimeout(page.screenshot({ path: join(SCREENSHOTS, 'after-run.png') }), 10_000, 'the failure screenshot');
    writeFileSync(join(ARTIFACTS, 'page.html'), await withTimeout(page.content(), 10_000, 'the page HTML'));
  } catch (error) {
    log(`could not save the failure screenshot/HTML: ${error.message}`);
  }
}

/** The workbench hands over its own logs (window, renderer) with the exit code. */
function saveWindowLogs(logs) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string' || relativePath.includes('..')) continue;
    const file = join(ARTIFACTS, 'window-logs', relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, String(contents));
  }
}

function collectLogs(runDir, dataDir, resultsFile) {
  const copies = [
    [join(runDir, 'code-server.log'), join(ARTIFACTS, 'code-server.log')],
    [join(dataDir, 'logs', 'daemon.log'), join(ARTIFACTS, 'daemon.log')],
    // Server-side VS Code logs: remoteexthost.log (the extension host) and the output channels.
    [join(runDirs(runDir).userData, 'logs'), join(ARTIFACTS, 'vscode-logs')],
    [resultsFile, join(ARTIFACTS, 'results.json')],
  ];
  for (const [from, to] of copies) if (existsSync(from)) cpSync(from, to, { recursive: true });
}

/**
 * Stops every daemon of the run's data dir: the one the CLI reaches (graceful `stop`), and any
 * process started with `--data-dir <dataDir>` (the extension forks it detached, outside
 * code-server's process group), killed if still alive.
 */
async function stopDaemons(dataDir, runtimeDir) {
  const env = { ...process.env, DORMOUSE_DATA_DIR: dataDir, XDG_RUNTIME_DIR: runtimeDir };
  const pids = new Set(processesWithDataDir(dataDir));
  if (existsSync(CLI)) {
    const status = spawnSync(projectNode(), [CLI, 'status', '--json'], { env, encoding: 'utf8', timeout: 10_000 });
    try {
      const pid = JSON.parse(status.stdout).pid;
      if (Number.isInteger(pid)) pids.add(pid);
    } catch {
      // No daemon answered: the process scan is all there is.
    }
    if (pids.size > 0) {
      const stop = spawnSync(projectNode(), [CLI, 'stop', '--json'], { env, encoding: 'utf8', timeout: 15_000 });
      if (stop.status !== 0) log(`dormouse stop failed (${stop.status ?? stop.signal}): ${(stop.stderr || stop.stdout || '').trim().slice(0, 500)}`);
    }
  }
  for (const pid of pids) {
    if (!(await exitsWithin(pid, 5_000))) {
      log(`daemon pid ${pid} still alive after stop: SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  if (pids.size > 0) log(`stopped daemon pid ${[...pids].join(', ')}`);
}

/** Linux: pids whose command line holds `--data-dir <dataDir>` (an exact path, never a name match). */
function processesWithDataDir(dataDir) {
  if (!existsSync('/proc')) return [];
  const needle = `--data-dir\0${dataDir}\0`;
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // Exited while scanning, or not ours to read.
    }
  }
  return found;
}

/**
 * Whether `pid` is gone within `ms`. It is not our child, so no exit event exists: `stop`
 * returns when the daemon closes its socket, and the process ends moments later.
 */
async function exitsWithin(pid, ms) {
  const deadline = performance.now() + ms;
  for (let delay = 20; isAlive(pid); delay = Math.min(delay * 2, 500)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return true;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  // A zombie still answers signal 0; its parent (the extension host) is gone and nobody may reap it.
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return !existsSync('/proc'); // no procfs (macOS): signal 0 is all we know; else it just exited
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))),
  ]);
}

/** Prints each test and the closing line; a run-level problem with no failing test counts as one failure. */
function report(results, problems, elapsedMs) {
  const tests = results?.tests ?? [];
  console.log('\ne2e results:');
  for (const t of tests) {
    const mark = t.status === 'passed' ? 'PASS' : t.status === 'failed' ? 'FAIL' : 'NOT RUN';
    console.log(`  ${mark}  ${t.name}${t.durationMs === undefined ? '' : ` (${t.durationMs} ms)`}`);
    if (t.error) console.log(indent(t.error, '        '));
  }
  for (const p of problems) console.log(`  ERROR ${p}`);
  const passed = tests.filter((t) => t.status === 'passed').length;
  let failed = tests.length - passed;
  if (failed === 0 && problems.length > 0) failed = 1;
  const summary = { passed, failed, problems, elapsedMs: Math.round(elapsedMs) };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(SUMMARY_FILE, JSON.stringify(summary, null, 2));
  console.log(`  artifacts: ${relative(repoRoot, ARTIFACTS)}/ (screenshots, code-server.log, daemon.log, vscode-logs/)`);
  console.log(`  took ${(elapsedMs / 1000).toFixed(1)} s`);
  console.log(`\n${passed} passed, ${failed} failed`);
  return summary;
}

function indent(text, prefix) {
  return text.split('\n').map((l) => prefix + l).join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { failed } = await runE2e();
  process.exit(failed > 0 ? 1 : 0);
}
