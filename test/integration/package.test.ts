// The VSIX as a user gets it: packaged by scripts/package-vsix.mjs as `npm run package` does (the
// production build, minified, then vsce), but staged in a temporary folder (--stage) so that this
// file never rewrites the dist/ the other test files run; read through its zip central directory,
// then unpacked outside the repository and run from there. It also proves that the production
// bundles carry no test surface: no `debug` handler in the daemon, no request() in the API.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client';
import { dataDirPaths } from '../../src/shared/paths';
import type { DaemonStatus } from '../../src/shared/status';
import { extractZip, listZip } from '../helpers/zip';

interface Run { code: number | null; stdout: string; stderr: string }

const repoRoot = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'dm-vsix-'));
const vsixPath = join(work, 'dormouse.vsix');
const unpacked = join(work, 'unpacked');
const dataDir = join(work, 'data');
const cliScript = join(unpacked, 'extension', 'dist', 'cli.js');
const BUNDLES = ['extension.js', 'daemon.js', 'cli.js'];
/** Texts only the test surface holds (src/daemon/debug-hooks.ts, its wiring in daemon.ts, confirm.ts's gate). */
const TEST_SURFACE_MARKERS = ['TEST HOOKS ENABLED', 'wedged by a test hook', 'debug hooks are disabled', 'DORMOUSE_TEST_HOOKS'];

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
function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env = { ...process.env, ...extraEnv };
  delete env.DORMOUSE_DATA_DIR;
  delete env.DORMOUSE_TEST_HOOKS;
  return run([cliScript, '--data-dir', dataDir, ...args], { ...env, ...extraEnv });
}

let names: string[];

beforeAll(async () => {
  const packaged = await run([join(repoRoot, 'scripts', 'package-vsix.mjs'), '--stage', join(work, 'stage'), '--out', vsixPath]);
  expect(packaged.code, packaged.stdout + packaged.stderr).toBe(0);
  names = listZip(readFileSync(vsixPath)).map((e) => e.name);
  // Outside the repository, so `require('better-sqlite3')` can only find the packaged copy.
  extractZip(vsixPath, unpacked);
}, 120_000);

afterAll(async () => {
  await cli(['stop']);
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
    expect(relative(repoRoot, work).startsWith('..')).toBe(true);

    const started = await cli(['daemon']);
    expect(started.code, started.stdout + started.stderr).toBe(0);
    expect(started.stdout).toMatch(/pid \d+/);

    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout) as DaemonStatus;
    expect(doc.queue).toBeDefined();
    expect(statSync(join(dataDir, 'dormouse.db')).size).toBeGreaterThan(0);

    const stopped = await cli(['stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const gone = await cli(['status']);
    expect(gone.code).toBe(1);
  });
});

describe('production bundles carry no test surface', () => {
  const packagedBundle = (name: string) => readFileSync(join(unpacked, 'extension', 'dist', name), 'utf8');

  it('the packaged bundles are minified and hold no debug handler; the test build does (the markers are real)', () => {
    for (const name of BUNDLES) {
      const text = packagedBundle(name);
      expect(text, `${name} is minified`).not.toMatch(/sourceMappingURL/);
      // Minified: long lines (a dev bundle's average ~40 characters; template literals keep their line breaks).
      expect(text.length / text.split('\n').length, `${name} is minified`).toBeGreaterThan(500);
      expect(TEST_SURFACE_MARKERS.filter((m) => text.includes(m)), `test surface in the packaged ${name}`).toEqual([]);
    }
    // The dev build `npm test` made (node esbuild.mjs) keeps the hooks: each marker is found there.
    const testBuild = BUNDLES.map((name) => readFileSync(join(repoRoot, 'dist', name), 'utf8')).join('\n');
    expect(TEST_SURFACE_MARKERS.filter((m) => !testBuild.includes(m))).toEqual([]);
  });

  it('the packaged daemon answers debug with UNKNOWN_METHOD even when started with DORMOUSE_TEST_HOOKS=1', async () => {
    const started = await cli(['daemon'], { DORMOUSE_TEST_HOOKS: '1' });
    expect(started.code, started.stdout + started.stderr).toBe(0);
    const client = await DaemonClient.connect({ paths: dataDirPaths(dataDir), clientName: 'package-test' });
    try {
      await expect(client.request('debug', { action: 'wedge-loop', loop: 'capture' })).rejects.toMatchObject({
        code: 'UNKNOWN_METHOD',
        message: expect.stringContaining('does not serve "debug"'),
      });
      // The daemon is fine otherwise.
      expect((await client.request('status', {})).pid).toBeGreaterThan(0);
    } finally {
      client.close();
    }
    expect(readFileSync(dataDirPaths(dataDir).logFile, 'utf8')).not.toMatch(/TEST HOOKS ENABLED/);
  });

  it("the packaged extension's API has no request(), activated on the daemon", async () => {
    const env = { ...process.env, DORMOUSE_DATA_DIR: dataDir, DORMOUSE_TEST_HOOKS: '1' };
    const child = await run([join(__dirname, 'fixtures', 'packaged-api-child.cjs'), join(unpacked, 'extension', 'dist', 'extension.js'), join(unpacked, 'extension'), join(work, 'storage')], env);
    expect(child.code, child.stdout + child.stderr).toBe(0);
    const { keys, state } = JSON.parse(child.stdout) as { keys: string[]; state: string };
    expect(state).toBe('running');
    expect(keys).toEqual(expect.arrayContaining(['status', 'supervisorState', 'daemonPid']));
    expect(keys).not.toContain('request');
    await cli(['stop']);
  });
});
