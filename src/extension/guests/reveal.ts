import * as vscode from 'vscode';
import { parseBdf } from '../../core/pci/bdf';
import { Config } from '../config';
import type { DevicesTree, DeviceTreeNode } from '../devices/tree';
import { hostSnapshots } from '../hosts';

/**
 * `kvmnet.devices.reveal HOST BDF` (internal, for the Guests view's "Reveal in Devices"): selects the function's
 * row in the Devices view. A function the filter hides is offered to be shown (kvmnet.devices.showAll).
 */
export async function revealDevice(tree: DevicesTree, view: vscode.TreeView<DeviceTreeNode>, hostId: unknown, bdf: unknown): Promise<void> {
  const b = typeof bdf === 'string' ? parseBdf(bdf) : undefined;
  if (typeof hostId !== 'string' || !b) return;
  const node = await tree.deviceNode(hostId, b);
  if (node) return view.reveal(node, { select: true, focus: true, expand: false });
  const s = hostSnapshots.peek(hostId);
  if (s?.state !== 'done' || !s.snapshot.devices.some((d) => d.bdf === b)) {
    return void vscode.window.showWarningMessage(`${b} is not a PCI function of this host as last discovered.`);
  }
  const show = 'Show All PCI Devices';
  if ((await vscode.window.showInformationMessage(`${b} is hidden in the Devices view: only network-related functions are shown.`, show)) !== show) return;
  await vscode.workspace.getConfiguration('kvmnet').update('devices.showAll', true, vscode.ConfigurationTarget.Global);
  // The setting re-renders the view; the row exists once the new filter applies.
  if (Config.current().showAllDevices) {
    const shown = await tree.deviceNode(hostId, b);
    if (shown) await view.reveal(shown, { select: true, focus: true, expand: false });
  }
}
