// Smoke test: the extension activates in a real VS Code, forks the daemon, connects, and the user
// can see it in the status bar.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bridge, getApi, isProcessAlive, waitForEvent } from './harness';
import { test } from './framework';

test(
  'activation starts the daemon and the status bar shows it',
  async () => {
    const api = await getApi();
    await waitForEvent(api.onDidChangeSupervisorState, (s) => s === 'running', 30_000, 'the supervisor to reach "running"', () => api.supervisorState());

    const status = await waitForEvent(api.onDidChangeStatus, (s) => s !== null, 10_000, 'a first daemon status', () => api.status());
    assert.ok(status, 'a connected supervisor has a daemon status');
    assert.ok(isProcessAlive(status.pid), `the daemon's reported pid ${status.pid} is a live process`);

    // The host's item text reaches the DOM asynchronously: the bridge waits for it, never sleeps.
    const item = await bridge.statusBar({ textIncludes: 'Dormouse', timeoutMs: 15_000 });
    assert.ok(item.text.includes('Dormouse'), `status bar text ${JSON.stringify(item.text)} names Dormouse`);

    await bridge.screenshot('awake');

    // The real extension host's activation time, for `npm run bench` to print beside its own figures.
    const results = process.env.DORMOUSE_E2E_RESULTS;
    if (results) {
      const file = join(dirname(dirname(results)), 'activation.json');
      writeFileSync(file, JSON.stringify({ activationMs: api.activationMs, vscode: process.env.VSCODE_VERSION ?? null, at: new Date().toISOString() }) + '\n');
    }
    assert.ok(api.activationMs < 500, `activate() returned in ${api.activationMs.toFixed(1)} ms without waiting for the daemon`);
  },
  { timeoutMs: 60_000 },
);
