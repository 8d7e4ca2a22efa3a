import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
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
    registerGuarded(log, Commands.devices.reveal, 'Reveal PCI Function in Devices', (host: unknown, bdf: unknown) => revealDevice(tree, view, host, bdf)),
    registerGuarded(log, Commands.devices.refresh, 'Refresh Devices', () => tree.refresh()),
    registerGuarded(log, Commands.devices.refreshHost, 'Refresh Host', (node?: DeviceTreeNode) => tree.refresh(hostId(node))),
    registerGuarded(log, Commands.devices.retry, 'Retry Host Discovery', (node?: DeviceTreeNode) => tree.refresh(hostId(node))),
    registerGuarded(log, Commands.devices.groupByIommu, 'Group Devices by IOMMU Group', () => setGrouped(true)),
    registerGuarded(log, Commands.devices.groupByDevice, 'Show Devices as PF \u2192 VF Tree', () => setGrouped(false)),
    registerGuarded(log, Commands.devices.toggleShowAll, 'Toggle Showing All PCI Devices', async () => {
      const section = vscode.workspace.getConfiguration('kvmnet');
      await section.update('devices.showAll', section.get<unknown>('devices.showAll') !== true, vscode.ConfigurationTarget.Global);
    }),
    registerGuarded(log, Commands.devices.addSshConfigHosts, 'Add Hosts from ~/.ssh/config', addSshConfigHosts),
    registerGuarded(log, Commands.devices.copyBdf, 'Copy PCI Address (BDF)', copyBdf),
    registerGuarded(log, Commands.devices.copyVendorDevice, 'Copy vendor:device IDs', copyVendorDevice),
    registerGuarded(log, Commands.devices.insertHostdev, 'Insert Device', (node?: DeviceTreeNode) => insertHostdev(node, log)),
    registerGuarded(log, Commands.devices.setNumVfs, 'Set Number of VFs', (node?: DeviceTreeNode) => setNumVfs(node, log)),
    registerGuarded(log, Commands.devices.bindVfio, 'Bind to vfio-pci', (node?: DeviceTreeNode) => bindVfio(node, log)),
    registerGuarded(log, Commands.devices.restoreDriver, 'Restore Host Driver (leave vfio-pci)', (node?: DeviceTreeNode) => restoreDriver(node, log)),
    registerGuarded(log, Commands.devices.nodedevDetach, 'Detach from Host (virsh nodedev-detach)', (node?: DeviceTreeNode) => nodedev(node, 'detach', log)),
    registerGuarded(log, Commands.devices.nodedevReattach, 'Reattach to Host (virsh nodedev-reattach)', (node?: DeviceTreeNode) => nodedev(node, 'reattach', log)),
    registerGuarded(log, Commands.devices.attachToGuest, 'Attach to Guest', (node?: DeviceTreeNode) => attachToGuest(node, log)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kvmnet.devices.showAll')) tree.rerender();
      // Another host list or other ssh settings: hosts rediscover on expansion.
      if (['kvmnet.hosts', 'kvmnet.demoHost', 'kvmnet.ssh'].some((k) => e.affectsConfiguration(k))) tree.refresh();
    }),
  );
}
