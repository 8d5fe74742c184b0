// `npm run package`: builds dist/ in production mode, then dormouse-<version>.vsix with vsce.
// Also imported by scripts/start-vscode.mjs, and run by test/integration/package.test.ts with
// --stage <tmp> --out <tmp> (the production build into a staging folder, without rewriting the
// dist/ that the other test files run).
//
// What goes into the VSIX is decided by .vscodeignore (an allow-list); see docs/packaging.md.
// vsce runs in its npm dependency mode, not --no-dependencies: with --no-dependencies it never
// looks inside node_modules, so better-sqlite3 (external to the bundles, with its native binaries)
// could not be shipped at all.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

export function vsixFileName() {
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `${name}-${version}.vsix`;
}

/**
 * build: false packages dist/ as it is (the integration test: `npm test` has just built it).
 * stage: a fresh folder to package from instead of the repository: the same production build and
 * the same vsce run, with the bundles built into <stage>/dist, so the dist/ that tests run is left
 * alone (test/integration/package.test.ts packages the production VSIX this way).
 * @param {{ build?: boolean; out?: string; stage?: string; log?: (line: string) => void }} [options]
 * @returns {Promise<{ vsixPath: string; bytes: number; summary: string }>}
 */
export async function packageVsix({ build = true, out = join(root, vsixFileName()), stage, log = console.log } = {}) {
  if (stage) return packageStaged(stage, out, log);
  if (!build) return runVsce(out, log);
  // dist/ is shared with everything else that builds in this checkout (`npm test`, `npm run
  // watch`): a dev build landing between ours and vsce's read would ship unminified bundles with
  // a dangling sourceMappingURL. So the bundles' stats are compared before and after vsce, and
  // the whole step is redone when they moved.
  for (let attempt = 1; ; attempt++) {
    log('dormouse: building dist/ (production)...');
    await run(process.execPath, [join(root, 'esbuild.mjs'), '--production'], log);
    const built = bundleStats();
    const result = await runVsce(out, log);
    if (bundleStats() === built) return result;
    if (attempt === MAX_ATTEMPTS) {
      throw new Error(`dist/ was rebuilt by something else while packaging, ${MAX_ATTEMPTS} times in a row; stop the other build (npm run watch?) and run again`);
    }
    log('dormouse: dist/ changed while packaging (another build ran); packaging again');
  }
}

const MAX_ATTEMPTS = 3;
const BUNDLES = ['extension.js', 'daemon.js', 'cli.js'];

function bundleStats() {
  return BUNDLES.map((name) => {
    const { mtimeMs, size } = statSync(join(root, 'dist', name));
    return `${name}:${mtimeMs}:${size}`;
  }).join(' ');
}

/** The files vsce reads (its .vscodeignore picks from them), then dist/ built there (production). */
async function packageStaged(stage, out, log) {
  const dir = resolve(stage);
  mkdirSync(dir, { recursive: true });
  for (const name of ['package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media']) {
    cpSync(join(root, name), join(dir, name), { recursive: true });
  }
  // vsce's npm dependency mode runs `npm list --production` there, which fails on a node_modules
  // holding dev packages the lock file does not reach (a symlink to this one) or symlinked
  // packages: so a copy of the production packages the lock file names (better-sqlite3 among them).
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || path.lastIndexOf('node_modules/') !== 0 || entry.dev || entry.devOptional) continue;
    cpSync(realpathSync(join(root, path)), join(dir, path), { recursive: true });
  }
  log(`dormouse: building ${join(dir, 'dist')} (production)...`);
  await run(process.execPath, [join(root, 'esbuild.mjs'), '--production', '--outdir', join(dir, 'dist')], log);
  return runVsce(out, log, dir);
}

async function runVsce(out, log, cwd = root) {
  const vsixPath = resolve(out);
  log(`dormouse: packaging ${vsixPath}...`);
  const output = await run(
    process.execPath,
    [
      vsce,
      'package',
      '--out', vsixPath,
      // No public repository exists yet; a made-up URL would put a broken link in the manifest.
      '--allow-missing-repository',
      // Without a repository vsce cannot turn the README's relative links into absolute ones.
      '--no-rewrite-relative-links',
    ],
    log,
    cwd,
  );
  // vsce's own summary: "Packaged: <path> (N files, X MB)".
  const summary = /\(\d+ files?, [^)]*\)/.exec(output)?.[0] ?? '';
  return { vsixPath, bytes: statSync(vsixPath).size, summary };
}

/** Runs a command (in the repository root by default); resolves with its output, rejects on a non-zero exit. */
function run(command, args, log, cwd = root) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        for (const line of output.split('\n')) if (line.trim()) log(`  ${line}`);
        resolvePromise(output);
      } else {
        reject(new Error(`${args[0]} ${args[1] ?? ''} exited with ${code}:\n${output}`));
      }
    });
  });
}

function formatSize(bytes) {
  return `${bytes} bytes (${(bytes / 1024 / 1024).toFixed(2)} MB)`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const stageIndex = args.indexOf('--stage');
    const { vsixPath, bytes, summary } = await packageVsix({
      build: !args.includes('--no-build'),
      out: outIndex >= 0 ? args[outIndex + 1] : undefined,
      stage: stageIndex >= 0 ? args[stageIndex + 1] : undefined,
    });
    console.log(`dormouse: ${vsixPath}: ${formatSize(bytes)} ${summary}`);
  } catch (error) {
    console.error(`dormouse: packaging failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
