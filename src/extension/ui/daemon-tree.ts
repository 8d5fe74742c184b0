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

  /**
   * Marks the rows out of date; a visible view redraws now, a hidden one when it is shown.
   *
   * A visible view redraws only the top-level sections whose rows changed. A whole-tree refresh
   * on every status event (counters move constantly) would also drop the handles of the memory
   * rows below, and a context-menu command on a row (Forget, Restore) fired meanwhile would get
   * no element at all.
   */
  invalidate(): void {
    this.invalidated.fire();
    if (!this.visible || this.dirty) {
      this.dirty = true;
      if (this.visible) this.changed.fire(undefined);
      return;
    }
    const next = this.build();
    const same = next.length === this.roots.length && next.every((n, i) => n.id === this.roots[i]!.id);
    if (!same) {
      this.roots = next;
      this.changed.fire(undefined);
      return;
    }
    next.forEach((n, i) => {
      const old = this.roots[i]!;
      if (JSON.stringify(old) === JSON.stringify(n)) return;
      // VS Code knows the section by the object it was given: update that one in place.
      for (const key of Object.keys(old) as Array<keyof TreeNodeModel>) delete old[key];
      Object.assign(old, n);
      this.changed.fire(old);
    });
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
      ...(n.memoryMachineId !== undefined ? { memoryMachineId: n.memoryMachineId } : {}),
      ...(n.children ? { children: n.children.map(convert) } : {}),
    });
    return this.build().map(convert);
  }

  dispose(): void {
    this.changed.dispose();
    this.invalidated.dispose();
  }
}
