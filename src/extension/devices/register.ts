import * as vscode from 'vscode';
import { hostdevXml } from '../../core/pci/hostdevXml';
import { revealDevice } from '../guests/reveal';
import type { Log } from '../log';
import { addSshConfigHosts, attachToGuest, bindVfio, copyBdf, copyVendorDevice, insertHostdev, nodedev, restoreDriver, setNumVfs } from './actions';
import { DevicesTree, type DeviceTreeNode } from './tree';
import { Commands } from '../commands';

/** Dragging a device onto an XML editor drops its <hostdev>/<interface> element as text. */
class DeviceDrag implements vscode.TreeDragAndDropController<DeviceTreeNode> {
  readonly dragMimeTypes = ['text/plain'];
  readonly dropMimeTypes: string[] = [];
  handleDrag(source: readonly DeviceTreeNode[], data: vscode.DataTransfer): void {
    const xml = source.flatMap((n) => (n.kind === 'device' ? [hostdevXml(n.device)] : [])).join('\n');
    if (xml) data.set('text/plain', new vscode.DataTransferItem(xml));
  }
}

const GROUPED = 'kvmnet.devices.groupedByIommu';

/** The "Devices" view: hosts → PCI devices (PF → VFs), or hosts → IOMMU groups → devices. */
export function registerDevices(log: Log): vscode.Disposable {
  const tree = new DevicesTree(log);
  const setGrouped = (on: boolean) => {
    tree.groupByIommu = on;
    void vscode.commands.executeCommand('setContext', GROUPED, on);
    tree.rerender();
  };
  setGrouped(false);
  const hostId = (node?: DeviceTreeNode) => node?.host.id;
  const view = vscode.window.createTreeView('kvmnet.devices', { treeDataProvider: tree, showCollapseAll: true, dragAndDropController: new DeviceDrag() });
  return vscode.Disposable.from(
    tree,
    view,
    vscode.commands.registerCommand(Commands.devices.reveal, (host: unknown, bdf: unknown) => revealDevice(tree, view, host, bdf)),
    vscode.commands.registerCommand(Commands.devices.refresh, () => tree.refresh()),
    vscode.commands.registerCommand(Commands.devices.refreshHost, (node?: DeviceTreeNode) => tree.refresh(hostId(node))),
    vscode.commands.registerCommand(Commands.devices.retry, (node?: DeviceTreeNode) => tree.refresh(hostId(node))),
    vscode.commands.registerCommand(Commands.devices.groupByIommu, () => setGrouped(true)),
    vscode.commands.registerCommand(Commands.devices.groupByDevice, () => setGrouped(false)),
    vscode.commands.registerCommand(Commands.devices.toggleShowAll, async () => {
      const section = vscode.workspace.getConfiguration('kvmnet');
      await section.update('devices.showAll', section.get<unknown>('devices.showAll') !== true, vscode.ConfigurationTarget.Global);
    }),
    vscode.commands.registerCommand(Commands.devices.addSshConfigHosts, addSshConfigHosts),
    vscode.commands.registerCommand(Commands.devices.copyBdf, copyBdf),
    vscode.commands.registerCommand(Commands.devices.copyVendorDevice, copyVendorDevice),
    vscode.commands.registerCommand(Commands.devices.insertHostdev, (node?: DeviceTreeNode) => insertHostdev(node, log)),
    vscode.commands.registerCommand(Commands.devices.setNumVfs, (node?: DeviceTreeNode) => setNumVfs(node, log)),
    vscode.commands.registerCommand(Commands.devices.bindVfio, (node?: DeviceTreeNode) => bindVfio(node, log)),
    vscode.commands.registerCommand(Commands.devices.restoreDriver, (node?: DeviceTreeNode) => restoreDriver(node, log)),
    vscode.commands.registerCommand(Commands.devices.nodedevDetach, (node?: DeviceTreeNode) => nodedev(node, 'detach', log)),
    vscode.commands.registerCommand(Commands.devices.nodedevReattach, (node?: DeviceTreeNode) => nodedev(node, 'reattach', log)),
    vscode.commands.registerCommand(Commands.devices.attachToGuest, (node?: DeviceTreeNode) => attachToGuest(node, log)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kvmnet.devices.showAll')) tree.rerender();
      // Another host list or other ssh settings: hosts rediscover on expansion.
      if (['kvmnet.hosts', 'kvmnet.demoHost', 'kvmnet.ssh'].some((k) => e.affectsConfiguration(k))) tree.refresh();
    }),
  );
}
