// The bundled CLI (built here exactly as esbuild.mjs builds dist/cli.js: CJS, import.meta.url
// defined from __filename) run as a child process against a real IpcServer in this process.
// Guards the node-ipc bundling trap and the CLI contract: exit codes, one JSON document.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pkg from '../../../package.json';
import { type Handlers, IpcServer } from '../../../src/daemon/ipc/server';
import { generateToken, writeToken } from '../../../src/daemon/ipc/token';
import { memoryLogger } from '../../../src/shared/logger';
import { type DataDirPaths, dataDirPaths } from '../../../src/shared/paths';
import { type Params, type RecallHit, RpcError } from '../../../src/shared/protocol';
import type { DaemonStatus } from '../../../src/shared/status';

const root = join(__dirname, '..', '..', '..');
// Inside node_modules so the bundle resolves its externals (better-sqlite3) like dist/ does.
const outDir = join(root, 'node_modules', '.cache', `dormouse-cli-test-${process.pid}`);
const cli = join(outDir, 'cli.js');

beforeAll(async () => {
  await esbuild.build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'silent',
    external: ['vscode', 'better-sqlite3'],
    define: { 'import.meta.url': '__dormouse_import_meta_url' },
    banner: { js: "const __dormouse_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

let dir: string;
let env: NodeJS.ProcessEnv;
let paths: DataDirPaths;
let server: IpcServer | undefined;
let calls: Array<{ method: string; params: unknown }>;

const TERMINAL_AT = new Date(2026, 10, 30, 14, 5).toISOString();

const status = { pid: 42, version: '9.9.9', uptimeMs: 1500, socket: 's', state: 'hibernating', loops: [], queue: { queued: 1, leased: 0, retrying: 0, dead: 0, done: 3 }, health: { pollStale: false, stuckQueue: false, stuckSince: null, staleLoops: [] }, counters: { sqlStatements: 7, wakes: 0, jobsCompleted: 3, capturesStored: 3, capturesSkipped: 0, jobsFailed: 0, skipsByReason: {}, timersArmed: 0 } } as unknown as DaemonStatus;

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runIn(undefined, ...args);
}

function runIn(cwd: string | undefined, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '--data-dir', paths.dataDir, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function recallHits(p: Params<'recall'>): RecallHit[] {
  if (p.query.includes('reject')) throw new RpcError('BAD_REQUEST', 'since:soon: expected a duration');
  if (p.query.includes('nothing')) return [];
  if (p.query.includes('taksPath')) {
    return [{
      id: 2, kind: 'terminal', path: null, title: 'npm test', capturedAt: TERMINAL_AT, snippet: 'npm test [taskPath]', score: 0.9, exitCode: 1,
      match: { tier: 'typo', terms: ['taskpath'], corrections: [{ from: 'taksPath', to: 'taskPath' }], filters: ['kind:terminal', 'failed'] },
    }];
  }
  return [{ id: 1, kind: 'file', path: '/a.ts', title: 'a.ts', capturedAt: '2026-01-01T00:00:00.000Z', snippet: 'x [y] z', score: 0.5 }];
}

async function startServer(): Promise<void> {
  const record = <T>(method: string, result: (p: never) => T) => (params: unknown) => {
    calls.push({ method, params });
    return result(params as never);
  };
  const handlers: Handlers = {
    status: record('status', () => status),
    wake: record('wake', () => ({ woken: ['capture', 'recall'] })),
    hibernate: record('hibernate', () => ({ hibernated: false, reason: '1 job queued' })),
    reload: record('reload', (p: Params<'reload'>) => {
      if (p.settings && 'bogus' in p.settings) {
        throw new RpcError('INVALID_SETTINGS', 'rejected', { rejected: [{ key: 'bogus', reason: 'unknown setting' }, { key: 'pollFloorMs', reason: 'must be an integer' }] });
      }
      return { changes: [{ key: 'pollFloorMs', from: 250, to: 500, live: true }], pendingRestart: [] };
    }),
    enqueue: record('enqueue', (p: Params<'enqueue'>) => ({ ids: p.jobs.map((_, i) => 10 + i) })),
    recall: record('recall', recallHits),
    // The shared store's fallback note, for a query that asks for it.
    recallWithNote: record('recallWithNote', (p: Params<'recall'>) => ({
      hits: recallHits(p),
      note: p.query.includes('offline') ? "shared store unreachable, showing this machine's memories only: cannot connect" : null,
    })),
    related: record('related', (p: Params<'related'>) => ({ path: p.path, hits: [], history: [], computedAt: '' })),
    memory: record('memory', () => null),
    forget: record('forget', () => ({ forgotten: 0 })),
    pause: record('pause', () => ({ paused: true, until: null })),
    resume: record('resume', () => ({ paused: false, until: null })),
    export: record('export', () => ({ memories: [], nextAfterId: null })),
    import: record('import', () => ({ imported: 0, skipped: 0, refused: 0 })),
    // Like the daemon: reply, then close the socket (stop waits for the disconnect).
    stop: record('stop', () => {
      setImmediate(() => void server?.close());
      return {};
    }),
  };
  const token = generateToken();
  writeToken(paths.token, token);
  server = new IpcServer({ paths, token, handlers, log: memoryLogger(), maxMessageBytes: 1 << 20 });
  await server.start();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-cli-'));
  // A private runtime dir keeps this test's socket apart from any real daemon's.
  env = { ...process.env, XDG_RUNTIME_DIR: join(dir, 'run') };
  delete env.DORMOUSE_DATA_DIR;
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
  paths = dataDirPaths(join(dir, 'data'), env);
  mkdirSync(paths.dataDir);
  calls = [];
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')('the bundled dormouse CLI', () => {
  it('--help and --version work from the CJS bundle', async () => {
    const help = await run('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('dormouse recall QUERY');
    expect(await run('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('exits 1 with a hint when no daemon runs, 2 on bad usage', async () => {
    const down = await run('status');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('dormouse daemon');
    const usage = await run('status', '--frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown option --frobnicate');
    expect((await run('recall', 'x', '--limit')).code).toBe(2);
  });

  it('status --json prints exactly the daemon document', async () => {
    await startServer();
    const r = await run('status', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(status);
    const human = await run('status');
    expect(human.stdout).toMatch(/state: hibernating/);
    expect(human.stdout).toMatch(/queue: queued 1, leased 0, retrying 0, dead 0, done 3/);
    expect(human.stdout).toMatch(/sqlStatements 7/);
  });

  it('capture --file sends one enqueue with absolute paths and no content', async () => {
    await startServer();
    writeFileSync(join(dir, 'a.ts'), 'a');
    writeFileSync(join(dir, 'b.ts'), 'b');
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, '--data-dir', paths.dataDir, 'capture', '--file', 'a.ts', 'b.ts'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('10, 11') });
    expect(calls).toHaveLength(1);
    const { jobs } = calls[0]?.params as Params<'enqueue'>;
    expect(jobs.map((j) => j.payload)).toEqual([
      { type: 'file', path: join(dir, 'a.ts'), capturedAt: expect.any(Number) },
      { type: 'file', path: join(dir, 'b.ts'), capturedAt: expect.any(Number) },
    ]);
    expect((await run('capture', '--file', join(dir, 'missing.ts'))).code).toBe(2);
  });

  it('reload lists changes, or every rejected key with exit 2', async () => {
    await startServer();
    const good = await run('reload', '--set', 'pollFloorMs=500');
    expect(good).toMatchObject({ code: 0, stdout: 'pollFloorMs: 250 -> 500\n' });
    const rejected = await run('reload', '--set', 'bogus=1', '--set', 'pollFloorMs=x');
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('bogus: unknown setting');
    expect(rejected.stderr).toContain('pollFloorMs: must be an integer');
  });

  it('recall --json prints the hits array; wake and hibernate report', async () => {
    await startServer();
    const r = await run('recall', 'y', '--json', '--limit', '3');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(calls.at(-1)).toEqual({ method: 'recallWithNote', params: { query: 'y', limit: 3, roots: [process.cwd()] } });
    expect((await run('wake')).stdout).toBe('woke capture, recall\n');
    expect((await run('hibernate')).stdout).toBe('not hibernating: 1 job queued\n');
  });

  it('recall sends the working directory as the root and the filter flags resolved', async () => {
    await startServer();
    const before = Date.now();
    const r = await runIn(dir, 'recall', 'retry', '-flaky', 'in:src/daemon', '--kind', 'terminal', '--in', 'src/', '--since', '3d', '--until', 'yesterday', '--limit', '5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const cwd = realpathSync(dir);
    const yesterday = new Date();
    const startOfYesterday = new Date(yesterday.getFullYear(), yesterday.getMonth(), yesterday.getDate() - 1).getTime();
    expect(calls).toEqual([{
      method: 'recallWithNote',
      params: { query: 'retry -flaky in:src/daemon', roots: [cwd], limit: 5, kind: 'terminal', pathPrefix: join(cwd, 'src'), since: expect.any(Number), until: startOfYesterday },
    }]);
    // --since 3d: the same local clock time three days ago.
    const daysAgo = (ms: number) => {
      const d = new Date(ms);
      d.setDate(d.getDate() - 3);
      return d.getTime();
    };
    const since = (calls[0]?.params as Params<'recall'>).since as number;
    expect(since).toBeGreaterThanOrEqual(daysAgo(before));
    expect(since).toBeLessThanOrEqual(daysAgo(Date.now()));
  });

  it('recall with only a filter sends an empty query', async () => {
    await startServer();
    expect((await run('recall', '--kind', 'file')).code).toBe(0);
    expect(calls.at(-1)?.params).toEqual({ query: '', kind: 'file', roots: [process.cwd()] });
  });

  it('a bad recall value exits 2 with a clear message before contacting the daemon', async () => {
    await startServer();
    for (const args of [['x', '--since', 'banana'], ['since:banana'], ['kind:folder'], ['kind:file', '--kind', 'terminal'], ['today', '--until', '3d'], ['--in', '~/notes']]) {
      const r = await run('recall', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^dormouse: (since:banana|--since banana|kind:folder|--in ~\/notes|kind:terminal|before:).*/);
    }
    const json = await run('recall', 'on:2026-13-45', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'BAD_REQUEST', message: 'on:2026-13-45: 2026-13-45 is not a date; expected YYYY-MM-DD, e.g. 2026-11-30' } });
    expect(calls).toEqual([]);
  });

  it('a BAD_REQUEST reply to recall exits 2', async () => {
    await startServer();
    const r = await run('recall', 'reject');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('since:soon: expected a duration');
  });

  it('recall prints time, kind, title, snippet and why each hit matched; typo corrections first', async () => {
    await startServer();
    const r = await run('recall', 'taksPath', 'failed', '--kind', 'terminal');
    expect(r.code, r.stderr).toBe(0);
    const at = new Date(TERMINAL_AT);
    const pad = (x: number) => String(x).padStart(2, '0');
    const when = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
    expect(r.stdout).toBe(
      'showing results for taskPath failed\n' +
        `  1. npm test  [terminal, exit 1, ${when}]\n` +
        '     npm test [taskPath]\n' +
        '     why: typo-tolerant match on taskpath · kind:terminal, failed\n',
    );
  });

  it('recall with no result says nothing matched and what to loosen', async () => {
    await startServer();
    const timed = await run('recall', 'nothing', 'yesterday', '--kind', 'file');
    expect(timed).toMatchObject({ code: 0, stdout: 'nothing matched "nothing yesterday" with yesterday, --kind file\ntry a wider time: drop yesterday, or another filter (--kind file)\n' });
    const plain = await run('recall', 'nothing');
    expect(plain.stdout).toBe('nothing matched "nothing"\ntry fewer words, or the start of a word\n');
    const json = await run('recall', 'nothing', '--json');
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('recall prints the shared store\'s fallback note on stderr, stdout as without it (also --json)', async () => {
    await startServer();
    const plain = await run('recall', 'offline');
    expect(plain).toMatchObject({ code: 0, stderr: "dormouse: shared store unreachable, showing this machine's memories only: cannot connect\n" });
    expect(plain.stdout).toContain('1. a.ts');
    const json = await run('recall', 'offline', '--json');
    expect(json.stderr).toContain('showing this machine\'s memories only');
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 1 })]);
  });

  it('recall --json keeps the array of hits, new fields inside them', async () => {
    await startServer();
    const r = await run('recall', 'taksPath', '--json');
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ id: 2, exitCode: 1, match: expect.objectContaining({ tier: 'typo' }) })]);
  });

  it('with --json a rejected reload prints one error document and exits 2', async () => {
    await startServer();
    const r = await run('reload', '--json', '--set', 'bogus=1', '--set', 'pollFloorMs=x');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'INVALID_SETTINGS',
        message: expect.stringContaining('nothing changed'),
        rejected: [
          { key: 'bogus', reason: 'unknown setting' },
          { key: 'pollFloorMs', reason: 'must be an integer' },
        ],
      },
    });
    // The human message still goes to stderr.
    expect(r.stderr).toContain('bogus: unknown setting');
    expect(r.stderr).toContain('pollFloorMs: must be an integer');
  });

  it('with --json a usage error prints one error document and exits 2', async () => {
    const usage = await run('status', '--frobnicate', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ error: { code: 'USAGE', message: 'unknown option --frobnicate for status' } });
    expect(usage.stderr).toContain('unknown option --frobnicate');

    const noCommand = await run('--json');
    expect(noCommand.code).toBe(2);
    expect(JSON.parse(noCommand.stdout)).toMatchObject({ error: { code: 'USAGE' } });

    await startServer();
    const missing = await run('capture', '--json', '--file', join(dir, 'missing.ts'));
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'BAD_INPUT', message: expect.stringContaining('no such file') } });
    expect(calls).toEqual([]);
  });

  it('with --json an unreachable daemon prints one error document and exits 1', async () => {
    for (const command of ['status', 'wake', 'stop']) {
      const r = await run(command, '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'UNREACHABLE', message: expect.stringContaining('no daemon is running') } });
      expect(r.stderr).toContain('dormouse daemon');
    }
  });

  it('every command prints exactly one JSON document with --json', async () => {
    await startServer();
    const docs: Record<string, unknown> = {};
    // stop goes last: it closes the server.
    const commands: string[][] = [
      ['--version'],
      ['help'],
      ['help', 'recall'],
      ['recall', '--help'],
      ['daemon'],
      ['status'],
      ['wake'],
      ['hibernate'],
      ['reload', '--set', 'pollFloorMs=500'],
      ['capture', '--text', 'hello', '--title', 't'],
      ['recall', 'y'],
      ['stop'],
    ];
    for (const args of commands) {
      const r = await run('--json', ...args);
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      // JSON.parse of the whole stdout: one document, nothing before or after it.
      docs[args.join(' ')] = JSON.parse(r.stdout);
    }
    expect(docs).toEqual({
      '--version': { version: pkg.version },
      help: { help: { topic: null, text: expect.stringContaining('dormouse recall QUERY') } },
      'help recall': { help: { topic: 'recall', text: expect.stringContaining('dormouse recall QUERY') } },
      'recall --help': { help: { topic: 'recall', text: expect.stringContaining('dormouse recall QUERY') } },
      daemon: { started: false, alreadyRunning: true, pid: process.pid, socket: paths.socket },
      status,
      wake: { woken: ['capture', 'recall'] },
      hibernate: { hibernated: false, reason: '1 job queued' },
      'reload --set pollFloorMs=500': { changes: [{ key: 'pollFloorMs', from: 250, to: 500, live: true }], pendingRestart: [] },
      'capture --text hello --title t': { ids: [10] },
      'recall y': [expect.objectContaining({ id: 1, path: '/a.ts' })],
      stop: { stopped: true, pid: process.pid },
    });
  });
});
