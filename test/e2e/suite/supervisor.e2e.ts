// Killing the daemon: the supervisor notices, restarts it, and the captures made while it was
// down (buffered in the outbox) arrive in the new daemon, each once.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './framework';
import { bridge, getApi, isProcessAlive, waitForEvent } from './harness';
import { waitForCapturesStored, waitForRunning, waitForStatus } from './steps';

test(
  'killing the daemon makes the supervisor restart it and the buffered captures arrive',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    // The editor and its selection first: opening them talks to the workbench (I/O), during which
    // a restarted daemon could already be running.
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'while the daemon was down: pangolinMarmalade\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await waitForRunning(api);
    const oldPid = api.daemonPid()!;
    const down = waitForEvent(api.onDidChangeSupervisorState, (s) => s !== 'running', 10_000, 'the supervisor to notice the daemon died');
    process.kill(oldPid, 'SIGKILL');
    await down;

    // A capture while it is down. From the state change to the submit nothing but promise
    // callbacks run (a command of this extension host runs in it, and the selection command
    // submits before its first await), so no restart can have connected yet: the capture can only
    // wait in the outbox, for the new daemon.
    const flushes: Array<{ count: number; pid: number | null }> = [];
    const flushed = api.onDidFlushCaptures(({ count }) => flushes.push({ count, pid: api.daemonPid() }));
    const accepted = vscode.commands.executeCommand('dormouse.captureSelection', { note: 'buffered one' });
    assert.notEqual(api.supervisorState(), 'running', 'the capture was made while the daemon was down');
    const buffered = api.outboxStats();
    assert.ok(buffered.memory + buffered.spilled >= 1, `the capture waits in the outbox: ${JSON.stringify(buffered)}`);
    assert.equal(await accepted, true, 'the selection command accepted the capture');

    await waitForRunning(api);
    const newPid = api.daemonPid()!;
    assert.notEqual(newPid, oldPid, 'a new daemon process');
    assert.ok(isProcessAlive(newPid));
    assert.ok(!isProcessAlive(oldPid));
    // Replayed from the outbox, then worked off by the new daemon (other saves may queue with it).
    await waitForEvent(api.onDidFlushCaptures, () => api.outboxStats().memory + api.outboxStats().spilled === 0, 15_000, 'the outbox to drain', () => ({ count: 0 }));
    await waitForCapturesStored(api, 0, 1);
    await waitForStatus(api, (s) => s.queue.queued === 0 && s.queue.leased === 0, 'the new daemon to finish the replayed jobs');
    flushed.dispose();
    const hits = (await api.request('recall', { query: 'pangolinMarmalade' })) as unknown[];
    assert.equal(hits.length, 1, 'the buffered capture arrived exactly once');
    assert.ok(flushes.length > 0 && flushes.every((f) => f.pid === newPid), `the outbox sent it to the new daemon only: ${JSON.stringify(flushes)}`);
    const stats = api.outboxStats();
    assert.equal(stats.memory + stats.spilled, 0, 'the outbox is empty again');
    await waitForStatus(api, (s) => s.pid === newPid, 'the status of the new daemon');
    await bridge.screenshot('restarted');
  },
  { timeoutMs: 60_000 },
);

test(
  'a daemon that keeps dying makes the supervisor give up, say so, and Restart daemon brings it back',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    // More than 5 crashes in 3 minutes: kill each daemon as soon as the window is running on it.
    let gaveUp = false;
    for (let crash = 1; crash <= 6 && !gaveUp; crash++) {
      await waitForRunning(api);
      const pid = api.daemonPid()!;
      const next = waitForEvent(api.onDidChangeSupervisorState, (s) => s === 'running' || s === 'given-up', 20_000, `the supervisor to react to crash ${crash}`);
      process.kill(pid, 'SIGKILL');
      gaveUp = (await next) === 'given-up';
    }
    assert.equal(api.supervisorState(), 'given-up', 'the sixth crash in 3 minutes spends the budget');

    await bridge.statusBar({ textIncludes: 'given up', timeoutMs: 10_000 });
    const { messages } = await bridge.notifications({ includes: 'not restarting it', timeoutMs: 10_000 });
    assert.ok(messages.some((m) => /crashed \d+ times in 3 minutes/.test(m)), `the user is told why: ${JSON.stringify(messages)}`);
    await bridge.palette('Dormouse: Show Dormouse view');
    const { welcome } = await bridge.tree({ welcomeIncludes: 'no longer restarted', timeoutMs: 10_000 });
    assert.match(welcome, /Restart daemon/);
    await bridge.screenshot('given-up');

    await bridge.palette('Dormouse: Restart daemon');
    await waitForRunning(api);
    await bridge.tree({ textIncludes: 'Daemon', minRows: 1, timeoutMs: 10_000 });
    await bridge.screenshot('restarted-after-given-up');
  },
  { timeoutMs: 120_000 },
);
