// The tree view: renders core/tree-model.ts rows. It redraws when told (status events, recall
// results, supervisor state), never on a timer; a hidden view skips the work until it is shown.
import * as vscode from 'vscode';
import type { TreeSnapshotNode } from '../api';
import type { TreeNodeModel } from '../core/tree-model';
import { Emitter } from '../../shared/event';

export class DaemonTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNodeModel | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly invalidated = new Emitter<void>();
  /** Every invalidation, visible or not (the test API). */
  readonly onDidInvalidate = this.invalidated.event;
  private roots: TreeNodeModel[] = [];
  private dirty = true;
  private visible = false;

  constructor(private readonly build: () => TreeNodeModel[]) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) this.changed.fire(undefined);
  }

  /** Marks the rows out of date; a visible view redraws now, a hidden one when it is shown. */
  invalidate(): void {
    this.dirty = true;
    if (this.visible) this.changed.fire(undefined);
    this.invalidated.fire();
  }

  getTreeItem(node: TreeNodeModel): vscode.TreeItem {
    const collapsible =
      node.children === undefined
        ? vscode.TreeItemCollapsibleState.None
        : node.expanded || !node.id.includes('/')
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.contextValue !== undefined) item.contextValue = node.contextValue;
    if (node.icon) {
      const color = node.tone === 'error' ? new vscode.ThemeColor('errorForeground') : node.tone === 'warning' ? new vscode.ThemeColor('editorWarning.foreground') : undefined;
      item.iconPath = new vscode.ThemeIcon(node.icon, color);
    }
    if (node.command) item.command = { command: node.command.command, title: node.command.title, arguments: node.command.args };
    item.accessibilityInformation = { label: node.description ? `${node.label}: ${node.description}` : node.label };
    return item;
  }

  getChildren(node?: TreeNodeModel): TreeNodeModel[] {
    if (node) return node.children ?? [];
    if (this.dirty) {
      this.roots = this.build();
      this.dirty = false;
    }
    return this.roots;
  }

  /** The rows as plain data, fully expanded (the test API). */
  snapshot(): TreeSnapshotNode[] {
    const convert = (n: TreeNodeModel): TreeSnapshotNode => ({
      label: n.label,
      ...(n.description !== undefined ? { description: n.description } : {}),
      ...(n.tooltip !== undefined ? { tooltip: n.tooltip } : {}),
      ...(n.contextValue !== undefined ? { contextValue: n.contextValue } : {}),
      ...(n.memoryId !== undefined ? { memoryId: n.memoryId } : {}),
      ...(n.children ? { children: n.children.map(convert) } : {}),
    });
    return this.build().map(convert);
  }

  dispose(): void {
    this.changed.dispose();
    this.invalidated.dispose();
  }
}
