// Installs what the e2e tests and `npm start` need to run a real VS Code, each step skipped when
// already done: Debian's chromium (the browser playwright-core drives) and libkrb5-dev (code-server
// compiles the kerberos module against it), then code-server itself from tools/code-server's own
// lockfile. code-server is not a main dependency: it compiles native modules and takes minutes.
// A missing browser is a failure, never a skip: a skipped e2e run would read as a pass.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeServerDir, codeServerEntry, projectNode, repoRoot } from './lib/code-server.mjs';

const CHROMIUM = '/usr/bin/chromium';
/** code-server's kerberos module builds from source against gssapi/gssapi.h. */
const KRB5_HEADER = '/usr/include/gssapi/gssapi.h';

/**
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ codeServerBin: string, chromium: string }>}
 */
export async function ensureVsCode({ log = (line) => console.log(line) } = {}) {
  const step = (name, fn) => {
    const started = performance.now();
    const outcome = fn();
    log(`ensure-vscode: ${name}: ${outcome} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };

  const lockfile = join(codeServerDir, 'package-lock.json');
  const stamp = join(codeServerDir, 'node_modules', '.install-stamp');
  const lockHash = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
  const codeServerInstalled = () =>
    existsSync(codeServerEntry) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash;

  step('system packages', () => {
    const missing = [];
    if (!existsSync(CHROMIUM)) missing.push('chromium');
    // The headers matter only to a code-server install that is still to come.
    if (!codeServerInstalled() && !existsSync(KRB5_HEADER)) missing.push('libkrb5-dev');
    if (missing.length === 0) return 'chromium present';
    aptInstall(missing, log);
    if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed ${missing.join(', ')} but ${CHROMIUM} is still missing`);
    return `installed ${missing.join(', ')}`;
  });

  step('code-server', () => {
    if (codeServerInstalled()) return 'up to date';
    installCodeServer(log);
    if (!existsSync(codeServerEntry)) throw new Error(`npm ci in ${codeServerDir} succeeded but ${codeServerEntry} is missing`);
    writeFileSync(stamp, lockHash + '\n');
    return 'installed (npm ci)';
  });

  return { codeServerBin: codeServerEntry, chromium: CHROMIUM };
}

function aptInstall(packages, log) {
  const isRoot = process.getuid?.() === 0;
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => existsSync(p));
  if (!isRoot || !aptGet) {
    throw new Error(
      `missing system packages: ${packages.join(', ')}. The e2e tests need the chromium browser at ${CHROMIUM}` +
        (packages.includes('libkrb5-dev') ? ' and the Kerberos headers (gssapi/gssapi.h) to build code-server' : '') +
        `. Install them (Debian/Ubuntu: \`sudo apt-get install ${packages.join(' ')}\`) and run again.`,
    );
  }
  log(`ensure-vscode: apt-get install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(aptGet, ['update'], { env }, 'apt-get update');
  run(aptGet, ['install', '-y', ...packages], { env }, `apt-get install ${packages.join(' ')}`);
}

function installCodeServer(log) {
  const node = projectNode();
  if (!existsSync(node)) {
    throw new Error(`the project's Node 24 (${node}) is missing: run \`npm ci\` at the repository root first`);
  }
  const nodedir = nodeHeadersDir(node, log);
  log(`ensure-vscode: npm ci in tools/code-server (compiles native modules; takes a few minutes)`);
  run(npmCommand(node), [...npmArgs(), 'ci', '--no-audit', '--no-fund'], {
    cwd: codeServerDir,
    env: {
      ...cleanNpmEnv(),
      // Its postinstall refuses any Node but 24, and node-gyp must build against Node 24's headers
      // (a machine's npm config may point nodedir at the system Node's).
      PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodedir,
    },
  }, 'npm ci in tools/code-server');
}

/**
 * The `node` devDependency installs its binary package (node-<platform>-<arch>, with include/node)
 * under node_modules/node/node_modules. A later `npm install <pkg>` at the root prunes that folder
 * as extraneous; it is then put back the way the package's own preinstall puts it there.
 */
function nodeHeadersDir(node, log) {
  const nodePackage = join(repoRoot, 'node_modules', 'node');
  const find = () => {
    const nested = join(nodePackage, 'node_modules');
    if (!existsSync(nested)) return undefined;
    return readdirSync(nested)
      .filter((name) => /^node-(bin-)?[a-z0-9]+-[a-z0-9]+$/.test(name))
      .map((name) => join(nested, name))
      .find((dir) => existsSync(join(dir, 'include', 'node', 'node.h')));
  };
  const found = find();
  if (found) return found;
  const version = JSON.parse(readFileSync(join(nodePackage, 'package.json'), 'utf8')).version;
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  const binaryPackage = `${prefix}-${platform}-${process.arch}@${version}`;
  log(`ensure-vscode: Node ${version} headers missing (pruned by an npm install?); restoring ${binaryPackage}`);
  run(npmCommand(node), [...npmArgs(), 'install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', binaryPackage], {
    cwd: nodePackage,
    env: { ...cleanNpmEnv(), PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
  }, `npm install ${binaryPackage}`);
  const restored = find();
  if (!restored) throw new Error(`no Node headers (include/node) under ${join(nodePackage, 'node_modules')}: run \`npm ci\` at the repository root`);
  return restored;
}

/** Under an npm script, the same npm that runs us (on the project's Node); otherwise npm from PATH. */
function npmCommand(node) {
  return process.env.npm_execpath?.endsWith('.js') ? node : 'npm';
}

function npmArgs() {
  return process.env.npm_execpath?.endsWith('.js') ? [process.env.npm_execpath] : [];
}

/**
 * The environment minus what an outer `npm test` exported (npm_config_*, npm_lifecycle_*, ...):
 * the nested npm reads the npmrc files itself. Inherited, npm_config_user_agent would still say
 * the outer npm's Node (20 on a fresh machine), and code-server's postinstall checks exactly that.
 */
function cleanNpmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function run(command, args, options, what) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal}); see the output above`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureVsCode().then(
    ({ codeServerBin, chromium }) => console.log(`ensure-vscode: ready (code-server ${codeServerBin}, browser ${chromium})`),
    (error) => {
      console.error(`ensure-vscode: ${error.message}`);
      process.exit(1);
    },
  );
}
