// What a memory can be used for besides reading it: Restore a file snapshot into its editor,
// Copy any memory, Re-run a terminal command, and Forget. Everything that changes something asks
// first (modal); Restore is one WorkspaceEdit over the whole document, so Undo brings back what
// was there, and the file is left unsaved for the user to review. Another machine's memory (a
// shared store's hit) is read from there for Restore, Copy and Re-run; Forget refuses it
// (core/memory-ref.ts: it is forgotten on the machine that captured it).
import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ForgetTarget, MemoryRecord } from '../../shared/protocol';
import { commandLineOf, forgetPrompt } from '../core/memory-actions';
import { type MemoryRef, forgetRefusal, memoryKey } from '../core/memory-ref';
import type { Confirm } from '../ui/confirm';
import type { FetchMemory } from './memory-documents';

export interface MemoryActionsDeps {
  fetch: FetchMemory;
  forget(target: ForgetTarget): Promise<{ forgotten: number }>;
  /** After a forget: redraw whatever lists memories. */
  onForgotten(): void;
  now(): number;
  confirm: Confirm;
}

async function need(fetch: FetchMemory, ref: MemoryRef): Promise<MemoryRecord> {
  const memory = await fetch(ref);
  if (!memory) throw new Error(`memory ${memoryKey(ref)} no longer exists${ref.machineId !== undefined ? ' or is not shared with you' : ''}`);
  return memory;
}

const when = (m: MemoryRecord) => new Date(m.capturedAt).toLocaleString();

export class MemoryActions {
  constructor(private readonly deps: MemoryActionsDeps) {}

  /** Restore: the snapshot replaces the document's text (opened when closed); asks first when it has unsaved changes. */
  async restore(ref: MemoryRef): Promise<boolean> {
    const memory = await need(this.deps.fetch, ref);
    if (memory.kind !== 'file' || !memory.path) throw new Error('only file snapshots can be restored');
    if (memory.truncated) throw new Error('this snapshot is larger than dormouse.ipcMaxMessageBytes and arrived cut short; restoring it would lose the rest');
    const uri = vscode.Uri.file(memory.path);
    const doc = await vscode.workspace.openTextDocument(uri);
    const name = memory.path.split(/[\\/]/).pop();
    if (doc.isDirty) {
      const ok = await this.deps.confirm({
        message: `${name} has unsaved changes. Replace them with the snapshot of ${when(memory)}?`,
        detail: 'Undo in the editor brings the current text back.',
        button: 'Restore',
      });
      if (!ok) return false;
    }
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    if (doc.getText() === memory.content) {
      vscode.window.setStatusBarMessage(`$(history) Dormouse: ${name} already matches the snapshot of ${when(memory)}`, 4000);
      return true;
    }
    const edit = new vscode.WorkspaceEdit();
    const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    edit.replace(uri, all, memory.content);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`the editor refused the edit to ${name}`);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    vscode.window.setStatusBarMessage(`$(history) Dormouse: restored ${name} from ${when(memory)} (not saved; Undo reverts)`, 6000);
    return true;
  }

  async copy(ref: MemoryRef): Promise<void> {
    const memory = await need(this.deps.fetch, ref);
    await vscode.env.clipboard.writeText(memory.kind === 'terminal' ? commandLineOf(memory) : memory.content);
    vscode.window.setStatusBarMessage(`$(copy) Dormouse: copied ${memory.kind === 'terminal' ? 'the command' : memory.title}`, 3000);
  }

  /** Re-run: the command line goes to a new terminal in its old folder, after a modal confirmation. */
  async rerun(ref: MemoryRef): Promise<boolean> {
    const memory = await need(this.deps.fetch, ref);
    if (memory.kind !== 'terminal') throw new Error('only terminal commands can be re-run');
    const command = commandLineOf(memory);
    const cwd = memory.path && existsSync(memory.path) && statSync(memory.path).isDirectory() ? memory.path : undefined;
    const ok = await this.deps.confirm({ message: 'Run this command again?', detail: `${command}${cwd ? `\n\nin ${cwd}` : ''}`, button: 'Run' });
    if (!ok) return false;
    const terminal = vscode.window.createTerminal({ name: 'Dormouse: re-run', ...(cwd ? { cwd } : {}) });
    terminal.show();
    terminal.sendText(command, true);
    return true;
  }

  /** Forget one memory: refused (an error saying why) for another machine's, before anything is asked. */
  forgetMemory(ref: MemoryRef, label?: string): Promise<boolean> {
    const refusal = forgetRefusal(ref);
    if (refusal) return Promise.reject(new Error(refusal));
    return this.forget({ id: ref.id }, label);
  }

  /** Forget with a modal confirmation; true once the daemon deleted it. */
  async forget(target: ForgetTarget, label?: string): Promise<boolean> {
    const prompt = forgetPrompt(target, label, this.deps.now());
    if (!(await this.deps.confirm({ message: prompt.message, detail: prompt.detail, button: prompt.button }))) return false;
    const { forgotten } = await this.deps.forget(target);
    this.deps.onForgotten();
    vscode.window.setStatusBarMessage(`$(trash) Dormouse: forgot ${forgotten} ${forgotten === 1 ? 'memory' : 'memories'}`, 4000);
    return true;
  }
}
