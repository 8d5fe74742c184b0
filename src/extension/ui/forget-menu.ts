// "Dormouse: Forget…" from the palette: this memory (the one open in the editor), every memory of
// this file (the active editor's file, or the file the open memory snapshots), everything older
// than an age, or everything. The choice goes to MemoryActions.forget, which asks again (modal).
// A memory of another machine (a shared store's) is not offered as "This memory": it is forgotten
// on the machine that captured it (core/memory-ref.ts).
import * as vscode from 'vscode';
import type { ForgetTarget } from '../../shared/protocol';
import { FORGET_AGES } from '../core/memory-actions';
import type { MemoryRef } from '../core/memory-ref';
import { MEMORY_SCHEME, memoryRefOf } from '../recall/memory-documents';

export interface ForgetChoice {
  target: ForgetTarget;
  label?: string;
}

/** The memory open in the active editor (a dormouse-memory: document), if any. */
export function activeMemoryRef(): MemoryRef | null {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === MEMORY_SCHEME ? memoryRefOf(uri) : null;
}

export async function chooseForgetTarget(now: number, pathOfMemory: (id: number) => Promise<string | null>): Promise<ForgetChoice | undefined> {
  const editorUri = vscode.window.activeTextEditor?.document.uri;
  const active = activeMemoryRef();
  const memoryId = active && active.machineId === undefined ? active.id : null;
  const filePath = editorUri?.scheme === 'file' ? editorUri.fsPath : memoryId !== null ? await pathOfMemory(memoryId).catch(() => null) : null;
  type Item = vscode.QuickPickItem & { pick: () => Promise<ForgetChoice | undefined> };
  const items: Item[] = [];
  if (memoryId !== null) {
    const name = editorUri!.path.split('/').pop();
    items.push({ label: '$(trash) This memory', description: name, pick: async () => ({ target: { id: memoryId }, ...(name ? { label: name } : {}) }) });
  }
  if (filePath) {
    items.push({ label: '$(file) Every memory of this file', description: vscode.workspace.asRelativePath(filePath), pick: async () => ({ target: { path: filePath }, label: vscode.workspace.asRelativePath(filePath) }) });
  }
  items.push({
    label: '$(history) Everything older than…',
    pick: async () => {
      const age = await vscode.window.showQuickPick(FORGET_AGES.map((a) => ({ label: a.label, days: a.days })), { title: 'Dormouse: Forget everything older than…' });
      return age ? { target: { before: now - age.days * 86_400_000 } } : undefined;
    },
  });
  items.push({ label: '$(warning) Everything', description: 'every memory, every workspace', pick: async () => ({ target: { all: true } }) });
  const chosen = await vscode.window.showQuickPick(items, { title: 'Dormouse: Forget…', placeHolder: 'What should Dormouse forget? (you are asked again before anything is deleted)' });
  return chosen ? chosen.pick() : undefined;
}
