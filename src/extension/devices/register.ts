import * as vscode from 'vscode';
import { Config, onConfigChange } from '../config';
import { configuredHosts, type HostEntry } from '../hosts';
import type { Log } from '../log';

class DevicesTree implements vscode.TreeDataProvider<HostEntry> {
  private readonly changed = new vscode.EventEmitter<HostEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(host: HostEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.None);
    item.id = `host:${host.id}`;
    item.contextValue = host.error ? 'host.invalid' : 'host';
    item.iconPath = new vscode.ThemeIcon(host.error ? 'error' : host.spec?.kind === 'demo' ? 'beaker' : 'server');
    if (host.error) item.description = host.error;
    return item;
  }

  getChildren(element?: HostEntry): HostEntry[] {
    return element ? [] : configuredHosts(Config.current());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The "Devices" view: hosts → PCI devices (PF → VFs). */
export function registerDevices(_log: Log): vscode.Disposable {
  const tree = new DevicesTree();
  return vscode.Disposable.from(
    tree,
    vscode.window.createTreeView('kvmnet.devices', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand('kvmnet.devices.refresh', () => tree.refresh()),
    onConfigChange(() => tree.refresh()),
  );
}
