// The rest of what the user touches: the status bar's click menu, the tree's Recall section
// (opening a memory read-only and comparing it with the file), Capture selection with a note and
// a terminal command, each found again through the Recall quick pick, and a restart-required
// setting whose offered restart is clicked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './framework';
import { bridge, getApi, isProcessAlive, waitForEvent } from './harness';
import { saveNewFile, setSetting, waitForCapturesStored, waitForRunning, waitForStatus, showDormouseView, waitUntilRecallable } from './steps';

test(
  'clicking the status bar offers the actions that fit the state',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    await bridge.clickStatusBar();
    const { rows } = await bridge.quickPick({ minItems: 3 });
    const labels = rows.map((r) => r.label);
    assert.ok(labels.includes('Recall…'), `offers Recall…: ${JSON.stringify(labels)}`);
    assert.ok(labels.includes('Show daemon log'), `offers Show daemon log: ${JSON.stringify(labels)}`);
    assert.ok(labels.includes(api.presentation().actions[0]!.title), 'the state\'s own first action is offered');
    await bridge.screenshot('status-actions');
    await bridge.press('Escape');
  },
  { timeoutMs: 30_000 },
);

test(
  'the Recall section lists memories of the active file; a row opens the snapshot read-only and compare shows a diff',
  async () => {
    const api = await getApi();
    const before = (await waitForStatus(api, () => true, 'a daemon status')).counters.capturesStored;
    const doc = await saveNewFile('okapi.ts', 'export const okapiLantern = 1;\n');
    await waitForCapturesStored(api, before, 1);
    // Focus another file and come back: the focus change asks for related memories again.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'scratch' }));
    await vscode.window.showTextDocument(doc);
    const section = await waitForTree(api, (s) =>
      s.some((n) => n.label === 'Recall' && (n.children ?? []).some((g) => g.label === 'Earlier versions' && (g.children ?? []).some((c) => c.label.includes('okapi')))),
    );
    assert.ok(section);

    await showDormouseView();
    // Lists render only the rows in view: the Timeline below takes half the side bar otherwise.
    await bridge.pane('Timeline', false);
    const opened = waitForEvent<vscode.TextEditor | undefined>(
      (listener) => vscode.window.onDidChangeActiveTextEditor(listener),
      (e) => e?.document.uri.scheme === 'dormouse-memory',
      15_000,
      'the memory to open from the tree',
    );
    await bridge.clickTreeRow('okapi.ts: file', { timeoutMs: 15_000 });
    const editor = await opened;
    assert.ok(editor?.document.getText().includes('okapiLantern'), 'the snapshot holds the saved text');
    await bridge.screenshot('tree-recall-opened');

    const id = Number(editor!.document.uri.path.split('/')[1]);
    const diffOpened = waitForEvent<vscode.TabChangeEvent>(
      (listener) => vscode.window.tabGroups.onDidChangeTabs(listener),
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff,
      15_000,
      'a diff editor',
    );
    await vscode.commands.executeCommand('dormouse.compareMemory', id);
    await diffOpened;
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'dormouse-memory', 'the memory on the left');
    assert.equal(input.modified.fsPath, doc.uri.fsPath, 'the current file on the right');
    await bridge.screenshot('tree-recall-compare');
    await bridge.pane('Timeline', true);
  },
  { timeoutMs: 60_000 },
);

test(
  'Capture selection stores the selected text with its note',
  async () => {
    const api = await getApi();
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the capybaraSemaphore trick\nsecond line\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const before = (await waitForStatus(api, () => true, 'a daemon status')).counters.capturesStored;
    // The command shows only when the focused editor has a selection (editorHasSelection): focus
    // the editor first, as the user's click would; the previous test may have left focus in a view.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await bridge.palette('Dormouse: Capture selection', { opensQuickInput: true });
    await bridge.type('remember the narwhalProtocol');
    await bridge.press('Enter');
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'narwhalProtocol');
    // Found again the user's way: by its note, then by the selected text, each opening the selection.
    const byNote = await recallThroughQuickPick('narwhalProtocol', 'narwhalProtocol');
    assert.ok(byNote.includes('capybaraSemaphore'), `the memory found by its note holds the selection: ${byNote}`);
    const byText = await recallThroughQuickPick('capybaraSemaphore', 'capybaraSemaphore');
    assert.ok(byText.includes('the capybaraSemaphore trick'), `the memory found by its text is the selection: ${byText}`);
  },
  { timeoutMs: 60_000 },
);

test(
  'a terminal command that ends is captured with its exit code',
  async () => {
    const api = await getApi();
    const terminal = vscode.window.createTerminal({ name: 'dormouse-e2e', cwd: vscode.workspace.workspaceFolders![0]!.uri });
    try {
      terminal.show();
      const integration =
        terminal.shellIntegration ??
        (
          await waitForEvent<vscode.TerminalShellIntegrationChangeEvent>(
            (listener) => vscode.window.onDidChangeTerminalShellIntegration(listener),
            (e) => e.terminal === terminal,
            20_000,
            'shell integration in the new terminal',
          )
        ).shellIntegration;
      const before = (await waitForStatus(api, () => true, 'a daemon status')).counters.capturesStored;
      const ended = waitForEvent<vscode.TerminalShellExecutionEndEvent>(
        (listener) => vscode.window.onDidEndTerminalShellExecution(listener),
        (e) => e.terminal === terminal,
        20_000,
        'the command to end',
      );
      integration.executeCommand('echo wombatTelemetry && false');
      const end = await ended;
      assert.equal(end.exitCode, 1);
      await waitForCapturesStored(api, before, 1);
      await waitUntilRecallable(api, 'wombatTelemetry');
      await bridge.screenshot('terminal-captured');
      const opened = await recallThroughQuickPick('kind:terminal wombatTelemetry', 'echo wombatTelemetry');
      assert.ok(opened.includes('echo wombatTelemetry && false'), `the opened memory is the command line: ${opened}`);
    } finally {
      terminal.dispose();
    }
  },
  { timeoutMs: 60_000 },
);

test(
  "a restart-required setting offers a restart, and the offer's button restarts the daemon with it",
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    const oldPid = api.daemonPid()!;
    await setSetting('ipcMaxMessageBytes', 2_097_152);
    await waitForStatus(api, (s) => s.pendingRestart.includes('ipcMaxMessageBytes'), 'the daemon to list ipcMaxMessageBytes as pending a restart');
    const { messages } = await bridge.notifications({ includes: 'after the daemon restarts', timeoutMs: 10_000 });
    assert.ok(messages.some((m) => m.includes('dormouse.ipcMaxMessageBytes')), `the offer names the setting: ${JSON.stringify(messages)}`);
    await bridge.screenshot('restart-offered');

    await bridge.notificationAction('dormouse.ipcMaxMessageBytes', 'Restart daemon');
    const restarted = await waitForStatus(api, (s) => s.pid !== oldPid, 'a status from a new daemon process', 30_000);
    await waitForRunning(api);
    assert.equal(restarted.config.ipcMaxMessageBytes, 2_097_152, 'the new daemon runs with the setting');
    assert.deepEqual(restarted.pendingRestart, [], 'nothing waits for a restart any more');
    assert.ok(isProcessAlive(restarted.pid), 'the new daemon is alive');
    // restart() waits until the old process is gone before it starts the new one.
    assert.ok(!isProcessAlive(oldPid), `the old daemon (pid ${oldPid}) is gone`);
    await bridge.screenshot('restarted-for-setting');
    await setSetting('ipcMaxMessageBytes', undefined);
  },
  { timeoutMs: 60_000 },
);

/**
 * Dormouse: Recall…, `query` typed, waits for the answer's row whose text includes `rowIncludes`,
 * chooses it (a click) and returns the text of the memory it opens.
 */
async function recallThroughQuickPick(query: string, rowIncludes: string): Promise<string> {
  await bridge.palette('Dormouse: Recall…', { opensQuickInput: true });
  await bridge.quickInputFill(query);
  // Rows of the typed query say why they matched (the empty query's newest-first rows do not).
  const { rows } = await bridge.quickPick({ minItems: 1, includes: 'matched', timeoutMs: 15_000 });
  // A selection's row is labelled by its place ("selection:0"); its note is in the accessibility label.
  const row = rows.find((r) => `${r.label} ${r.description} ${r.detail} ${r.ariaLabel}`.toLowerCase().includes(rowIncludes.toLowerCase()));
  assert.ok(row, `a row for ${JSON.stringify(query)} includes ${JSON.stringify(rowIncludes)}: ${JSON.stringify(rows)}`);
  const opened = waitForEvent<vscode.TextEditor | undefined>(
    (listener) => vscode.window.onDidChangeActiveTextEditor(listener),
    (e) => e?.document.uri.scheme === 'dormouse-memory',
    15_000,
    `the memory chosen for ${JSON.stringify(query)} to open`,
  );
  await bridge.quickPickChoose(row.label);
  const text = (await opened)!.document.getText();
  // Closed again: the same memory chosen next time must open (and be seen opening) afresh.
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return text;
}

async function waitForTree(api: Awaited<ReturnType<typeof getApi>>, predicate: (roots: Awaited<ReturnType<typeof api.treeSnapshot>>) => boolean) {
  // Checked again each time the tree is redrawn (status and recall events).
  const check = async () => predicate(await api.treeSnapshot());
  if (await check()) return true;
  return new Promise<boolean>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('timed out waiting for the tree'));
    }, 20_000);
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      sub.dispose();
      outcome();
    };
    // The event ignores what a listener returns: a snapshot that fails rejects the wait, never goes unhandled.
    const sub = api.onDidChangeTree(() => {
      check().then((done) => done && settle(() => resolve(true)), (error: unknown) => settle(() => reject(error)));
    });
  });
}
