// Memories open as read-only documents of the `dormouse-memory:` scheme (a content provider's
// documents cannot be edited or saved), named after the file they snapshot so the editor picks
// the language. Compare opens a diff: the memory on the left, the current file on the right.
import * as vscode from 'vscode';
import type { MemoryKind, MemoryRecord } from '../../shared/protocol';

export const MEMORY_SCHEME = 'dormouse-memory';

export type FetchMemory = (id: number) => Promise<MemoryRecord | null>;

/** `kind` rides in the query so the editor title can offer what fits (Restore, Re-run) without a round trip. */
function memoryUri(id: number, title: string, kind?: MemoryKind): vscode.Uri {
  const name = (title.split(/[\\/]/).pop() || 'memory').replace(/[?#]/g, '_');
  return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${id}/${name}`, ...(kind ? { query: `kind=${kind}` } : {}) });
}

export function memoryKindOf(uri: vscode.Uri): MemoryKind | null {
  if (uri.scheme !== MEMORY_SCHEME) return null;
  const m = /(?:^|&)kind=(file|selection|terminal|text)(?:&|$)/.exec(uri.query);
  return m ? (m[1] as MemoryKind) : null;
}

export function memoryIdOf(uri: vscode.Uri): number | null {
  const id = Number(uri.path.split('/')[1]);
  return Number.isInteger(id) && id > 0 ? id : null;
}

export class MemoryDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly fetch: FetchMemory) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = memoryIdOf(uri);
    if (id === null) throw new Error(`Not a Dormouse memory: ${uri.toString()}`);
    const memory = await this.fetch(id);
    if (!memory) throw new Error(`Dormouse memory ${id} no longer exists (retention may have removed it).`);
    return renderMemory(memory);
  }
}

/** A file snapshot is shown as the file was; other kinds get a short header. */
function renderMemory(m: MemoryRecord): string {
  if (m.kind === 'file') return m.content;
  const header = [`// Dormouse ${m.kind} captured ${m.capturedAt}${m.path ? ` from ${m.path}` : ''}`];
  if (m.note) header.push(`// Note: ${m.note}`);
  if (m.kind === 'terminal' && m.exitCode !== null) header.push(`// Exit code: ${m.exitCode}`);
  return `${header.join('\n')}\n\n${m.content}`;
}

export async function openMemory(fetch: FetchMemory, id: number): Promise<void> {
  const memory = await fetch(id);
  if (!memory) {
    void vscode.window.showWarningMessage(`Dormouse: memory ${id} no longer exists.`);
    return;
  }
  if (memory.truncated) {
    void vscode.window.showWarningMessage(
      `Dormouse: this memory is larger than dormouse.ipcMaxMessageBytes; only its beginning is shown.`,
    );
  }
  const doc = await vscode.workspace.openTextDocument(memoryUri(id, memory.path ?? memory.title, memory.kind));
  if (memory.language) await vscode.languages.setTextDocumentLanguage(doc, memory.language).then(undefined, () => undefined);
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function compareMemory(fetch: FetchMemory, id: number): Promise<void> {
  const memory = await fetch(id);
  if (!memory?.path) {
    void vscode.window.showWarningMessage('Dormouse: only file snapshots can be compared with the current file.');
    return;
  }
  const left = memoryUri(id, memory.path, memory.kind);
  const right = vscode.Uri.file(memory.path);
  const title = `${memory.path.split(/[\\/]/).pop()} (memory of ${new Date(memory.capturedAt).toLocaleString()}) ↔ current`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
