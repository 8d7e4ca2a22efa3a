import * as vscode from 'vscode';
import { registerGuarded } from '../guardedCommand';
import { guestHolders } from '../../core/libvirt/views';
import type { DeviceTreeNode } from '../devices/tree';
import { detachFromGuest } from '../devices/actions';
import { hostSnapshots } from '../hosts';
import type { Log } from '../log';
import { GuestsTree, type GuestTreeNode } from './tree';
import { Commands } from '../commands';

/**
 * The "Guests" view and its links with the Devices view: "Reveal in Devices" on a guest's passthrough device
 * or VF interface, "Reveal Holder" on a device row a guest holds (both through TreeView.reveal).
 */
export function registerGuests(log: Log): vscode.Disposable {
  const tree = new GuestsTree();
  const view = vscode.window.createTreeView('kvmnet.guests', { treeDataProvider: tree, showCollapseAll: true });

  const revealInDevices = async (node?: GuestTreeNode) => {
    if (node?.kind !== 'part' || node.part.kind === 'finding' || node.part.bdf === undefined) return;
    await vscode.commands.executeCommand(Commands.devices.reveal, node.host.id, node.part.bdf);
  };

  const revealHolder = async (node?: DeviceTreeNode) => {
    if (node?.kind !== 'device') return;
    const guests = guestHolders(node.snapshot, node.device.bdf);
    const guest = guests.length > 1 ? await vscode.window.showQuickPick(guests, { title: `Guests holding ${node.device.bdf}` }) : guests[0];
    if (guest === undefined) {
      if (guests.length === 0) void vscode.window.showInformationMessage(`No guest holds ${node.device.bdf}.`);
      return;
    }
    const target = await tree.partNode(node.host.id, guest, node.device.bdf);
    if (!target) return void vscode.window.showWarningMessage(`${guest} is no longer listed with ${node.device.bdf}: refresh the host.`);
    await view.reveal(target, { select: true, focus: true, expand: true });
  };

  const detach = async (node?: GuestTreeNode) => {
    if (node?.kind !== 'part' || node.part.kind === 'finding') return;
    const { part, guest } = node;
    if (part.kind === 'hostdev') return detachFromGuest(node.host, node.snapshot, guest.uuid, { kind: 'hostdev', bdf: part.bdf }, log);
    const nic = guest.nics[part.index];
    // libvirt finds the NIC to detach by its MAC.
    if (!nic?.mac) return void vscode.window.showWarningMessage(`${guest.name}: this NIC has no MAC address in its definition; detach it with virsh detach-interface.`);
    return detachFromGuest(node.host, node.snapshot, guest.uuid, { kind: 'nic', mac: nic.mac, type: nic.type }, log);
  };

  return vscode.Disposable.from(
    tree,
    view,
    registerGuarded(log, Commands.guests.refresh, 'Refresh Guests', () => hostSnapshots.invalidate()),
    registerGuarded(log, Commands.guests.retry, 'Retry Host Discovery', (node?: GuestTreeNode) => hostSnapshots.invalidate(node?.host.id)),
    registerGuarded(log, Commands.guests.revealInDevices, 'Reveal in Devices', revealInDevices),
    registerGuarded(log, Commands.guests.detach, 'Detach from Guest', detach),
    registerGuarded(log, Commands.devices.revealHolder, 'Reveal Holder', revealHolder),
    // Trust granted or hosts/ssh settings changed: the Devices view drops the shared snapshots, which re-renders this one.
  );
}
