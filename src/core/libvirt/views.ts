import type { Bdf } from '../pci/bdf';
import type { HostSnapshot, PciDevice } from '../hostSnapshot';
import { deviceTitle } from '../pci/tree';
import { libvirtFindings, type LibvirtFinding } from './findings';
import { deviceHolders, holderText, type Holder } from './holders';
import { guestHoldsDevices, type Guest, type GuestNic } from './model';

/**
 * The editor's shapes of a libvirt inventory, shared by the Devices rows (who holds a function, what is wrong
 * with it) and the Guests view (host → guest → NICs and passthrough devices → findings). Pure: the extension
 * only turns these into tree items. Built once per snapshot (snapshots are immutable).
 */
export interface LibvirtView {
  readonly holders: ReadonlyMap<Bdf, readonly Holder[]>;
  readonly findings: readonly LibvirtFinding[];
  /** Findings naming a PCI function, by that function. */
  readonly byDevice: ReadonlyMap<Bdf, readonly LibvirtFinding[]>;
  /** Findings naming a guest, by guest name. */
  readonly byGuest: ReadonlyMap<string, readonly LibvirtFinding[]>;
}

const views = new WeakMap<HostSnapshot, LibvirtView>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function libvirtView(snapshot: HostSnapshot): LibvirtView {
  let v = views.get(snapshot);
  if (!v) {
    const findings = libvirtFindings(snapshot);
    const byDevice = new Map<Bdf, LibvirtFinding[]>();
    const byGuest = new Map<string, LibvirtFinding[]>();
    for (const f of findings) {
      if (f.bdf !== undefined) push(byDevice, f.bdf, f);
      for (const g of new Set(f.guests)) push(byGuest, g, f);
    }
    v = { holders: deviceHolders(snapshot), findings, byDevice, byGuest };
    views.set(snapshot, v);
  }
  return v;
}

/** The Devices row's words: "held by web (running)", "held by db (stopped)", "in VF pool pool"; several joined. */
export function heldByText(holders: readonly Holder[]): string {
  const parts = holders.map((h) => (h.kind === 'guest' ? `held by ${h.guest} (${h.running ? 'running' : 'stopped'})` : `in VF pool ${h.network}${h.active ? '' : ' (inactive)'}`));
  return [...new Set(parts)].join(', ');
}

/** Tooltip lines of a device: each holder in full and each finding on it. */
export function deviceLibvirtFacts(snapshot: HostSnapshot, d: PciDevice): [string, string][] {
  const v = libvirtView(snapshot);
  return [
    ...(v.holders.get(d.bdf) ?? []).map((h): [string, string] => ['Held by', holderText(h)]),
    ...(v.byDevice.get(d.bdf) ?? []).map((f): [string, string] => [`Problem (${f.code})`, f.message]),
  ];
}

/** Guests holding the function (a device row's "Reveal Holder" targets), in inventory order. */
export function guestHolders(snapshot: HostSnapshot, bdf: Bdf): string[] {
  return [...new Set((libvirtView(snapshot).holders.get(bdf) ?? []).flatMap((h) => (h.kind === 'guest' ? [h.guest] : [])))];
}

/** A row under a guest: a NIC, a PCI passthrough device, or a finding. `bdf` links the row to its Devices row. */
export type GuestPart =
  | { readonly kind: 'nic'; readonly index: number; readonly label: string; readonly description: string; readonly bdf?: Bdf }
  | { readonly kind: 'hostdev'; readonly index: number; readonly label: string; readonly description: string; readonly bdf: Bdf }
  | { readonly kind: 'finding'; readonly index: number; readonly label: string; readonly code: string };

/** virsh's state in the words the rows use: QEMU holding the devices is what matters. */
export function guestStateText(g: Guest): string {
  return g.state === undefined ? 'state unknown' : guestHoldsDevices(g) ? (g.state === 'running' ? 'running' : `running (${g.state})`) : g.state === 'shut off' ? 'stopped' : g.state;
}

export function guestDescription(g: Guest): string {
  return [guestStateText(g), g.persistent === false ? 'transient' : undefined, g.autostart ? 'autostart' : undefined, g.error ? 'definition incomplete' : undefined]
    .filter(Boolean)
    .join(' · ');
}

function nicSource(n: GuestNic): string | undefined {
  if (n.network !== undefined) return `network ${n.network}`;
  if (n.bridge !== undefined) return `bridge ${n.bridge}`;
  if (n.dev !== undefined) return `${n.dev}${n.mode ? ` (${n.mode})` : ''}`;
  if (n.address !== undefined) return n.address;
  return undefined;
}

/** The rows under a guest: NICs, then passthrough devices, then what is wrong with it. */
export function guestParts(snapshot: HostSnapshot, g: Guest): GuestPart[] {
  const byBdf = new Map(snapshot.devices.map((d) => [d.bdf, d]));
  const name = (bdf: Bdf) => {
    const d = byBdf.get(bdf);
    return d ? deviceTitle(d) : 'not a PCI function of this host';
  };
  const parts: GuestPart[] = [];
  g.nics.forEach((n, i) => {
    const description = [nicSource(n), n.mac, n.model, n.target, n.address !== undefined ? name(n.address) : undefined].filter(Boolean).join(' · ');
    parts.push({ kind: 'nic', index: i, label: `interface ${n.type}`, description, ...(n.address !== undefined ? { bdf: n.address } : {}) });
  });
  g.hostdevs.forEach((h, i) => parts.push({ kind: 'hostdev', index: i, label: h.address, description: ['hostdev', h.managed ? 'managed' : undefined, name(h.address)].filter(Boolean).join(' · '), bdf: h.address }));
  const findings = libvirtView(snapshot).byGuest.get(g.name) ?? [];
  findings.forEach((f, i) => parts.push({ kind: 'finding', index: i, label: f.message, code: f.code }));
  if (g.error) parts.push({ kind: 'finding', index: findings.length, label: g.error, code: 'definition-incomplete' });
  return parts;
}

/** Findings no guest row shows (a pool on a missing PF that no guest uses): listed under the host. */
export function hostOnlyFindings(snapshot: HostSnapshot): LibvirtFinding[] {
  return libvirtView(snapshot).findings.filter((f) => f.guests.length === 0);
}

/** The guest row and part that hold a function, for "Reveal Holder": hostdev rows first, then NICs. */
export function holderPart(snapshot: HostSnapshot, bdf: Bdf, guest: string): { guest: Guest; part: GuestPart } | undefined {
  const g = snapshot.libvirt?.guests.find((x) => x.name === guest);
  if (!g) return undefined;
  const parts = guestParts(snapshot, g);
  const part = parts.find((p) => p.kind === 'hostdev' && p.bdf === bdf) ?? parts.find((p) => p.kind === 'nic' && p.bdf === bdf);
  return part ? { guest: g, part } : undefined;
}
