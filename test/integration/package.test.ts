// The VSIX as a user gets it: packaged by scripts/package-vsix.mjs (from the dist/ that `npm test`
// built; --no-build so that this file never rewrites dist/ under the other test files), read
// through its zip central directory, then unpacked outside the repository and run from there.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/shared/status';
import { extractZip, listZip } from '../helpers/zip';

interface Run { code: number | null; stdout: string; stderr: string }

const repoRoot = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'dm-vsix-'));
const vsixPath = join(work, 'dormouse.vsix');
const unpacked = join(work, 'unpacked');
const dataDir = join(work, 'data');
const cliScript = join(unpacked, 'extension', 'dist', 'cli.js');

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The unpacked CLI, with no DORMOUSE_DATA_DIR leaking in from the developer's shell. */
function cli(...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.DORMOUSE_DATA_DIR;
  return run([cliScript, '--data-dir', dataDir, ...args], env);
}

let names: string[];

beforeAll(async () => {
  const packaged = await run([join(repoRoot, 'scripts', 'package-vsix.mjs'), '--no-build', '--out', vsixPath]);
  expect(packaged.code, packaged.stdout + packaged.stderr).toBe(0);
  names = listZip(readFileSync(vsixPath)).map((e) => e.name);
}, 60_000);

afterAll(async () => {
  await cli('stop');
  rmSync(work, { recursive: true, force: true });
});

describe('the VSIX', () => {
  it('holds the bundles, the better-sqlite3 runtime, the icon, README, CHANGELOG and LICENSE', () => {
    expect(names).toEqual(expect.arrayContaining([
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/daemon.js',
      'extension/dist/cli.js',
      'extension/node_modules/better-sqlite3/package.json',
      'extension/node_modules/better-sqlite3/lib/index.js',
      'extension/node_modules/better-sqlite3/lib/binding.js',
      'extension/node_modules/better-sqlite3/prebuilds/linux-x64.node',
      'extension/node_modules/better-sqlite3/prebuilds/darwin-arm64.node',
      'extension/node_modules/better-sqlite3/prebuilds/win32-x64.node',
      'extension/media/dormouse.png',
      'extension/media/dormouse.svg',
      // vsce stores these three under its own names.
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ]));
  });

  it('leaves out sources, tests, tools, bench, docs, source maps and every other dependency', () => {
    const leaked = names.filter((n) =>
      /^extension\/(src|test|tools|bench|docs|scripts|\.dormouse-dev|test-artifacts)\//.test(n) ||
      /\.(map|ts)$/.test(n) ||
      /^extension\/node_modules\/(?!better-sqlite3\/)/.test(n) ||
      /^extension\/node_modules\/better-sqlite3\/(src|deps|build)\//.test(n));
    expect(leaked).toEqual([]);
  });

  it('runs from the unpacked package alone: the CLI starts the daemon, which opens its SQLite database and answers', async () => {
    // Outside the repository, so `require('better-sqlite3')` can only find the packaged copy.
    expect(relative(repoRoot, work).startsWith('..')).toBe(true);
    extractZip(vsixPath, unpacked);

    const started = await cli('daemon');
    expect(started.code, started.stdout + started.stderr).toBe(0);
    expect(started.stdout).toMatch(/pid \d+/);

    const status = await cli('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout) as DaemonStatus;
    expect(doc.queue).toBeDefined();
    expect(statSync(join(dataDir, 'dormouse.db')).size).toBeGreaterThan(0);

    const stopped = await cli('stop');
    expect(stopped.code, stopped.stderr).toBe(0);
    const gone = await cli('status');
    expect(gone.code).toBe(1);
  });
});
