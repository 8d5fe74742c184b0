// Entry point. Activation (onStartupFinished) stays cheap: it builds the window's parts and
// returns; connecting to or starting the daemon happens in the background.
import type * as vscode from 'vscode';
import { RealClock } from '../shared/clock';
import type { DormouseApi } from './api';
import { DormouseWindow } from './dormouse-window';

let current: DormouseWindow | undefined;

export function activate(context: vscode.ExtensionContext): DormouseApi {
  // The window's one clock: every timer and every reading of the time below goes through it.
  const clock = new RealClock();
  const startedAt = clock.monotonicNow();
  current = new DormouseWindow(context, clock, startedAt);
  return current.api;
}

export function deactivate(): Promise<void> | undefined {
  const window = current;
  current = undefined;
  return window?.dispose();
}
