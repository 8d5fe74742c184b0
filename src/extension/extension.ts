// The VS Code extension's entry point. This file is the scaffold the build needs
// (dist/extension.js); the supervisor, editor events, status bar, tree view and commands are the
// extension issue's work and live beside it in src/extension/. Only files in this folder import
// `vscode`.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Nothing yet: the daemon and its CLI are usable on their own (see README).
}

export function deactivate(): void {}
