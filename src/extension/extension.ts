// Entry point. Activation (onStartupFinished) stays cheap: it builds the window's parts and
// returns; connecting to or starting the daemon happens in the background.
import type * as vscode from 'vscode';
import type { DormouseApi } from './api';
import { DormouseWindow } from './dormouse-window';

let current: DormouseWindow | undefined;

export function activate(context: vscode.ExtensionContext): DormouseApi {
  const startedAt = performance.now();
  current = new DormouseWindow(context, startedAt);
  return current.api;
}

export function deactivate(): Promise<void> | undefined {
  const window = current;
  current = undefined;
  return window?.dispose();
}
