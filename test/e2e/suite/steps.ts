// Steps the e2e suites share: writing and saving real files in the sample workspace, changing
// settings the way a user does, and waiting for the daemon's status or the status bar to show
// something. All waits are on events (status, presentation, capture flushes), never sleeps.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DormouseTestApi } from '../../../src/extension/api';
import type { StatusValue } from '../../../src/extension/core/status-presentation';
import type { DaemonStatus } from '../../../src/shared/status';
import { bridge, waitForEvent } from './harness';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e run opens a sample workspace folder; none is open');
  return folder.uri.fsPath;
}

/** Creates a file, opens it, changes it in the editor and saves it: a real save event. */
export async function saveNewFile(name: string, text: string): Promise<vscode.TextDocument> {
  const path = join(workspaceDir(), 'e2e', name);
  // Through VS Code's file service, not node:fs: the workbench then knows the file's time on disk,
  // so a late watcher event cannot make the save below look like a conflict (which fails it).
  await vscode.workspace.fs.writeFile(vscode.Uri.file(path), new TextEncoder().encode('// draft\n'));
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), text));
  // A loaded machine can time out another extension's will-save participant (the workbench then
  // fails the save: "Aborted onWillSaveTextDocument-event"); the user would press Save again.
  // A save can also report false for a conflict with a late file event, and a workbench that has
  // only just started (a fresh install's first test) refused three quick saves once: so the API's
  // save alternates with the Save command a user presses, six presses at most.
  for (let attempt = 1; attempt <= 6; attempt++) {
    if (attempt % 2 === 1) {
      if ((await doc.save()) || !doc.isDirty) return doc;
    } else {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('workbench.action.files.save');
      if (!doc.isDirty) return doc;
    }
  }
  throw new Error(`saving ${path} failed six times (still unsaved)`);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('dormouse').update(key, value, vscode.ConfigurationTarget.Global);
}

export function waitForStatus(api: DormouseTestApi, predicate: (s: DaemonStatus) => boolean, what: string, timeoutMs = 20_000): Promise<DaemonStatus> {
  return waitForEvent(api.onDidChangeStatus, (s) => s !== null && predicate(s), timeoutMs, what, () => api.status()) as Promise<DaemonStatus>;
}

export async function waitForPresentation(api: DormouseTestApi, values: StatusValue[], timeoutMs = 20_000) {
  return waitForEvent(
    api.onDidChangePresentation,
    (p) => values.includes(p.value),
    timeoutMs,
    `the status bar to show ${values.join(' or ')}`,
    () => api.presentation(),
  );
}

export async function waitForRunning(api: DormouseTestApi, timeoutMs = 30_000): Promise<void> {
  await waitForEvent(api.onDidChangeSupervisorState, (s) => s === 'running', timeoutMs, 'the supervisor to be running', () => api.supervisorState());
}

/** Waits until the daemon has stored `count` more captures than `from`. */
export function waitForCapturesStored(api: DormouseTestApi, from: number, count: number): Promise<DaemonStatus> {
  return waitForStatus(api, (s) => s.counters.capturesStored >= from + count, `${count} more stored capture(s) than ${from}`);
}

export async function findTreeNode(api: DormouseTestApi, label: string) {
  const roots = await api.treeSnapshot();
  return roots.find((n) => n.label === label);
}

/**
 * Opens the Dormouse view container and waits until its panes show (until then the Explorer's
 * panes, which include a "Timeline" of VS Code's own, may still be the visible ones).
 */
export async function showDormouseView(): Promise<void> {
  await bridge.palette('Dormouse: Show Dormouse view');
  await bridge.tree({ viewTitle: 'Dormouse', minRows: 1, timeoutMs: 15_000 });
}

/**
 * Resolves once `query` finds a memory. Checked again on each status event (a stored capture
 * changes the counters): a count of stored captures alone can include an unrelated one, e.g. the
 * user settings.json an earlier test saved.
 */
export async function waitUntilRecallable(api: DormouseTestApi, query: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (((await api.request('recall', { query })) as unknown[]).length === 0) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`nothing recallable for ${JSON.stringify(query)} within ${timeoutMs} ms`);
    await waitForEvent(api.onDidChangeStatus, () => true, left, `a status while waiting for ${query}`).catch(() => undefined);
  }
}

