import * as vscode from 'vscode';
import { Config, onConfigChange } from '../config';
import { configuredHosts, type HostEntry } from '../hosts';
import type { Log } from '../log';

class ReadinessTree implements vscode.TreeDataProvider<HostEntry> {
  private readonly changed = new vscode.EventEmitter<HostEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(host: HostEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.None);
    item.id = `readiness:${host.id}`;
    item.iconPath = new vscode.ThemeIcon(host.error ? 'error' : 'checklist');
    return item;
  }

  getChildren(element?: HostEntry): HostEntry[] {
    return element ? [] : configuredHosts(Config.current());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The "Host readiness" view: per host, what each networking mode needs and what is missing. */
export function registerReadiness(_log: Log): vscode.Disposable {
  const tree = new ReadinessTree();
  return vscode.Disposable.from(
    tree,
    vscode.window.createTreeView('kvmnet.readiness', { treeDataProvider: tree }),
    vscode.commands.registerCommand('kvmnet.readiness.refresh', () => tree.refresh()),
    onConfigChange(() => tree.refresh()),
  );
}
