// The baseline of the activation benchmark (bench/extension-activation.ts): about the least an
// extension's activate() can do (one status bar item, one command), bundled on the fly with the
// same esbuild settings as dist/extension.js and activated in the same kind of child process.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem('trivial.status', vscode.StatusBarAlignment.Left, 10);
  item.text = '$(check) Trivial';
  item.command = 'trivial.hello';
  item.show();
  context.subscriptions.push(
    item,
    vscode.commands.registerCommand('trivial.hello', () => vscode.window.showInformationMessage('Hello from the trivial extension')),
  );
}

export function deactivate(): void {}
