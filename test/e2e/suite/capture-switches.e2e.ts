// The capture switches a user can turn off: dormouse.captureOnSave false makes a save capture
// nothing, dormouse.captureTerminalCommands false makes an ended terminal command capture nothing.
// "Nothing" is checked without sleeping: after the event, a sentinel capture goes through the same
// outbox (first in, first out) and is waited for, then the daemon's queue must be empty; only then
// is the forbidden text looked for. Each test then turns its switch back on and sees the same
// action captured, so the check could have failed.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DormouseTestApi } from '../../../src/extension/api';
import { test } from './framework';
import { getApi, waitForEvent } from './harness';
import { saveNewFile, setSetting, waitForRunning, waitForStatus, waitUntilRecallable, workspaceDir } from './steps';

/** Sets an extension-only setting and waits until this extension host reads it back. */
async function setSwitch(key: string, value: boolean | undefined): Promise<void> {
  const reads = () => vscode.workspace.getConfiguration('dormouse').get<boolean>(key) === (value ?? true);
  const seen = reads()
    ? Promise.resolve()
    : waitForEvent<vscode.ConfigurationChangeEvent>((l) => vscode.workspace.onDidChangeConfiguration(l), () => reads(), 10_000, `dormouse.${key} to read ${String(value)}`);
  await setSetting(key, value);
  await seen;
}

/**
 * A selection capture submitted now (after whatever the step before submitted), waited for until
 * recallable, then until the daemon has worked off its whole queue.
 */
async function sentinel(api: DormouseTestApi, token: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: `${token}\n` });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(0, 0, 0, token.length);
  assert.equal(await vscode.commands.executeCommand('dormouse.captureSelection', { note: 'sentinel' }), true, 'the sentinel was accepted');
  await waitUntilRecallable(api, token);
  await waitForStatus(api, (s) => s.queue.queued === 0 && s.queue.leased === 0, 'the daemon to finish its queue');
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

async function recallCount(api: DormouseTestApi, query: string): Promise<number> {
  return ((await api.request('recall', { query })) as unknown[]).length;
}

/**
 * Saves `name` and waits until the extension has done all it would with the save: its save
 * listener (registered before this one) has run, and the file size it asks the workbench for (a
 * round trip, answered in order) has come back before ours.
 */
async function saveAndSettle(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.file(join(workspaceDir(), 'e2e', name));
  const saved = waitForEvent<vscode.TextDocument>((l) => vscode.workspace.onDidSaveTextDocument(l), (d) => d.uri.fsPath === uri.fsPath, 20_000, `the save of ${name}`);
  const doc = await saveNewFile(name, text);
  await saved;
  await vscode.workspace.fs.stat(uri);
  return doc;
}

test(
  'with dormouse.captureOnSave false a save captures nothing',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    await setSwitch('captureOnSave', false);
    try {
      await saveAndSettle('ocelot-off.ts', 'export const ocelotNotOnSave = 1;\n');
      await sentinel(api, 'sentinelAfterOcelotSave');
      assert.equal(await recallCount(api, 'ocelotNotOnSave'), 0, 'the save was not captured');
    } finally {
      await setSwitch('captureOnSave', undefined);
    }
    // Back on, the same kind of save is captured: the check above could have seen it.
    await saveNewFile('ocelot-on.ts', 'export const ocelotOnSaveAgain = 1;\n');
    await waitUntilRecallable(api, 'ocelotOnSaveAgain');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  },
  { timeoutMs: 60_000 },
);

test(
  'with dormouse.captureTerminalCommands false an ended terminal command captures nothing',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    const terminal = vscode.window.createTerminal({ name: 'dormouse-e2e-switch', cwd: vscode.workspace.workspaceFolders![0]!.uri });
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
      // The extension's listener was registered at activation, before this one: when this one
      // sees the end, the extension has already decided (it submits synchronously).
      const run = async (command: string) => {
        const ended = waitForEvent<vscode.TerminalShellExecutionEndEvent>((l) => vscode.window.onDidEndTerminalShellExecution(l), (e) => e.terminal === terminal, 20_000, `${command} to end`);
        integration.executeCommand(command);
        await ended;
      };
      await setSwitch('captureTerminalCommands', false);
      try {
        await run('echo jaguarNotCaptured');
        await sentinel(api, 'sentinelAfterJaguar');
        assert.equal(await recallCount(api, 'jaguarNotCaptured'), 0, 'the command was not captured');
      } finally {
        await setSwitch('captureTerminalCommands', undefined);
      }
      await run('echo jaguarCapturedAgain');
      await waitUntilRecallable(api, 'jaguarCapturedAgain');
    } finally {
      terminal.dispose();
    }
  },
  { timeoutMs: 60_000 },
);
