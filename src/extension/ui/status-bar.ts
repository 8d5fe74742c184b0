// The status bar item draws one value, the StatusPresentation (rust-analyzer style): text,
// accessibility text, colours by severity, and a tooltip that says why and since when, with
// command links. Clicking it offers the actions that fit the state (dormouse.showActions).
import * as vscode from 'vscode';
import type { StatusPresentation } from '../core/status-presentation';
import { ALL_COMMAND_IDS } from './command-ids';

export class DormouseStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('dormouse.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Dormouse';
    this.item.command = 'dormouse.showActions';
  }

  draw(p: StatusPresentation): void {
    const item = this.item;
    item.text = p.text;
    item.accessibilityInformation = { label: p.accessibilityLabel, role: 'button' };
    const tooltip = new vscode.MarkdownString(p.tooltipMarkdown, true);
    tooltip.isTrusted = { enabledCommands: [...ALL_COMMAND_IDS] };
    item.tooltip = tooltip;
    if (p.severity === 'error') {
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      item.color = new vscode.ThemeColor('statusBarItem.errorForeground');
    } else if (p.severity === 'warning') {
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      item.color = new vscode.ThemeColor('statusBarItem.warningForeground');
    } else {
      item.backgroundColor = undefined;
      item.color = undefined;
    }
    item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
