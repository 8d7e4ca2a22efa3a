import * as vscode from 'vscode';
import type { Bdf } from '../../core/pci/bdf';
import type { HostSnapshot } from '../../core/hostSnapshot';
import type { Guest, LibvirtNetwork } from '../../core/libvirt/model';
import { guestHoldsDevices } from '../../core/libvirt/model';
import { guestDescription, guestParts, holderPart, hostOnlyFindings, libvirtView, type GuestPart } from '../../core/libvirt/views';
import { libvirtUnavailable } from '../../core/pci/actions';
import { Config } from '../config';
import { configuredHosts, hostSnapshots, type HostEntry } from '../hosts';
import { HostFetches, hostSnapshotFor, type HostMessageNode } from '../hostView';
import { Commands } from '../commands';

export type GuestTreeNode =
  | { readonly kind: 'host'; readonly host: HostEntry }
  | { readonly kind: 'guest'; readonly host: HostEntry; readonly snapshot: HostSnapshot; readonly guest: Guest }
  | { readonly kind: 'part'; readonly host: HostEntry; readonly snapshot: HostSnapshot; readonly guest: Guest; readonly part: GuestPart }
  | { readonly kind: 'network'; readonly host: HostEntry; readonly snapshot: HostSnapshot; readonly network: LibvirtNetwork }
  | HostMessageNode;

const warning = (icon = 'warning') => new vscode.ThemeIcon(icon, new vscode.ThemeColor('list.warningForeground'));

/**
 * The "Guests" view: host → libvirt guest → its NICs, PCI passthrough devices and findings, from the same
 * shared discovery as the Devices view (core/libvirt/views.ts builds the rows). A row that names a PCI
 * function links to its Devices row ("Reveal in Devices") and the device row back here ("Reveal Holder").
 */
export class GuestsTree implements vscode.TreeDataProvider<GuestTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<GuestTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly hostNodes = new Map<string, GuestTreeNode & { kind: 'host' }>();
  private readonly subscription: vscode.Disposable;
  private readonly fetches = new HostFetches((id) => this.changed.fire(id === undefined ? undefined : this.hostNodes.get(id)));

  constructor() {
    this.subscription = hostSnapshots.onDidChange((id) => {
      this.fetches.changed(id);
    });
  }

  rerender(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: GuestTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'host': {
        const item = new vscode.TreeItem(node.host.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `guests:${node.host.id}`;
        item.contextValue = node.host.error ? 'guests.host.invalid' : 'guests.host';
        const s = hostSnapshots.peek(node.host.id);
        const inv = s?.state === 'done' ? s.snapshot.libvirt : undefined;
        item.description = node.host.error ?? (inv ? `${inv.guests.length} guest${inv.guests.length === 1 ? '' : 's'}` : s?.state === 'loading' ? 'discovering…' : undefined);
        item.iconPath = new vscode.ThemeIcon(node.host.error ? 'error' : node.host.spec?.kind === 'demo' ? 'beaker' : 'server');
        return item;
      }
      case 'guest': {
        const { guest: g } = node;
        const hasRows = guestParts(node.snapshot, g).length > 0;
        const item = new vscode.TreeItem(g.name, hasRows ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `guests:${node.host.id}:${g.uuid}`;
        item.description = guestDescription(g);
        const problems = libvirtView(node.snapshot).byGuest.get(g.name)?.length ?? 0;
        item.iconPath = problems > 0 || g.error ? warning() : new vscode.ThemeIcon(guestHoldsDevices(g) ? 'vm-running' : 'vm-outline');
        // Guest data is text, never markdown.
        item.tooltip = [g.name, `UUID ${g.uuid}`, `state ${g.state ?? 'unknown'}`, g.persistent === false ? 'transient' : 'persistent', g.autostart ? 'autostart' : '', problems ? `${problems} problem${problems === 1 ? '' : 's'} (listed below)` : '', g.error ?? '']
          .filter(Boolean)
          .join('\n');
        item.contextValue = 'guest';
        return item;
      }
      case 'part':
        return this.partItem(node);
      case 'network': {
        const { network: n } = node;
        const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.None);
        item.id = `guests:${node.host.id}:network:${n.uuid}`;
        const where = n.bridge ?? n.pf?.join(', ') ?? n.devs?.join(', ');
        item.description = [`network, ${n.forwardMode ?? 'isolated'}`, where, n.active === false ? 'inactive' : ''].filter(Boolean).join(' · ');
        item.iconPath = n.error ? warning() : new vscode.ThemeIcon('type-hierarchy-sub');
        // Network data is text, never markdown.
        item.tooltip = [n.name, `UUID ${n.uuid}`, `forward ${n.forwardMode ?? 'none (isolated)'}`, n.bridge ? `bridge ${n.bridge}` : '', n.active === false ? 'inactive' : 'active', n.error ?? '']
          .filter(Boolean)
          .join('\n');
        item.contextValue = 'network';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = `guests:${node.host.id}:message:${node.text}`;
        item.iconPath = node.icon === 'warning' ? warning() : new vscode.ThemeIcon(node.icon);
        item.contextValue = node.retry ? 'guests.error' : 'guests.message';
        if (node.detail) item.tooltip = node.detail;
        if (node.retry) item.command = { command: Commands.guests.retry, title: 'Retry', arguments: [node] };
        return item;
      }
    }
  }

  private partItem(node: GuestTreeNode & { kind: 'part' }): vscode.TreeItem {
    const { part: p } = node;
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
    item.id = `guests:${node.host.id}:${node.guest.uuid}:${p.kind}:${p.index}`;
    if (p.kind === 'finding') {
      item.iconPath = warning();
      item.tooltip = `${p.code}: ${p.label}`;
      item.contextValue = 'guest.finding';
      return item;
    }
    item.description = p.description;
    item.iconPath = new vscode.ThemeIcon(p.kind === 'hostdev' ? 'circuit-board' : p.bdf !== undefined ? 'symbol-field' : 'plug');
    // Only a row naming a PCI function this host has can be revealed in Devices.
    const onHost = p.bdf !== undefined && node.snapshot.devices.some((d) => d.bdf === p.bdf);
    item.contextValue = onHost ? 'guest.device' : 'guest.nic';
    return item;
  }

  getParent(node: GuestTreeNode): GuestTreeNode | undefined {
    if (node.kind === 'host') return undefined;
    if (node.kind === 'part') return { kind: 'guest', host: node.host, snapshot: node.snapshot, guest: node.guest };
    return this.hostNodes.get(node.host.id);
  }

  /** The row of a guest that holds a function (for "Reveal Holder"), once its host was discovered. */
  async partNode(hostId: string, guest: string, bdf: Bdf): Promise<GuestTreeNode | undefined> {
    if (!this.hostNodes.has(hostId)) await this.getChildren();
    const host = this.hostNodes.get(hostId);
    const s = hostSnapshots.peek(hostId);
    if (!host || s?.state !== 'done') return undefined;
    const found = holderPart(s.snapshot, bdf, guest);
    return found && { kind: 'part', host: host.host, snapshot: s.snapshot, guest: found.guest, part: found.part };
  }

  async getChildren(node?: GuestTreeNode): Promise<GuestTreeNode[]> {
    if (!node) {
      this.hostNodes.clear();
      return configuredHosts(Config.current()).map((host) => {
        const n = { kind: 'host', host } as const;
        this.hostNodes.set(host.id, n);
        return n;
      });
    }
    if (node.kind === 'guest') return guestParts(node.snapshot, node.guest).map((part) => ({ kind: 'part', host: node.host, snapshot: node.snapshot, guest: node.guest, part }));
    if (node.kind !== 'host') return [];
    return this.fetches.fetch(node.host.id, () => this.hostChildren(node.host));
  }

  private async hostChildren(host: HostEntry): Promise<GuestTreeNode[]> {
    const snapshot = await hostSnapshotFor(host, 'kvmnet.guests');
    if ('kind' in snapshot) return [snapshot];
    const inv = snapshot.libvirt;
    const out: GuestTreeNode[] = [];
    if (snapshot.partial !== undefined) {
      const text = `Discovery did not finish: ${snapshot.partial}`;
      out.push({ kind: 'message', host, text, icon: 'warning', detail: `${text}\n\nGuests may be missing. Click to discover again.`, retry: true });
    }
    if (!inv) {
      const why = libvirtUnavailable(snapshot.system) ?? 'discovery could not read libvirt on this host';
      out.push({ kind: 'message', host, text: 'No libvirt guests listed', icon: 'info', detail: why });
      return out;
    }
    for (const e of inv.errors) out.push({ kind: 'message', host, text: e, icon: 'warning' });
    for (const f of hostOnlyFindings(snapshot)) out.push({ kind: 'message', host, text: f.message, icon: 'warning', detail: `${f.code}: ${f.message}` });
    out.push(...inv.guests.map((guest) => ({ kind: 'guest', host, snapshot, guest }) as const));
    if (inv.guests.length === 0) out.push({ kind: 'message', host, text: `No guests defined (${inv.uri})`, icon: 'info' });
    // The host's virtual networks after its guests: their definitions open like a guest's.
    out.push(...inv.networks.map((network) => ({ kind: 'network', host, snapshot, network }) as const));
    return out;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
