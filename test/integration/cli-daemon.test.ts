// The built CLI (dist/cli.js) driving a real daemon it starts itself, detached, as a user would:
// daemon → capture → recall → status → reload → stop.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/shared/status';
import { CLI_SCRIPT, tempDataDir } from '../helpers/daemon-process';

interface Run { code: number | null; stdout: string; stderr: string }

let dataDir: string;
let env: NodeJS.ProcessEnv;

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, '--data-dir', dataDir, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

afterEach(async () => {
  await cli('stop');
});

describe('dormouse CLI against a real daemon', () => {
  it('a user starts the daemon, captures a file and recalls it', async () => {
    dataDir = tempDataDir('dm-cli-e2e-');
    env = { ...process.env };
    delete env.DORMOUSE_DATA_DIR;
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ spawnJitterMs: [0, 0], idleExitMs: 0 }));

    const started = await cli('daemon');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/pid \d+/);

    const again = await cli('daemon');
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/already running/i);

    const project = join(dataDir, 'project');
    mkdirSync(project);
    const file = join(project, 'retry_policy.ts');
    writeFileSync(file, 'export const retryCurve = [1, 2, 4]; // zanzibar_backoff\n');
    const secret = join(project, '.env');
    writeFileSync(secret, 'API_TOKEN=abc\n');
    const captured = await cli('capture', '--file', file, secret);
    expect(captured.code, captured.stderr).toBe(0);

    // Wait on the daemon's own account of the work (status is a control-plane call: no SQL).
    let status: DaemonStatus;
    for (;;) {
      const s = await cli('status', '--json');
      expect(s.code).toBe(0);
      status = JSON.parse(s.stdout) as DaemonStatus;
      if (status.queue.done === 2) break;
      await new Promise((r) => setImmediate(r));
    }
    expect(status.counters.capturesStored).toBe(1);
    expect(status.counters.capturesSkipped).toBe(1);
    expect(status.counters.skipsByReason).toEqual({ excluded: 1 });

    const recalled = await cli('recall', 'zanzibar_backoff', '--json');
    expect(recalled.code).toBe(0);
    const hits = JSON.parse(recalled.stdout) as Array<{ path: string; kind: string }>;
    expect(hits.map((h) => h.path)).toEqual([file]);
    expect(hits[0]).toMatchObject({ kind: 'file' });
    // The contract's fields, and the documented extensions (why it matched, exit code, language).
    expect(Object.keys(hits[0]!).sort()).toEqual(['capturedAt', 'exitCode', 'id', 'kind', 'language', 'match', 'path', 'score', 'snippet', 'title']);

    const secretHits = await cli('recall', 'API_TOKEN', '--json');
    expect(JSON.parse(secretHits.stdout)).toEqual([]);

    const rejected = await cli('reload', '--set', 'suspendAfterMs=-1', '--set', 'bogus=1');
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/suspendAfterMs/);
    expect(rejected.stderr).toMatch(/bogus/);

    const applied = await cli('reload', '--set', 'suspendAfterMs=1000');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/suspendAfterMs/);
    const unset = await cli('reload', '--unset', 'suspendAfterMs');
    expect(unset.code, unset.stderr).toBe(0);
    expect(unset.stdout).toMatch(/suspendAfterMs.*1000.*->/);

    const stopped = await cli('stop');
    expect(stopped.code).toBe(0);
    const gone = await cli('status');
    expect(gone.code).toBe(1);
  });

  it('forget, pause and resume, export and import from the command line', async () => {
    dataDir = tempDataDir('dm-cli-forget-');
    env = { ...process.env };
    delete env.DORMOUSE_DATA_DIR;
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ spawnJitterMs: [0, 0], idleExitMs: 0 }));
    expect((await cli('daemon')).code).toBe(0);
    const doneCount = async (n: number) => {
      for (;;) {
        const s = JSON.parse((await cli('status', '--json')).stdout) as DaemonStatus;
        if (s.queue.done >= n) return s;
        await new Promise((r) => setImmediate(r));
      }
    };
    expect((await cli('capture', '--text', 'alpha walrus_one', '--title', 'one')).code).toBe(0);
    expect((await cli('capture', '--text', 'beta walrus_two', '--title', 'two')).code).toBe(0);
    await doneCount(2);

    const paused = await cli('pause', '--for', '1h');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/capture paused until/);
    expect((await cli('status')).stdout).toMatch(/capture paused until \d{4}-/);
    const refused = await cli('capture', '--text', 'while paused');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/capture is paused/);
    expect((await cli('resume')).stdout).toMatch(/not paused/);
    expect((await cli('status')).stdout).not.toMatch(/capture paused/);

    const exported = await cli('export');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/exported 2 memories/);
    const lines = exported.stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { title: string }).title)).toEqual(['one', 'two']);
    const file = join(dataDir, 'memories.jsonl');
    writeFileSync(file, exported.stdout);

    const unconfirmed = await cli('forget', '--all');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const forgotAll = await cli('forget', '--all', '--yes');
    expect(forgotAll.code, forgotAll.stderr).toBe(0);
    expect(forgotAll.stdout).toMatch(/forgot 2 memories/);
    expect(JSON.parse((await cli('recall', 'walrus_one', '--json')).stdout)).toEqual([]);
    expect(readFileSync(join(dataDir, 'dormouse.db')).toString('latin1')).not.toMatch(/walrus_one/);

    const imported = await cli('import', file);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 2, skipped 0/);
    expect((await cli('import', file)).stdout).toMatch(/imported 0, skipped 2/);
    const mixed = join(dataDir, 'mixed.jsonl');
    const third = { ...(JSON.parse(lines[0]!) as object), title: 'three', content: 'gamma walrus_three', capturedAt: new Date().toISOString() };
    writeFileSync(mixed, `${lines[0]}\n{not json\n${JSON.stringify(third)}\n`);
    const partly = await cli('import', mixed);
    expect(partly.code).toBe(2);
    expect(partly.stderr).toMatch(/mixed\.jsonl:2: skipped/);
    expect(partly.stdout).toMatch(/imported 1, skipped 1/);

    const [hit] = JSON.parse((await cli('recall', 'walrus_three', '--json')).stdout) as Array<{ id: number }>;
    const forgotOne = await cli('forget', String(hit!.id), '--yes');
    expect(forgotOne.stdout).toMatch(/forgot 1 memory/);
    expect((await cli('forget', '--before', '2000-01-01', '--yes')).stdout).toMatch(/forgot 0 memories/);
    expect((await cli('forget', '--before', 'soon', '--yes')).code).toBe(2);
  });
});
