// Editor events that become capture jobs: a save of a file on disk, the "Capture selection"
// command, and terminal commands that end (shell integration). Untrusted workspaces are not
// captured from (saves, terminals); excluded and oversized files are filtered here first so their
// content never leaves the window, and the daemon checks again.
import * as vscode from 'vscode';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { JobInput } from '../../shared/protocol';
import { type ExcludeMatcher, ExcludeCache } from '../../daemon/capture/excludes';

export interface CapturePolicy {
  captureOnSave: boolean;
  captureTerminalCommands: boolean;
  excludes: readonly string[];
  maxBytes: number;
}

export interface EditorCapturesOptions {
  /** Stamps each capture's capturedAt (wall time). */
  clock: Clock;
  submit(job: JobInput): void;
  policy(): CapturePolicy;
  /**
   * Why nothing may be captured from `resource` right now (capture paused, dormouse.captureEnabled
   * off for its workspace), or null. Checked first, before the file is even looked at: a paused
   * capture is dropped here, never buffered.
   */
  blocked(resource: vscode.Uri | undefined): string | null;
  /** The workspace of `resource` has dormouse.shareWithTeam on: its captures are marked shared. */
  shared(resource: vscode.Uri | undefined): boolean;
  log: Logger;
}

export class EditorCaptures implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly excludes = new ExcludeCache();

  constructor(private readonly opts: EditorCapturesOptions) {
    this.disposables.push(vscode.workspace.onDidSaveTextDocument((doc) => void this.onSave(doc)));
    // Shell integration events exist since VS Code 1.93; guard so an older host still activates.
    if (typeof vscode.window.onDidEndTerminalShellExecution === 'function') {
      this.disposables.push(vscode.window.onDidEndTerminalShellExecution((e) => this.onTerminalCommand(e)));
    }
  }

  /** `shared: true` only when on: a private capture's payload is what older daemons accept. */
  private sharedFlag(resource: vscode.Uri | undefined): { shared?: true } {
    return this.opts.shared(resource) ? { shared: true } : {};
  }

  private matcher(): ExcludeMatcher {
    return this.excludes.get(this.opts.policy().excludes);
  }

  async onSave(doc: vscode.TextDocument): Promise<void> {
    const policy = this.opts.policy();
    if (!policy.captureOnSave || doc.uri.scheme !== 'file') return;
    const blocked = this.opts.blocked(doc.uri);
    if (blocked) {
      this.opts.log.debug(`not captured (${blocked}): ${doc.uri.fsPath}`);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.opts.log.debug(`not captured (untrusted workspace): ${doc.uri.fsPath}`);
      return;
    }
    const path = doc.uri.fsPath;
    if (this.matcher()(path)) {
      this.opts.log.debug(`not captured (excluded): ${path}`);
      return;
    }
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(doc.uri)).size;
    } catch {
      return; // deleted right after saving
    }
    if (size > policy.maxBytes) {
      this.opts.log.info(`not captured (${size} bytes > dormouse.captureMaxBytes ${policy.maxBytes}): ${path}`);
      return;
    }
    // The daemon reads the file itself: no content crosses the socket or sits in the outbox.
    this.opts.submit({ kind: 'capture', payload: { type: 'file', path, language: doc.languageId, capturedAt: this.opts.clock.now(), ...this.sharedFlag(doc.uri) } });
  }

  onTerminalCommand(e: vscode.TerminalShellExecutionEndEvent): void {
    const policy = this.opts.policy();
    if (!policy.captureTerminalCommands || !vscode.workspace.isTrusted) return;
    const cwd = e.execution.cwd;
    const blocked = this.opts.blocked(cwd);
    if (blocked) {
      this.opts.log.debug(`terminal command not captured (${blocked})`);
      return;
    }
    const commandLine = e.execution.commandLine.value.trim();
    if (!commandLine) return;
    this.opts.submit({
      kind: 'capture',
      payload: {
        type: 'terminal',
        commandLine: commandLine.slice(0, 100_000),
        exitCode: e.exitCode ?? null,
        ...(cwd && cwd.scheme === 'file' ? { cwd: cwd.fsPath } : {}),
        capturedAt: this.opts.clock.now(),
        ...this.sharedFlag(cwd),
      },
    });
  }

  /** The "Capture selection" command. `args.note` skips the prompt (keybindings, tests). */
  async captureSelection(args?: { note?: string }): Promise<boolean> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selections.every((s) => s.isEmpty)) {
      void vscode.window.showInformationMessage('Dormouse: select some text to capture first.');
      return false;
    }
    const blocked = this.opts.blocked(editor.document.uri);
    if (blocked) {
      void vscode.window.showInformationMessage(`Dormouse: not captured: ${blocked}.`);
      return false;
    }
    const selection = editor.selections.find((s) => !s.isEmpty)!;
    const text = editor.document.getText(selection);
    const policy = this.opts.policy();
    if (Buffer.byteLength(text) > policy.maxBytes) {
      void vscode.window.showWarningMessage(`Dormouse: the selection is larger than dormouse.captureMaxBytes (${policy.maxBytes} bytes); not captured.`);
      return false;
    }
    const uri = editor.document.uri;
    if (uri.scheme === 'file' && this.matcher()(uri.fsPath)) {
      void vscode.window.showWarningMessage('Dormouse: this file matches dormouse.captureExcludes; not captured.');
      return false;
    }
    let note = args?.note;
    if (note === undefined) {
      note = await vscode.window.showInputBox({
        title: 'Dormouse: Capture selection',
        prompt: 'An optional note to find this selection by later (Enter to skip, Escape to cancel)',
        ignoreFocusOut: true,
      });
      if (note === undefined) return false;
    }
    this.opts.submit({
      kind: 'capture',
      payload: {
        type: 'selection',
        text,
        ...(uri.scheme === 'file' ? { path: uri.fsPath } : {}),
        language: editor.document.languageId,
        ...(note.trim() ? { note: note.trim() } : {}),
        startLine: selection.start.line,
        endLine: selection.end.line,
        capturedAt: this.opts.clock.now(),
        ...this.sharedFlag(uri),
      },
    });
    vscode.window.setStatusBarMessage('$(bookmark) Dormouse: selection captured', 3000);
    return true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
