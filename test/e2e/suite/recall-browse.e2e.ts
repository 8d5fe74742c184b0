// Browsing the memory as a user does: the Recall quick pick with an empty query (the newest
// memories) and with a filter typed in the query language; the Timeline view grouped by day;
// Restore of a file snapshot into its editor, undone by the real Undo; Forget from the Timeline's
// context menu (with its modal); and Pause / Resume capture from the palette, shown in the
// status bar, with a save during the pause never captured.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './framework';
import { bridge, getApi, waitForEvent } from './harness';
import { saveNewFile, waitForCapturesStored, waitForRunning, waitForStatus, workspaceDir, showDormouseView, waitUntilRecallable } from './steps';
import { errorMessage } from '../../../src/shared/error-message';

type Hit = { id: number; kind: string; title: string };
const recall = async (api: Awaited<ReturnType<typeof getApi>>, query: string, extra: object = {}) =>
  (await api.request('recall', { query, ...extra })) as Hit[];

/** Resolves once the tree's Recall section shows `name`'s memories and no search is in flight. */
async function waitForSettledRecall(api: Awaited<ReturnType<typeof getApi>>, name: string): Promise<void> {
  const settled = async () => {
    const recallNode = (await api.treeSnapshot()).find((n) => n.label === 'Recall');
    return !!recallNode && !String(recallNode.description).includes('searching') &&
      (recallNode.children ?? []).some((g) => (g.children ?? []).some((c) => c.label === name));
  };
  // Checked again on each redraw of the tree (status events, recall answers).
  const deadline = Date.now() + 15_000;
  while (!(await settled())) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the Recall section did not list ${name} within 15 s: ${JSON.stringify(await api.treeSnapshot()).slice(0, 500)}`);
    await waitForEvent(api.onDidChangeTree, () => true, left, `a redraw of the tree`).catch(() => undefined);
  }
}

/** Captures stored so far, once connected (each test can run alone: DORMOUSE_E2E_ONLY). */
async function storedNow(api: Awaited<ReturnType<typeof getApi>>): Promise<number> {
  await waitForRunning(api);
  return (await waitForStatus(api, () => true, 'a status')).counters.capturesStored;
}

/**
 * Answers the "are you sure?" question. VS Code refuses modal dialogs while it runs extension
 * tests, so under DORMOUSE_TEST_HOOKS the extension asks in a quick pick (src/extension/ui/confirm.ts):
 * the question's text is checked, then its first row (the go-ahead button) is clicked.
 */
async function answer(button: string, questionIncludes: string): Promise<void> {
  const { rows } = await bridge.quickPick({ minItems: 2, includes: questionIncludes, timeoutMs: 15_000 });
  assert.equal(rows[0]!.label, button, `the question offers ${button} first: ${JSON.stringify(rows)}`);
  await bridge.quickPickChoose(button);
}

/**
 * Runs a row's context-menu entry and answers the question it asks. The menu is opened again
 * (three times at most) when no question follows: a click that lands while the tree redraws the
 * row is lost, which is the harness's race, not the command's.
 */
async function contextMenuThenAnswer(
  row: string, item: string, viewTitle: string, button: string, questionIncludes: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await bridge.treeContextMenu(row, item, { viewTitle, timeoutMs: 20_000 });
    const asked = await bridge.quickPick({ minItems: 2, includes: questionIncludes, timeoutMs: attempt < 3 ? 6_000 : 15_000 }).then(() => true, (error: unknown) => {
      if (attempt >= 3) throw error;
      return false;
    });
    if (!asked) continue;
    await answer(button, questionIncludes);
    return;
  }
}

test(
  'Recall with an empty query lists the newest memories; kind:terminal typed in lists only terminal commands',
  async () => {
    const api = await getApi();
    const before = await storedNow(api);
    // A terminal command as shell integration would send it (the terminal itself is ui.e2e's test).
    await api.request('enqueue', {
      jobs: [{ kind: 'capture', payload: { type: 'terminal', commandLine: 'echo browseKiwiCommand', exitCode: 0, cwd: workspaceDir(), capturedAt: Date.now() } }],
    });
    await saveNewFile('browseOkapi.ts', 'export const browseOkapiLine = 1;\n');
    await waitForCapturesStored(api, before, 2);
    await waitUntilRecallable(api, 'browseOkapiLine');
    await waitUntilRecallable(api, 'browseKiwiCommand');

    await bridge.palette('Dormouse: Recall…', { opensQuickInput: true });
    const newest = await bridge.quickPick({ minItems: 2, includes: 'browseOkapi.ts', timeoutMs: 15_000 });
    assert.ok(newest.rows.some((r) => r.label.includes('echo browseKiwiCommand')), `the newest include the command: ${JSON.stringify(newest.rows)}`);
    assert.ok(newest.rows[0]!.description.includes('ago') || newest.rows[0]!.description.includes('just now'), `each row says when: ${JSON.stringify(newest.rows[0])}`);
    await bridge.screenshot('recall-browse-newest');

    // The title bar's kind button writes the filter into the query, where the user sees it.
    await bridge.quickPickButton('(kind:terminal)');
    const terminals = await bridge.quickPick({ minItems: 1, includes: 'browseKiwiCommand', excludes: 'browseOkapi.ts', timeoutMs: 15_000 });
    assert.equal(terminals.value, 'kind:terminal ', 'the button put kind:terminal into the query');
    assert.ok(terminals.rows.every((r) => !r.label.includes('.ts')), `only terminal commands: ${JSON.stringify(terminals.rows)}`);
    await bridge.screenshot('recall-browse-kind-terminal');
    // Pressed again it takes the filter out: the newest of every kind again.
    await bridge.quickPickButton('(remove kind:terminal)');
    const all = await bridge.quickPick({ minItems: 2, includes: 'browseOkapi.ts', timeoutMs: 15_000 });
    assert.equal(all.value, '');
    await bridge.press('Escape');

    // The same filter typed in the query language.
    await bridge.palette('Dormouse: Recall…', { opensQuickInput: true });
    await bridge.type('kind:terminal browseKiwi');
    await bridge.quickPick({ minItems: 1, includes: 'browseKiwiCommand', excludes: 'browseOkapi.ts', timeoutMs: 15_000 });
    await bridge.press('Escape');

    // A bad filter value is shown in place of the results, naming the word.
    await bridge.palette('Dormouse: Recall…', { opensQuickInput: true });
    await bridge.type('since:banana');
    await bridge.quickPick({ minItems: 1, includes: 'since:banana', timeoutMs: 10_000 });
    await bridge.screenshot('recall-browse-bad-filter');
    await bridge.press('Escape');
  },
  { timeoutMs: 60_000 },
);

test(
  "the Timeline shows today's group with a saved file",
  async () => {
    const api = await getApi();
    const before = await storedNow(api);
    await saveNewFile('timelineTapir.ts', 'export const timelineTapir = 1;\n');
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'timelineTapir');
    await showDormouseView();
    await bridge.pane('Timeline', true);
    const { rows } = await bridge.tree({ viewTitle: 'Timeline', textIncludes: 'timelineTapir.ts', timeoutMs: 15_000 });
    assert.ok(rows.some((r) => r.text.startsWith('Today')), `a Today group: ${JSON.stringify(rows)}`);
    const today = (await api.timelineSnapshot()).find((n) => n.label === 'Today');
    assert.ok(today?.children?.some((g) => g.label === 'timelineTapir.ts'), 'the file is grouped under Today');
    await bridge.screenshot('timeline-today');
  },
  { timeoutMs: 60_000 },
);

test(
  'Restore puts the snapshot into the editor (asking first over unsaved changes) and Undo reverts it',
  async () => {
    const api = await getApi();
    const before = await storedNow(api);
    const v1 = 'export const restoreIbis = "first version";\n';
    const v2 = 'export const restoreIbis = "unsaved second version";\n';
    const doc = await saveNewFile('restoreIbis.ts', v1);
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'restoreIbis');
    const [hit] = await recall(api, 'restoreIbis', { kind: 'file' });
    assert.ok(hit, 'the snapshot is recallable');

    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), v2));
    assert.ok(doc.isDirty);

    const restored = vscode.commands.executeCommand<boolean>('dormouse.restoreMemory', hit.id);
    await answer('Restore', 'unsaved changes');
    assert.equal(await restored, true);
    assert.equal(doc.getText(), v1, 'the editor holds the snapshot');
    await bridge.screenshot('restore-applied');

    const undone = waitForEvent<vscode.TextDocumentChangeEvent>(
      (listener) => vscode.workspace.onDidChangeTextDocument(listener),
      (e) => e.document === doc && doc.getText() === v2,
      10_000,
      'Undo to bring the unsaved text back',
    );
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await undone;
    await bridge.screenshot('restore-undone');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  },
  { timeoutMs: 60_000 },
);

test(
  "Forget this memory from the Recall section's context menu asks, then the row goes and recall no longer finds it",
  async () => {
    const api = await getApi();
    const before = await storedNow(api);
    const doc = await saveNewFile('forgetKoala.ts', 'export const forgetKoalaWord = 1;\n');
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'forgetKoalaWord');
    assert.equal((await recall(api, 'forgetKoalaWord')).length, 1, 'recallable before');
    // Focus another file and come back: the focus change asks for the file's memories again.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'scratch' }));
    await vscode.window.showTextDocument(doc);
    await showDormouseView();
    await bridge.pane('Timeline', false); // lists render only the rows in view
    try {
      // The section settled (its answer arrived): a row redrawn under the menu would be another element.
      await waitForSettledRecall(api, 'forgetKoala.ts');
      await bridge.tree({ viewTitle: 'Dormouse', textIncludes: 'forgetKoala.ts: file', timeoutMs: 15_000 });
      await contextMenuThenAnswer('forgetKoala.ts: file', 'Forget this memory', 'Dormouse', 'Forget', 'forgetKoala.ts').catch(async (error: unknown) => {
        // Say what the window said instead (a failed command shows an error notification).
        const { messages } = await bridge.notifications({ timeoutMs: 2_000 }).catch(() => ({ messages: [] as string[] }));
        throw new Error(`${errorMessage(error)}; notifications: ${JSON.stringify(messages)}`);
      });
      await bridge.tree({ viewTitle: 'Dormouse', textExcludes: 'forgetKoala.ts: file', minRows: 1, timeoutMs: 15_000 });
      await bridge.screenshot('forget-from-recall-section');
      assert.equal((await recall(api, 'forgetKoalaWord')).length, 0, 'recall no longer finds it');
    } finally {
      await bridge.pane('Timeline', true).catch(() => undefined); // never hide the test's own failure
    }
  },
  { timeoutMs: 60_000 },
);

test(
  'Forget every memory of a file from the Timeline context menu asks, then the file leaves the Timeline',
  async () => {
    const api = await getApi();
    const before = await storedNow(api);
    await saveNewFile('forgetWombat.ts', 'export const forgetWombatWord = 1;\n');
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'forgetWombatWord');
    await showDormouseView();
    await bridge.pane('Timeline', true);
    await bridge.tree({ viewTitle: 'Timeline', textIncludes: 'forgetWombat.ts', timeoutMs: 15_000 });

    await contextMenuThenAnswer('forgetWombat.ts', 'Forget every memory of this file', 'Timeline', 'Forget all of this file', 'forgetWombat.ts');
    await bridge.tree({ viewTitle: 'Timeline', textExcludes: 'forgetWombat.ts', minRows: 1, timeoutMs: 15_000 });
    await bridge.screenshot('forget-from-timeline');
    assert.equal((await recall(api, 'forgetWombatWord')).length, 0, 'recall no longer finds it');
  },
  { timeoutMs: 60_000 },
);

test(
  'Pause shows "paused" in the status bar and a save during the pause is not captured; Resume restores capture',
  async () => {
    const api = await getApi();
    await bridge.palette('Dormouse: Pause capture…', { opensQuickInput: true });
    await bridge.quickPick({ minItems: 4, includes: 'For 15 minutes' });
    await bridge.quickPickChoose('For 15 minutes');
    const paused = await bridge.statusBar({ textIncludes: 'paused until', timeoutMs: 10_000 });
    assert.match(paused.ariaLabel, /capture paused until/);
    assert.equal(api.capturePause().paused, true);
    await bridge.screenshot('capture-paused');

    const storedBefore = await storedNow(api);
    const bufferedBefore = api.outboxStats().memory + api.outboxStats().spilled;
    await saveNewFile('pausedYak.ts', 'export const pausedYakWord = 1;\n');
    assert.equal(api.outboxStats().memory + api.outboxStats().spilled, bufferedBefore, 'nothing buffered while paused');

    await bridge.palette('Dormouse: Resume capture');
    await bridge.statusBar({ textExcludes: 'paused', timeoutMs: 10_000 });
    assert.equal(api.capturePause().paused, false);
    await bridge.screenshot('capture-resumed');

    // Captures are sent in order: once the save after Resume is stored, one from the pause would have been too.
    await saveNewFile('resumedYak.ts', 'export const resumedYakWord = 1;\n');
    await waitForCapturesStored(api, storedBefore, 1);
    await waitUntilRecallable(api, 'resumedYakWord');
    assert.equal((await recall(api, 'pausedYakWord')).length, 0, 'the save during the pause was never captured');
  },
  { timeoutMs: 60_000 },
);
