// The test-only `debug` method (DORMOUSE_TEST_HOOKS=1) on the real daemon process, and the real
// settings that force a stuck queue: what the extension's end-to-end tests rely on to show a stale
// loop and a stuck queue in the status bar.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DaemonStatus, LoopStatus } from '../../src/shared/status';
import { CLI_SCRIPT, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';
import { pollStatusUntil } from '../helpers/poll-status';

const daemon = useDaemons();

/** The test runner's environment with the hooks on, or surely off (whatever the shell exported). */
function hooksEnv(enabled: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DORMOUSE_TEST_HOOKS;
  if (enabled) env.DORMOUSE_TEST_HOOKS = '1';
  return env;
}

function loop(status: DaemonStatus, name: string): LoopStatus {
  const found = status.loops.find((l) => l.name === name);
  if (!found) throw new Error(`no loop ${name} in the status`);
  return found;
}

/** Staleness is at least a second (the setting's minimum): the quickest a test can see it. */
const STALE_MS = 1000;

describe('daemon test hooks', () => {
  it('a wedged loop is reported stale after the threshold and recovers when released', async () => {
    const d = await daemon({ env: hooksEnv(true), settings: { staleThresholdMs: STALE_MS } });
    expect(readFileSync(d.paths.logFile, 'utf8')).toMatch(/TEST HOOKS ENABLED \(DORMOUSE_TEST_HOOKS=1\)/);
    const client = await d.client();

    expect(await client.request('debug', { action: 'wedge-loop', loop: 'capture' })).toEqual({ loop: 'capture', wedged: true });
    const held = await pollStatusUntil(client, (s) => loop(s, 'capture').inFlight);
    const heldPolls = loop(held, 'capture').polls;

    const stale = await pollStatusUntil(client, (s) => s.health.pollStale);
    expect(stale.health.staleLoops).toEqual(['capture']);
    expect(loop(stale, 'capture')).toMatchObject({ stale: true, inFlight: true, polls: heldPolls });
    expect(loop(stale, 'recall').stale).toBe(false);

    expect(await client.request('debug', { action: 'release-loop', loop: 'capture' })).toEqual({ loop: 'capture', wedged: false });
    const recovered = await pollStatusUntil(client, (s) => !s.health.pollStale && loop(s, 'capture').polls > heldPolls);
    expect(recovered.health.staleLoops).toEqual([]);
    expect(loop(recovered, 'capture').stale).toBe(false);

    // The released loop does real work again.
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'after the wedge' } }] });
    await waitForStatus(client, (s) => s.counters.capturesStored === 1);
  });

  it('debug is refused without DORMOUSE_TEST_HOOKS', async () => {
    const d = await daemon({ env: hooksEnv(false) });
    const client = await d.client();
    await expect(client.request('debug', { action: 'wedge-loop', loop: 'capture' })).rejects.toMatchObject({
      code: 'UNKNOWN_METHOD',
      message: 'debug hooks are disabled; start the daemon with DORMOUSE_TEST_HOOKS=1',
    });
    // Refused means nothing was armed: the capture loop still ticks and finishes its work.
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'no wedge here' } }] });
    const done = await waitForStatus(client, (s) => s.counters.capturesStored === 1);
    expect(loop(done, 'capture').inFlight).toBe(false);
    expect(readFileSync(d.paths.logFile, 'utf8')).not.toMatch(/TEST HOOKS/);
  });

  it('a daemon with a wedged loop still stops cleanly', async () => {
    const d = await daemon({ env: hooksEnv(true), settings: { staleThresholdMs: STALE_MS } });
    const client = await d.client();
    await client.request('debug', { action: 'wedge-loop', loop: 'recall' });
    await pollStatusUntil(client, (s) => loop(s, 'recall').inFlight);

    await client.request('stop', {});
    expect(await d.exited).toBe(0);
    expect(existsSync(d.paths.cleanShutdownMarker)).toBe(true);
    expect(readFileSync(d.paths.logFile, 'utf8')).toMatch(/recall: wedge released \(the held tick continues\)[\s\S]*\bstopped\n/);
  });
});

describe('stuck queue from real settings', () => {
  it('a queue with maxConcurrent 0 and ready jobs is reported stuck', async () => {
    // No test hooks: only settings a user (or the extension's settings sync) can apply live.
    const d = await daemon({ env: hooksEnv(false) });
    const client = await d.client();
    await client.request('reload', { settings: { maxConcurrent: 0, stuckThresholdMs: 1000 } });
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'never leased' } }] });

    const stuck = await waitForStatus(client, (s) => s.health.stuckQueue);
    expect(stuck.health.stuckSince).not.toBeNull();
    expect(stuck.queue.queued).toBe(1);

    // The CLI's `status --json` (the contract the e2e tests and scripts read) says the same.
    const printed = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [CLI_SCRIPT, '--data-dir', d.dataDir, 'status', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.on('close', () => resolve(out));
    });
    const viaCli = JSON.parse(printed) as DaemonStatus;
    expect(viaCli.health).toMatchObject({ stuckQueue: true, stuckSince: stuck.health.stuckSince });
  });
});
