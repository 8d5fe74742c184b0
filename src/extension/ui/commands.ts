// The command palette entries. Each handler is small and delegates; errors become one clear
// notification instead of an unhandled rejection.
import * as vscode from 'vscode';
import type { StatusPresentation } from '../core/status-presentation';
import { COMMAND_IDS } from './command-ids';

export interface CommandHandlers {
  wake(): Promise<string>;
  hibernate(): Promise<string>;
  reloadConfig(): Promise<string>;
  restartDaemon(): Promise<void>;
  recall(query?: string): Promise<void>;
  captureSelection(args?: { note?: string }): Promise<boolean>;
  showLog(): void;
  openMemory(id: number): Promise<void>;
  compareMemory(id: number): Promise<void>;
  presentation(): StatusPresentation;
}

export function registerCommands(h: CommandHandlers): vscode.Disposable[] {
  const say = (message: string) => vscode.window.setStatusBarMessage(`Dormouse: ${message}`, 4000);
  const guard =
    <A extends unknown[]>(name: string, fn: (...args: A) => Promise<unknown> | unknown) =>
    async (...args: A) => {
      try {
        return await fn(...args);
      } catch (error) {
        void vscode.window.showErrorMessage(`Dormouse: ${name} failed: ${error instanceof Error ? error.message : String(error)}`, 'Show log').then((c) => {
          if (c) h.showLog();
        });
        return undefined;
      }
    };
  // A memory arrives as its id (tree row click, tests, keybindings), as a recall hit, or as the
  // tree element itself when the command runs from the row's context menu.
  const idOf = (arg: unknown): number => {
    if (typeof arg === 'number') return arg;
    if (arg && typeof arg === 'object') {
      const o = arg as { memoryId?: unknown; id?: unknown };
      if (typeof o.memoryId === 'number') return o.memoryId;
      if (typeof o.id === 'number') return o.id;
    }
    throw new Error('no memory given');
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
    vscode.commands.registerCommand(COMMAND_IDS.openMemory, guard('Open memory', (arg: unknown) => h.openMemory(idOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.compareMemory, guard('Compare memory', (arg: unknown) => h.compareMemory(idOf(arg)))),
    vscode.commands.registerCommand(COMMAND_IDS.showActions, guard('Show actions', () => showActions(h.presentation()))),
  ];
}

/** The status bar click: the actions that fit the state first, then the rest. */
async function showActions(p: StatusPresentation): Promise<void> {
  const always = [
    { title: 'Recall…', command: COMMAND_IDS.recall },
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
