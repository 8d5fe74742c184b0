// A saved file becomes a memory, and the user finds it again through "Dormouse: Recall…" (the real
// command palette and quick pick), opening it as a read-only snapshot.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './framework';
import { bridge, getApi, waitForEvent } from './harness';
import { saveNewFile, waitForCapturesStored, waitForRunning, waitForStatus, waitUntilRecallable } from './steps';

test(
  'a saved file becomes recallable through the Recall command',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    const before = (await waitForStatus(api, () => true, 'a status')).counters.capturesStored;

    await saveNewFile('zanzibar.ts', 'export const zanzibarQuokka = "remember me";\n');
    await waitForCapturesStored(api, before, 1);
    await waitUntilRecallable(api, 'zanzibarQuokka'); // the count may include an unrelated save (settings.json)

    await bridge.palette('Dormouse: Recall…', { opensQuickInput: true });
    await bridge.type('zanzibarQuokka');
    // The empty query showed the newest memories first: wait for the answer to the typed one,
    // whose rows say why they matched.
    const { rows } = await bridge.quickPick({ minItems: 1, includes: 'matched', timeoutMs: 15_000 });
    assert.ok(rows.some((r) => `${r.label} ${r.description} ${r.detail}`.includes('zanzibar')), `a result names the file: ${JSON.stringify(rows)}`);
    await bridge.screenshot('recall-quick-pick');

    const opened = waitForEvent<vscode.TextEditor | undefined>(
      (listener) => vscode.window.onDidChangeActiveTextEditor(listener),
      (e) => e?.document.uri.scheme === 'dormouse-memory',
      15_000,
      'the memory to open in an editor',
    );
    await bridge.press('Enter');
    const editor = await opened;
    assert.ok(editor?.document.getText().includes('zanzibarQuokka'), 'the opened memory holds the saved text');
    assert.equal(editor?.document.uri.scheme, 'dormouse-memory', 'memories open read-only (content provider scheme)');
    await bridge.screenshot('recall-opened');
  },
  { timeoutMs: 60_000 },
);
