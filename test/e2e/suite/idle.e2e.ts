// Auto-hibernate: after dormouse.editorIdleMs without editor activity the window asks the daemon to
// hibernate (even though the daemon's own suspend window is far away); the next keystroke wakes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './framework';
import { bridge, getApi } from './harness';
import { setSetting, waitForPresentation, waitForRunning, waitForStatus } from './steps';

test(
  'an idle editor hibernates the daemon and the next keystroke wakes it',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    await setSetting('suspendAfterMs', 600_000);
    await waitForStatus(api, (s) => s.config.suspendAfterMs === 600_000, 'a long suspend window');
    const doc = await vscode.workspace.openTextDocument({ content: 'idle test\n' });
    const editor = await vscode.window.showTextDocument(doc);
    await setSetting('editorIdleMs', 1500);

    await waitForPresentation(api, ['hibernating'], 20_000);
    await bridge.screenshot('editor-idle-hibernating');
    const wakesBefore = api.status()!.counters.wakes;

    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'x'));
    const woken = await waitForStatus(api, (s) => s.counters.wakes > wakesBefore && s.state !== 'hibernating', 'the keystroke to wake the daemon');
    assert.notEqual(woken.state, 'hibernating');

    await setSetting('editorIdleMs', undefined);
    await setSetting('suspendAfterMs', 4000);
  },
  { timeoutMs: 60_000 },
);
