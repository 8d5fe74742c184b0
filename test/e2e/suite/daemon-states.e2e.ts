// The daemon's states as the user sees them: hibernating after a short suspend window (and then
// really idle: its SQL counter stops), woken by the command, settings applied live or rejected,
// and the two problem states, a stuck queue (warning colours) and a wedged poll loop (error
// colours, taking priority over stuck), in both the status bar and the tree view.
import * as assert from 'node:assert/strict';
import { test } from './framework';
import * as vscode from 'vscode';
import { bridge, getApi, type StatusBarItemInfo } from './harness';
import type { DormouseTestApi } from '../../../src/extension/api';
import type { DaemonStatus } from '../../../src/shared/status';
import { findTreeNode, saveNewFile, setSetting, waitForPresentation, waitForRunning, waitForStatus } from './steps';

test(
  'with a short suspend window the status bar reaches hibernating and sqlStatements stops moving',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    await setSetting('pollCeilingMs', 500);
    await setSetting('suspendAfterMs', 1500);
    await waitForStatus(api, (s) => s.config.suspendAfterMs === 1500, 'the daemon to apply suspendAfterMs 1500');

    await waitForPresentation(api, ['hibernating'], 30_000);
    const first = await waitForStatus(api, (s) => s.state === 'hibernating', 'a hibernating status');
    // The window arms no probe while the daemon hibernates, so the test asks the daemon itself.
    // A status request is a control-plane call: it runs no SQL. 5 s apart, the counter must not
    // have moved.
    const later = await askStatusUntil(api, (s) => s.uptimeMs >= first.uptimeMs + 5000, 20_000);
    assert.equal(later.state, 'hibernating', 'still hibernating');
    assert.equal(later.counters.sqlStatements, first.counters.sqlStatements, 'no SQL while hibernating');
    assert.equal(later.counters.timersArmed, 0, 'no daemon timers armed while hibernating');

    const item = await bridge.statusBar({ ariaIncludes: 'hibernating', timeoutMs: 10_000 });
    assert.match(item.ariaLabel, /hibernating/);
    await bridge.screenshot('hibernating');
  },
  { timeoutMs: 90_000 },
);

test(
  'Wake daemon from the palette wakes it and the status bar stops showing hibernating',
  async () => {
    const api = await getApi();
    // Where the previous test left it (run alone, the status bar may show any state first).
    const asleep = await bridge.statusBar({ timeoutMs: 10_000 });
    const before = api.status()!.counters.wakes;
    await bridge.palette('Dormouse: Wake daemon');
    const woken = await waitForStatus(api, (s) => s.counters.wakes > before && s.state !== 'hibernating', 'the daemon to wake');
    assert.notEqual(woken.state, 'hibernating');
    // Read again from the page: what the user sees now.
    const item = await bridge.statusBar({ ariaExcludes: 'hibernating', timeoutMs: 15_000 });
    assert.doesNotMatch(item.ariaLabel, /hibernating/, `the status bar left hibernating (it showed ${JSON.stringify(asleep.ariaLabel)})`);
    assert.match(item.ariaLabel, /awake|working|backing off/, `the status bar shows the woken daemon: ${JSON.stringify(item.ariaLabel)}`);
    await bridge.screenshot('woken');
  },
  { timeoutMs: 30_000 },
);

test(
  'changing the suspend window in the Settings editor reloads it live',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    const pid = api.status()!.pid;
    // The user's way: the Settings editor, the setting searched, the value typed.
    await bridge.settingsSet('dormouse.suspendAfterMs', 4000);
    const s = await waitForStatus(api, (x) => x.config.suspendAfterMs === 4000, 'the daemon to apply suspendAfterMs 4000');
    assert.equal(s.pid, pid, 'applied live: same daemon process');
    assert.equal(vscode.workspace.getConfiguration('dormouse').inspect('suspendAfterMs')?.globalValue, 4000, 'the editor wrote the user setting');
    await bridge.screenshot('settings-editor-suspend');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  },
  { timeoutMs: 60_000 },
);

test(
  'an invalid suspend window is rejected with a warning and the old value kept',
  async () => {
    const api = await getApi();
    await setSetting('suspendAfterMs', -5);
    const { messages } = await bridge.notifications({ includes: 'dormouse.suspendAfterMs', timeoutMs: 10_000 });
    assert.ok(messages.some((m) => m.includes('dormouse.suspendAfterMs') && m.includes('keeps 4000')), `a warning names the setting and the kept value: ${JSON.stringify(messages)}`);
    const status = (await api.request('status', {})) as { config: { suspendAfterMs: number } };
    assert.equal(status.config.suspendAfterMs, 4000, 'the daemon kept the old value');
    await bridge.screenshot('invalid-setting');
    await setSetting('suspendAfterMs', 4000);
  },
  { timeoutMs: 30_000 },
);

test(
  'a forced stuck queue shows in the status bar and the tree view',
  async () => {
    const api = await getApi();
    await setSetting('stuckThresholdMs', 1000);
    await setSetting('maxConcurrent', 0);
    await waitForStatus(api, (s) => s.config.maxConcurrent === 0, 'maxConcurrent 0 applied');
    await saveNewFile('stuck.ts', 'export const waitsForever = 1;\n');

    await waitForPresentation(api, ['stuck'], 30_000);
    const item = await bridge.statusBar({ textIncludes: 'stuck', timeoutMs: 10_000 });
    assert.ok(item.text.includes('stuck'));
    assertColours(item, 'warning');
    const queue = await findTreeNode(api, 'Queue');
    assert.match(queue?.description ?? '', /stuck/, 'the Queue section says stuck');
    await bridge.palette('Dormouse: Show Dormouse view');
    const { rows } = await bridge.tree({ timeoutMs: 10_000, textIncludes: 'stuck' });
    assert.ok(rows.some((r) => /stuck/.test(r.text + r.ariaLabel)), `the tree shows the stuck queue: ${JSON.stringify(rows)}`);
    await bridge.screenshot('stuck');

    await setSetting('maxConcurrent', 4);
    await waitForPresentation(api, ['awake', 'working', 'backing-off', 'hibernating'], 30_000);
  },
  { timeoutMs: 90_000 },
);

test(
  'a forced stale loop shows in the status bar and the tree view, before a stuck queue',
  async () => {
    const api = await getApi();
    await setSetting('staleThresholdMs', 1000);
    await waitForStatus(api, (s) => s.config.staleThresholdMs === 1000, 'staleThresholdMs 1000 applied');
    await api.request('debug', { action: 'wedge-loop', loop: 'capture' });
    try {
      await waitForPresentation(api, ['stale'], 30_000);
      const item = await bridge.statusBar({ textIncludes: 'stale', timeoutMs: 10_000 });
      assert.ok(item.text.includes('stale'));
      assertColours(item, 'error');
      const loops = await findTreeNode(api, 'Loops');
      assert.ok(loops?.children?.some((l) => l.label === 'capture' && /stale/.test(l.description ?? '')), 'the capture loop row says stale');
      await bridge.palette('Dormouse: Show Dormouse view');
      const { rows } = await bridge.tree({ timeoutMs: 10_000, textIncludes: 'stale' });
      assert.ok(rows.some((r) => /stale/.test(r.text + r.ariaLabel)), `the tree shows the stale loop: ${JSON.stringify(rows)}`);
      assert.equal(api.supervisorState(), 'running', 'a stale loop is shown, not killed');
      await bridge.screenshot('stale');
    } finally {
      await api.request('debug', { action: 'release-loop', loop: 'capture' });
    }
    await waitForPresentation(api, ['awake', 'working', 'backing-off', 'hibernating'], 30_000);
    await setSetting('staleThresholdMs', undefined);
    await setSetting('stuckThresholdMs', undefined);
  },
  { timeoutMs: 90_000 },
);

/** The item is drawn in the theme's warning (stuck) or error (stale) colours, which differ from the bar's own. */
function assertColours(item: StatusBarItemInfo, kind: 'warning' | 'error'): void {
  const background = item.theme[`statusBarItem.${kind}Background`];
  const foreground = item.theme[`statusBarItem.${kind}Foreground`];
  assert.notEqual(background, item.theme['statusBar.background'], `the theme's ${kind} background differs from the bar's (else this proves nothing): ${JSON.stringify(item.theme)}`);
  assert.equal(item.backgroundColor, background, `the item's background is statusBarItem.${kind}Background: ${JSON.stringify(item)}`);
  assert.equal(item.color, foreground, `the item's text is statusBarItem.${kind}Foreground: ${JSON.stringify(item)}`);
}

/** Asks the daemon for its status every 250 ms until `predicate` holds (a condition, not a fixed sleep). */
async function askStatusUntil(api: DormouseTestApi, predicate: (s: DaemonStatus) => boolean, timeoutMs: number): Promise<DaemonStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await api.request('status', {})) as DaemonStatus;
    if (predicate(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms asking for a status; last: ${JSON.stringify(status).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
