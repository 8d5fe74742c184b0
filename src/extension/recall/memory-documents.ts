// Memories open as read-only documents of the `dormouse-memory:` scheme (a content provider's
// documents cannot be edited or saved), named after the file they snapshot so the editor picks
// the language. Compare opens a diff: the memory on the left, the current file on the right.
// Another machine's memory (a shared store's hit) keeps its machine in the URI (core/memory-ref.ts).
import * as vscode from 'vscode';
import type { MemoryKind, MemoryRecord } from '../../shared/protocol';
import { type MemoryRef, machineLabel, memoryKey, memoryRefOfUri, memoryUriQuery } from '../core/memory-ref';

export const MEMORY_SCHEME = 'dormouse-memory';

export type FetchMemory = (ref: MemoryRef) => Promise<MemoryRecord | null>;

/** `kind` rides in the query so the editor title can offer what fits (Restore, Re-run) without a round trip. */
function memoryUri(ref: MemoryRef, title: string, kind?: MemoryKind): vscode.Uri {
  const name = (title.split(/[\\/]/).pop() || 'memory').replace(/[?#]/g, '_');
  const query = memoryUriQuery(ref, kind);
  return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${ref.id}/${name}`, ...(query ? { query } : {}) });
}

export function memoryKindOf(uri: vscode.Uri): MemoryKind | null {
  if (uri.scheme !== MEMORY_SCHEME) return null;
  const m = /(?:^|&)kind=(file|selection|terminal|text)(?:&|$)/.exec(uri.query);
  return m ? (m[1] as MemoryKind) : null;
}

export function memoryRefOf(uri: vscode.Uri): MemoryRef | null {
  return memoryRefOfUri(uri.path, uri.query);
}

export class MemoryDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly fetch: FetchMemory) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = memoryRefOf(uri);
    if (ref === null) throw new Error(`Not a Dormouse memory: ${uri.toString()}`);
    const memory = await this.fetch(ref);
    if (!memory) throw new Error(`Dormouse memory ${memoryKey(ref)} no longer exists (retention may have removed it, or it is not shared with you).`);
    return renderMemory(memory, ref);
  }
}

/** A file snapshot is shown as the file was; other kinds get a short header. */
function renderMemory(m: MemoryRecord, ref: MemoryRef): string {
  if (m.kind === 'file') return m.content;
  const machine = machineLabel(ref);
  const header = [`// Dormouse ${m.kind} captured ${m.capturedAt}${machine ? ` ${machine}` : ''}${m.path ? ` from ${m.path}` : ''}`];
  if (m.note) header.push(`// Note: ${m.note}`);
  if (m.kind === 'terminal' && m.exitCode !== null) header.push(`// Exit code: ${m.exitCode}`);
  return `${header.join('\n')}\n\n${m.content}`;
}

export async function openMemory(fetch: FetchMemory, ref: MemoryRef): Promise<void> {
  const memory = await fetch(ref);
  if (!memory) {
    void vscode.window.showWarningMessage(`Dormouse: memory ${memoryKey(ref)} no longer exists${ref.machineId !== undefined ? ' (or is not shared with you)' : ''}.`);
    return;
  }
  if (memory.truncated) {
    void vscode.window.showWarningMessage(
      `Dormouse: this memory is larger than dormouse.ipcMaxMessageBytes; only its beginning is shown.`,
    );
  }
  const doc = await vscode.workspace.openTextDocument(memoryUri(ref, memory.path ?? memory.title, memory.kind));
  if (memory.language) await vscode.languages.setTextDocumentLanguage(doc, memory.language).then(undefined, () => undefined);
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function compareMemory(fetch: FetchMemory, ref: MemoryRef): Promise<void> {
  const memory = await fetch(ref);
  if (!memory?.path) {
    void vscode.window.showWarningMessage('Dormouse: only file snapshots can be compared with the current file.');
    return;
  }
  const left = memoryUri(ref, memory.path, memory.kind);
  const right = vscode.Uri.file(memory.path);
  const machine = machineLabel(ref);
  const title = `${memory.path.split(/[\\/]/).pop()} (memory of ${new Date(memory.capturedAt).toLocaleString()}${machine ? ` ${machine}` : ''}) ↔ current`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
