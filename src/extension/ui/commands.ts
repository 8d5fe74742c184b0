// The command palette entries. Each handler is small and delegates; errors become one clear
// notification instead of an unhandled rejection.
import * as vscode from 'vscode';
import { type PauseChoice, TOMORROW_HOUR } from '../core/capture-pause';
import type { StatusPresentation } from '../core/status-presentation';
import { COMMAND_IDS } from './command-ids';
import { type MemoryRef, forgetRefusal, memoryRefOfArg } from '../core/memory-ref';
import { memoryRefOf } from '../recall/memory-documents';
import { activeMemoryRef } from './forget-menu';
import { errorMessage } from '../../shared/error-message';

export interface CommandHandlers {
  wake(): Promise<string>;
  hibernate(): Promise<string>;
  reloadConfig(): Promise<string>;
  restartDaemon(): Promise<void>;
  recall(query?: string): Promise<void>;
  captureSelection(args?: { note?: string }): Promise<boolean>;
  showLog(): void;
  openMemory(ref: MemoryRef): Promise<void>;
  compareMemory(ref: MemoryRef): Promise<void>;
  presentation(): StatusPresentation;
  pauseCapture(choice: PauseChoice): Promise<string>;
  resumeCapture(): Promise<string>;
  /** Dormouse: Forget… (asks what, then asks again). */
  forget(): Promise<void>;
  forgetMemory(ref: MemoryRef, label?: string): Promise<boolean>;
  forgetFile(path: string): Promise<boolean>;
  restoreMemory(ref: MemoryRef): Promise<boolean>;
  copyMemory(ref: MemoryRef): Promise<void>;
  rerunCommand(ref: MemoryRef): Promise<boolean>;
  refreshTimeline(): Promise<void>;
  timelineLoadMore(): Promise<void>;
}

/** The choices of Dormouse: Pause capture…, in the order shown. */
const PAUSE_CHOICES: ReadonlyArray<{ label: string; choice: PauseChoice }> = [
  { label: 'For 15 minutes', choice: 'minutes-15' },
  { label: 'For 1 hour', choice: 'hour-1' },
  { label: `Until tomorrow morning (${String(TOMORROW_HOUR).padStart(2, '0')}:00)`, choice: 'tomorrow' },
  { label: 'Until I resume', choice: 'until-resumed' },
];

export function registerCommands(h: CommandHandlers): vscode.Disposable[] {
  const say = (message: string) => vscode.window.setStatusBarMessage(`Dormouse: ${message}`, 4000);
  const guard =
    <A extends unknown[]>(name: string, fn: (...args: A) => unknown) =>
    async (...args: A) => {
      try {
        return await fn(...args);
      } catch (error) {
        void vscode.window.showErrorMessage(`Dormouse: ${name} failed: ${errorMessage(error)}`, 'Show log').then((c) => {
          if (c) h.showLog();
        });
        return undefined;
      }
    };
  // A memory arrives as its id (tests, keybindings), as a recall hit or a row's ref (a click), or
  // as the tree element itself when the command runs from the row's context menu; hits and rows
  // of another machine's memory carry its machine id (core/memory-ref.ts).
  // From the memory editor's title bar there is no argument (or the document's URI): the memory
  // shown in the active editor.
  const refOf = (arg: unknown): MemoryRef => {
    const ref = arg instanceof vscode.Uri ? memoryRefOf(arg) : memoryRefOfArg(arg);
    if (ref !== null) return ref;
    const active = activeMemoryRef();
    if (active !== null) return active;
    throw new Error('no memory given');
  };
  const labelOf = (arg: unknown): string | undefined => {
    const o = arg as { label?: unknown; title?: unknown } | undefined;
    return typeof o?.title === 'string' ? o.title : typeof o?.label === 'string' ? o.label : undefined;
  };
  const pathOf = (arg: unknown): string => {
    if (typeof arg === 'string') return arg;
    // Another machine's memory row: its file's memories here are not what the row shows.
    const row = arg instanceof vscode.Uri ? null : memoryRefOfArg(arg);
    const refusal = row && forgetRefusal(row);
    if (refusal) throw new Error(refusal);
    if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
    const o = arg as { memoryPath?: unknown; path?: unknown } | undefined;
    if (typeof o?.memoryPath === 'string') return o.memoryPath;
    if (typeof o?.path === 'string') return o.path;
    throw new Error('no file given');
  };
  return [
    vscode.commands.registerCommand(COMMAND_IDS.wake, guard('Wake daemon', async () => say(await h.wake()))),
    vscode.commands.registerCommand(COMMAND_IDS.hibernate, guard('Hibernate now', async () => say(await h.hibernate()))),
    vscode.commands.registerCommand(COMMAND_IDS.reloadConfig, guard('Reload config', async () => say(await h.reloadConfig()))),
    vscode.commands.registerCommand(COMMAND_IDS.restartDaemon, guard('Restart daemon', () => h.restartDaemon())),
    vscode.commands.registerCommand(COMMAND_IDS.recall, guard('Recall', (query?: unknown) => h.recall(typeof query === 'string' ? query : undefined))),
    vscode.commands.registerCommand(COMMAND_IDS.captureSelection, guard('Capture selection', (args?: { note?: string }) => h.captureSelection(args))),
    vscode.commands.registerCommand(COMMAND_IDS.showLog, () => h.showLog()),
    vscode.commands.registerCommand(COMMAND_IDS.openSettings, () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:dormouse.dormouse')),
    vscode.commands.registerCommand(COMMAND_IDS.focusView, () => vscode.commands.executeCommand('dormouse.status.focus')),
    vscode.commands.registerCommand(COMMAND_IDS.openMemory, guard('Open memory', (arg: unknown) => h.openMemory(refOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.compareMemory, guard('Compare memory', (arg: unknown) => h.compareMemory(refOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.showActions, guard('Show actions', () => showActions(h.presentation()))),
    // A choice as argument (tests, keybindings: "minutes-15", "hour-1", "tomorrow", "until-resumed") skips the menu.
    vscode.commands.registerCommand(COMMAND_IDS.pauseCapture, guard('Pause capture', async (arg?: unknown) => {
      let choice = PAUSE_CHOICES.find((c) => c.choice === arg)?.choice;
      if (!choice) {
        const picked = await vscode.window.showQuickPick(PAUSE_CHOICES.map((c) => ({ label: c.label, choice: c.choice })), {
          title: 'Dormouse: Pause capture',
          placeHolder: 'Nothing is captured or buffered while paused (saves, selections, terminal commands)',
        });
        choice = picked?.choice;
      }
      if (choice) say(await h.pauseCapture(choice));
    })),
    vscode.commands.registerCommand(COMMAND_IDS.resumeCapture, guard('Resume capture', async () => say(await h.resumeCapture()))),
    vscode.commands.registerCommand(COMMAND_IDS.forget, guard('Forget', () => h.forget())),
    vscode.commands.registerCommand(COMMAND_IDS.forgetMemory, guard('Forget', (arg: unknown) => h.forgetMemory(refOf(arg), labelOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.forgetFile, guard('Forget', (arg: unknown) => h.forgetFile(pathOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.restoreMemory, guard('Restore', (arg: unknown) => h.restoreMemory(refOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.copyMemory, guard('Copy', (arg: unknown) => h.copyMemory(refOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.rerunCommand, guard('Re-run', (arg: unknown) => h.rerunCommand(refOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.refreshTimeline, guard('Refresh timeline', () => h.refreshTimeline())),
    vscode.commands.registerCommand(COMMAND_IDS.timelineLoadMore, guard('Load more', () => h.timelineLoadMore())),
  ];
}

/** The status bar click: the actions that fit the state first, then the rest. */
async function showActions(p: StatusPresentation): Promise<void> {
  const always = [
    { title: 'Recall…', command: COMMAND_IDS.recall },
    ...(p.actions.some((a) => a.command === COMMAND_IDS.resumeCapture) ? [] : [{ title: 'Pause capture…', command: COMMAND_IDS.pauseCapture }]),
    { title: 'Show Dormouse view', command: COMMAND_IDS.focusView },
    { title: 'Show daemon log', command: COMMAND_IDS.showLog },
    { title: 'Open settings', command: COMMAND_IDS.openSettings },
  ];
  const seen = new Set<string>();
  const items = [...p.actions, ...always]
    .filter((a) => (seen.has(a.command) ? false : (seen.add(a.command), true)))
    .map((a) => ({ label: a.title, command: a.command }));
  const chosen = await vscode.window.showQuickPick(items, { title: `Dormouse: ${p.label}`, placeHolder: 'Choose an action' });
  if (chosen) await vscode.commands.executeCommand(chosen.command);
}
