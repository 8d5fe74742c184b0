// `npm start`: a real VS Code (code-server, VS Code in the browser with a Node extension host) on
// 127.0.0.1 with the freshly packaged Dormouse VSIX installed and a sample workspace open.
// Everything lives in .dormouse-dev/ (gitignored): the extensions and user-data dirs of a dev
// profile that persists across runs, the sample workspace, and the daemon's data dir
// (DORMOUSE_DATA_DIR), so the user's real memory is never touched.
// Runs until Ctrl-C, then stops code-server and everything in its process group. The daemon is
// not stopped: it is shared, detached, and exits by itself idleExitMs after its last client left.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVsCode } from './ensure-vscode.mjs';
import { launchCodeServer, projectNode, runDirs } from './lib/code-server.mjs';
import { packageVsix } from './package-vsix.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const devDir = join(root, '.dormouse-dev');
// The same folders launchCodeServer gives the server, so the VSIX is installed where it looks.
const dirs = runDirs(devDir);
const sampleWorkspace = join(devDir, 'sample-workspace');
const dataDir = join(devDir, 'data');
const DEFAULT_PORT = 8080;
const EXTENSION_ID = 'dormouse.dormouse';

const log = (line) => console.log(line);

async function main() {
  // --no-build packages the dist/ already there (e.g. from `npm run watch`) as it is.
  const { vsixPath } = await packageVsix({ build: !process.argv.includes('--no-build'), log });
  const { codeServerBin } = await ensureVsCode({ log });

  mkdirSync(dataDir, { recursive: true });
  writeSampleWorkspace();
  writeDevUserSettings();

  log(`dormouse: installing ${basename(vsixPath)} into the dev profile (${relative(root, dirs.extensions)})...`);
  await runCodeServerCli(codeServerBin, ['--install-extension', vsixPath, '--force']);
  const installed = await runCodeServerCli(codeServerBin, ['--list-extensions', '--show-versions']);
  if (!installed.split('\n').some((line) => line.startsWith(`${EXTENSION_ID}@`))) {
    throw new Error(`${EXTENSION_ID} is not listed after the install:\n${installed}`);
  }

  const port = await choosePort();
  log(`dormouse: starting code-server on 127.0.0.1:${port || '(a free port)'}...`);
  const server = await launchCodeServer({
    runDir: devDir,
    folder: sampleWorkspace,
    env: { DORMOUSE_DATA_DIR: dataDir },
    port,
  });
  // Slashes left readable; anything else unusual in the path is escaped.
  const url = `${server.url}/?folder=${encodeURIComponent(sampleWorkspace).replaceAll('%2F', '/')}`;
  printBanner(url, basename(vsixPath));

  let stopping = false;
  const stop = async (why) => {
    if (stopping) {
      // A second Ctrl-C while stopping: the user means it.
      process.exit(130);
    }
    stopping = true;
    log(`\ndormouse: ${why}; stopping code-server...`);
    await server.stop();
    log('dormouse: code-server stopped. The daemon exits by itself once idle (idleExitMs).');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  server.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`dormouse: code-server exited on its own (${code ?? signal}); see ${relative(root, join(devDir, 'code-server.log'))}`);
    process.exit(1);
  });
}

/** `node <code-server entry> <args>` against the dev profile, with the same isolation as the server. */
function runCodeServerCli(codeServerBin, args) {
  const isolated = { XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, TMPDIR: dirs.tmp };
  for (const dir of Object.values(isolated)) mkdirSync(dir, { recursive: true });
  const configFile = join(devDir, 'code-server.yaml');
  if (!existsSync(configFile)) writeFileSync(configFile, '');
  const fullArgs = [
    codeServerBin,
    '--config', configFile,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(projectNode(), fullArgs, {
      cwd: devDir,
      env: { ...process.env, ...isolated },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

/** $PORT when set; else 8080 when it is free; else any free port (0). */
async function choosePort() {
  if (process.env.PORT) {
    const port = Number(process.env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${process.env.PORT} is not a port number`);
    return port;
  }
  return (await isFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0;
}

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Files written only when missing: what the user changed in the sample workspace is kept. */
function writeSampleWorkspace() {
  const files = {
    'README.md': `# Dormouse sample workspace

This folder lives in \`.dormouse-dev/sample-workspace\` of the Dormouse checkout. Things to try:

1. **Capture by saving.** Open \`src/retry.ts\`, change a delay, save (Ctrl+S). Dormouse stores a
   snapshot of the file in its memory (saves of one file within 10 s merge into one memory).
2. **Recall.** Press F1 and run **Dormouse: Recall…**, then type \`backoff\` or \`zanzibar\`.
   Pick a result to open the stored snapshot, or compare it with the current file.
3. **Capture a selection.** Select a few lines, right-click, **Capture selection**.
4. **Secrets stay out.** Save \`.env\`: it matches \`dormouse.captureExcludes\`, so it is never read
   (recall \`not-a-real-token\` finds nothing).
5. **Watch it sleep.** The status bar item shows the daemon's state. With no work its loops back
   off and then hibernate (no timers, no SQL): this dev profile sets \`dormouse.suspendAfterMs\` to
   20 s, so after about 20 s without saves the status bar shows it hibernating. Save a file and it
   wakes at once.
6. **The Dormouse view** (activity bar) shows the daemon (state, SQL statements, timers armed:
   both stop moving while it hibernates), its loops, the queue, and memories related to the file
   you have open. **Dormouse: Show daemon log** shows its log.

The daemon of this dev profile keeps its data in \`.dormouse-dev/data\` (not your real memory).
From the checkout: \`DORMOUSE_DATA_DIR=.dormouse-dev/data npm run dormouse -- status\`.
`,
    'src/retry.ts': `// Retry with exponential backoff: 1 s, 2 s, 4 s, then give up. (zanzibar_backoff)
export const retryDelaysMs = [1_000, 2_000, 4_000];

export async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (const delay of [0, ...retryDelaysMs]) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
`,
    'src/greeting.ts': `export function greet(name: string): string {
  return \`Hello, \${name}! Dormouse remembers what you saved.\`;
}
`,
    'notes.md': `# Notes

- The migration renames \`users.login\` to \`users.handle\`; run it before deploying the API.
- Flaky test: \`retry.test.ts\` times out on slow CI machines; raise the timeout, not the delays.
`,
    '.env': `# Excluded by dormouse.captureExcludes: never captured.
API_TOKEN=not-a-real-token
`,
  };
  for (const [name, text] of Object.entries(files)) {
    const file = join(sampleWorkspace, name);
    if (existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/**
 * The dev profile's user settings, written once (later changes are the user's): the sample README
 * opens at start-up, and the daemon hibernates after 20 s instead of 5 minutes so that the demo
 * shows it.
 */
function writeDevUserSettings() {
  const file = join(dirs.userData, 'User', 'settings.json');
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({
    'workbench.startupEditor': 'readme',
    'dormouse.suspendAfterMs': 20_000,
    // The sample workspace sits inside this git checkout; do not offer to open the checkout.
    'git.openRepositoryInParentFolders': 'never',
    // No chat panel: there is no network here, and it hides what the demo is about.
    'chat.disableAIFeatures': true,
  }, null, 2) + '\n');
}

function printBanner(url, vsixName) {
  const rule = '='.repeat(Math.max(60, url.length + 4));
  log('');
  log(rule);
  log('  Dormouse is running in VS Code (code-server). Open:');
  log('');
  log(`  ${url}`);
  log('');
  log(rule);
  log(`  Sample workspace: ${relative(root, sampleWorkspace)} (its README says what to try)`);
  log(`  Daemon data dir:  ${relative(root, dataDir)} (DORMOUSE_DATA_DIR; your real memory is not touched)`);
  log(`  Desktop VS Code:  code --install-extension ${vsixName}`);
  log('  Ctrl-C stops code-server.');
  log('');
}

main().catch((error) => {
  console.error(`dormouse: npm start failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
