import * as vscode from 'vscode';
import type { HostSnapshot, PciDevice } from '../../core/hostSnapshot';
import { VFIO_DRIVER } from '../../core/pci/classes';
import { hostChangeBlocked, libvirtOnHost } from '../../core/pci/actions';
import { deviceFacts, deviceFlags, deviceTitle, DeviceTreeModel, type TreeEntry } from '../../core/pci/tree';
import { deviceLibvirtFacts, guestHolders, heldByText, libvirtView } from '../../core/libvirt/views';
import { Config } from '../config';
import { configuredHosts, hostSnapshots, type HostEntry } from '../hosts';
import { HostFetches, hostSnapshotFor, type HostMessageNode } from '../hostView';
import type { Log } from '../log';
import { Commands } from '../commands';

export type DeviceTreeNode =
  | { readonly kind: 'host'; readonly host: HostEntry }
  | { readonly kind: 'device'; readonly host: HostEntry; readonly snapshot: HostSnapshot; readonly device: PciDevice; readonly model: DeviceTreeModel; readonly entry: TreeEntry & { kind: 'device' } }
  | { readonly kind: 'group'; readonly host: HostEntry; readonly snapshot: HostSnapshot; readonly model: DeviceTreeModel; readonly entry: TreeEntry & { kind: 'group' } }
  | HostMessageNode;

/** A PCI function's row: what the Devices context menu hands to other features' commands (scripts, composer). */
export type DeviceNode = DeviceTreeNode & { readonly kind: 'device' };

/** Every device row this view made: a command argument is one of them by identity, whatever its shape. */
const deviceNodes = new WeakSet<object>();

/** Whether a command was invoked on a row of the Devices view (its context menu passes the row itself). */
export function isDeviceNode(arg: unknown): arg is DeviceNode {
  return typeof arg === 'object' && arg !== null && deviceNodes.has(arg);
}

/** Icon priority: what matters most for "can I take this device?" wins. */
function deviceIcon(snapshot: HostSnapshot, d: PciDevice): vscode.ThemeIcon {
  const f = deviceFlags(snapshot, d);
  if (f.carriesSshSession) return new vscode.ThemeIcon('remote', new vscode.ThemeColor('list.warningForeground'));
  if (f.carriesDefaultRoute) return new vscode.ThemeIcon('globe', new vscode.ThemeColor('list.warningForeground'));
  if (libvirtView(snapshot).byDevice.has(d.bdf)) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (f.onVfio) return new vscode.ThemeIcon('plug', new vscode.ThemeColor('charts.green'));
  if (f.isVf) return new vscode.ThemeIcon('symbol-field');
  if (f.sriovCapable) return new vscode.ThemeIcon('type-hierarchy-sub');
  return new vscode.ThemeIcon('circuit-board');
}

/** Space-separated tags matched by `viewItem =~ /\btag\b/` in package.json menus. */
function deviceContext(snapshot: HostSnapshot, d: PciDevice, host: HostEntry): string {
  const f = deviceFlags(snapshot, d);
  // A guest holds it: "Reveal Holder" (the Guests view).
  const held = guestHolders(snapshot, d.bdf).length > 0 ? 'held' : '';
  // Discovery did not finish: none of the tags host-changing actions key on.
  if (hostChangeBlocked(snapshot)) return ['device', f.isVf ? 'vf' : '', 'partial', held].filter(Boolean).join(' ');
  return [
    'device',
    f.sriovCapable ? 'sriov' : '',
    f.isVf ? 'vf' : '',
    f.onVfio ? 'vfio' : 'notvfio',
    f.carriesDefaultRoute || f.carriesSshSession ? 'uplink' : '',
    host.spec?.kind === 'demo' ? 'demo' : 'live',
    libvirtOnHost(snapshot) ? 'libvirt' : '',
    held,
  ]
    .filter(Boolean)
    .join(' ');
}

export function deviceTooltip(snapshot: HostSnapshot, d: PciDevice): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(deviceTitle(d)).appendMarkdown('**\n\n');
  // Host data is text, never markdown.
  for (const [k, v] of [...deviceFacts(snapshot, d), ...deviceLibvirtFacts(snapshot, d)]) md.appendText(`${k}: ${v}`).appendMarkdown('  \n');
  return md;
}

/**
 * The "Devices" tree: host → (IOMMU group →) device → VFs, each host discovered lazily on expansion
 * and each level resolved only when VS Code asks for it (DeviceTreeModel); tooltips are built on hover.
 */
export class DevicesTree implements vscode.TreeDataProvider<DeviceTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeviceTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly hostNodes = new Map<string, DeviceTreeNode & { kind: 'host' }>();
  private readonly subscription: vscode.Disposable;
  private readonly fetches = new HostFetches((id) => this.changed.fire(id === undefined ? undefined : this.hostNodes.get(id)));
  groupByIommu = false;
  /** One lazy model per snapshot and view options: a re-render reuses the levels already resolved. */
  private readonly models = new WeakMap<HostSnapshot, Map<string, DeviceTreeModel>>();

  constructor(private readonly log: Log) {
    this.subscription = hostSnapshots.onDidChange((id) => {
      const s = id === undefined ? undefined : hostSnapshots.peek(id);
      if (id !== undefined && s?.state === 'error') this.log.error(`devices: ${this.hostNodes.get(id)?.host.label ?? id}: ${s.message}`);
      if (id !== undefined && s?.state === 'done') for (const w of s.snapshot.warnings) this.log.warn(`devices: ${id}: ${w}`);
      if (id !== undefined && s?.state === 'done' && s.snapshot.partial !== undefined) this.log.error(`devices: ${id}: discovery did not finish: ${s.snapshot.partial}`);
      this.fetches.changed(id);
    });
  }

  /** Re-render without rediscovering (view options changed). */
  rerender(): void {
    this.changed.fire(undefined);
  }

  /** Rediscover one host (or all): the next expansion runs discovery again. */
  refresh(hostId?: string): void {
    hostSnapshots.invalidate(hostId);
  }

  hostNode(hostId: string): DeviceTreeNode | undefined {
    return this.hostNodes.get(hostId);
  }

  getTreeItem(node: DeviceTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'host':
        return this.hostItem(node.host);
      case 'device': {
        const { device: d, snapshot } = node;
        // Collapsible from the VF count alone: the VF rows are built when the PF is expanded.
        const item = new vscode.TreeItem(d.bdf, node.entry.vfCount > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `devices:${node.host.id}:${this.groupByIommu ? 'g' : 'd'}:${d.bdf}`;
        // Driver and netdev first: the side bar is narrow and the full name is in the tooltip.
        const holders = libvirtView(snapshot).holders.get(d.bdf);
        item.description = [d.driver ?? 'no driver', holders ? heldByText(holders) : '', ...(d.netdevs ?? []), d.iommuGroup !== undefined && !this.groupByIommu ? `group ${d.iommuGroup}` : '', d.deviceName ?? deviceTitle(d)]
          .filter(Boolean)
          .join(' · ');
        item.iconPath = deviceIcon(snapshot, d);
        item.contextValue = deviceContext(snapshot, d, node.host);
        return item;
      }
      case 'group': {
        const { id, devices } = node.entry;
        const item = new vscode.TreeItem(`IOMMU group ${id}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `devices:${node.host.id}:group:${id}`;
        const onVfio = devices.filter((d) => d.driver === VFIO_DRIVER).length;
        const blocking = devices.filter((d) => d.driver !== undefined && d.driver !== VFIO_DRIVER && d.driver !== 'pcieport');
        const viability = onVfio > 0 && blocking.length > 0 ? ' · not viable for vfio' : onVfio === devices.length ? ' · all on vfio-pci' : '';
        item.description = `${devices.length} function${devices.length === 1 ? '' : 's'}${devices.length > 1 ? ' (shared)' : ''}${viability}`;
        item.tooltip = viability.includes('not viable')
          ? `vfio needs every member of group ${id} bound to vfio-pci (or driverless); still on host drivers: ${blocking.map((d) => `${d.bdf} (${d.driver})`).join(', ')}`
          : undefined;
        item.iconPath = new vscode.ThemeIcon(viability.includes('not viable') ? 'warning' : 'layers');
        item.contextValue = 'iommuGroup';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = `devices:${node.host.id}:message:${node.text}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.retry ? 'devices.error' : 'devices.message';
        if (node.detail) item.tooltip = node.detail;
        if (node.retry) item.command = { command: Commands.devices.retry, title: 'Retry', arguments: [node] };
        return item;
      }
    }
  }

  /** The tooltip lists every fact of a device: built when the row is hovered, not for every row shown. */
  resolveTreeItem(item: vscode.TreeItem, node: DeviceTreeNode): vscode.TreeItem {
    if (node.kind === 'device') item.tooltip = deviceTooltip(node.snapshot, node.device);
    return item;
  }

  private hostItem(host: HostEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `devices:${host.id}`;
    item.contextValue = host.error ? 'host.invalid' : host.spec?.kind === 'demo' ? 'host demo' : 'host live';
    const s = hostSnapshots.peek(host.id);
    if (host.error) {
      item.description = host.error;
      item.iconPath = new vscode.ThemeIcon('error');
    } else if (s?.state === 'done') {
      const vfs = s.snapshot.devices.filter((d) => d.physfn !== undefined).length;
      const partial = s.snapshot.partial;
      item.description = `${partial !== undefined ? 'partial · ' : ''}${s.snapshot.system.hostname ?? ''} · ${s.snapshot.devices.length} functions${vfs ? `, ${vfs} VFs` : ''}`;
      item.tooltip = `${host.label}${s.snapshot.capturedAt ? `, discovered ${s.snapshot.capturedAt}` : ''}${partial !== undefined ? `\nDiscovery did not finish: ${partial}\nHost actions are disabled.` : ''}${s.snapshot.warnings.length ? `\n${s.snapshot.warnings.length} warnings (see the log)` : ''}`;
      item.iconPath = partial !== undefined ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon(host.spec?.kind === 'demo' ? 'beaker' : 'server');
    } else {
      item.description = s?.state === 'loading' ? 'discovering…' : s?.state === 'error' ? 'failed' : undefined;
      item.iconPath = new vscode.ThemeIcon(s?.state === 'error' ? 'error' : host.spec?.kind === 'demo' ? 'beaker' : 'server');
    }
    return item;
  }

  /** For TreeView.reveal: a device's parent is its PF (PF → VF tree) or its group (grouped), else the host. */
  getParent(node: DeviceTreeNode): DeviceTreeNode | undefined {
    if (node.kind === 'host') return undefined;
    const host = this.hostNodes.get(node.host.id);
    if (node.kind !== 'device') return host;
    const { model, device: d } = node;
    const parent = model.options.groupByIommu
      ? model.children().find((e) => e.kind === 'group' && e.id === d.iommuGroup)
      : d.physfn !== undefined ? model.children().find((e) => e.kind === 'device' && e.device.bdf === d.physfn) : undefined;
    return parent ? this.entryNodes(node.host, model, [parent])[0] : host;
  }

  /** The row of a host's PCI function as the view shows it now (for reveal), or undefined when the filter hides it. */
  async deviceNode(hostId: string, bdf: string): Promise<DeviceTreeNode | undefined> {
    if (!this.hostNodes.has(hostId)) await this.getChildren();
    const s = hostSnapshots.peek(hostId);
    const host = this.hostNodes.get(hostId);
    if (!host || s?.state !== 'done') return undefined;
    const model = this.model(s.snapshot, Config.current().showAllDevices);
    for (const e of model.children()) {
      const found = e.kind === 'device' && e.device.bdf === bdf ? e : model.children(e).find((c) => c.kind === 'device' && c.device.bdf === bdf);
      if (found) return this.entryNodes(host.host, model, [found])[0];
    }
    return undefined;
  }

  async getChildren(node?: DeviceTreeNode): Promise<DeviceTreeNode[]> {
    if (!node) {
      this.hostNodes.clear();
      return configuredHosts(Config.current()).map((host) => {
        const n = { kind: 'host', host } as const;
        this.hostNodes.set(host.id, n);
        return n;
      });
    }
    if (node.kind === 'device' || node.kind === 'group') return this.entryNodes(node.host, node.model, node.model.children(node.entry));
    if (node.kind !== 'host') return [];
    return this.fetches.fetch(node.host.id, () => this.hostChildren(node.host));
  }

  private async hostChildren(host: HostEntry): Promise<DeviceTreeNode[]> {
    const snapshot = await hostSnapshotFor(host, 'kvmnet.devices');
    if ('kind' in snapshot) return [snapshot];
    const showAll = Config.current().showAllDevices;
    const model = this.model(snapshot, showAll);
    const children = this.entryNodes(host, model, model.children());
    if (snapshot.partial !== undefined) {
      const text = `Discovery did not finish: ${snapshot.partial}`;
      children.unshift({ kind: 'message', host, text, icon: 'warning', detail: `${text}\n\nFacts may be missing, so host actions are disabled. Click to discover again.`, retry: true });
    }
    if (this.groupByIommu && snapshot.iommuGroups.length === 0) {
      children.push({ kind: 'message', host, text: 'No IOMMU groups: the IOMMU is off (intel_iommu=on / amd_iommu) or absent', icon: 'info' });
    }
    const shown = this.groupByIommu ? children.length : children.reduce((n, c) => n + (c.kind === 'device' ? 1 + c.entry.vfCount : 0), 0);
    if (!showAll && !this.groupByIommu && shown < snapshot.devices.length) {
      children.push({ kind: 'message', host, text: `${snapshot.devices.length - shown} other PCI functions hidden`, icon: 'eye-closed', detail: 'Setting kvmnet.devices.showAll shows every function.' });
    }
    if (children.length === 0) children.push({ kind: 'message', host, text: 'No network-related PCI devices', icon: 'info' });
    return children;
  }

  private model(snapshot: HostSnapshot, showAll: boolean): DeviceTreeModel {
    const key = `${showAll}:${this.groupByIommu}`;
    let byOptions = this.models.get(snapshot);
    if (!byOptions) this.models.set(snapshot, (byOptions = new Map()));
    let model = byOptions.get(key);
    if (!model) byOptions.set(key, (model = new DeviceTreeModel(snapshot, { showAll, groupByIommu: this.groupByIommu })));
    return model;
  }

  private entryNodes(host: HostEntry, model: DeviceTreeModel, entries: readonly TreeEntry[]): DeviceTreeNode[] {
    const { snapshot } = model;
    return entries.map((entry) => {
      if (entry.kind !== 'device') return { kind: 'group', host, snapshot, model, entry };
      const node: DeviceNode = { kind: 'device', host, snapshot, device: entry.device, model, entry };
      deviceNodes.add(node);
      return node;
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
