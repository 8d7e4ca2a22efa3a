import type { Bdf } from './bdf';
import type { HostSnapshot, IommuGroup, NetInterface, PciDevice } from '../hostSnapshot';
import { isNetworkRelated, isSriovCapable, VFIO_DRIVER } from './classes';

/**
 * The explorer's shape of a snapshot, shared by the CLI text output and the editor's tree:
 * top-level functions (PFs and ordinary devices) with their VFs underneath, optionally
 * filtered to network-related devices or grouped by IOMMU group.
 */
export interface DeviceNode {
  readonly device: PciDevice;
  readonly vfs: readonly PciDevice[];
}

export interface GroupNode {
  readonly id: number;
  readonly devices: readonly PciDevice[];
}

export interface ViewOptions {
  /** All PCI functions instead of network-related ones only. */
  readonly showAll?: boolean;
}

/** Per-snapshot lookups, built once (snapshots are immutable): keeps every per-device question O(1). */
interface SnapshotIndex {
  readonly byBdf: Map<Bdf, PciDevice>;
  readonly interfaces: Map<string, NetInterface>;
  readonly groups: Map<number, IommuGroup>;
}
const indexes = new WeakMap<HostSnapshot, SnapshotIndex>();

/** Untrusted input may repeat a key: the first occurrence wins, as a linear search would find it. */
function firstBy<K, V>(items: readonly V[], key: (v: V) => K): Map<K, V> {
  const m = new Map<K, V>();
  for (const v of items) if (!m.has(key(v))) m.set(key(v), v);
  return m;
}

function index(snapshot: HostSnapshot): SnapshotIndex {
  let i = indexes.get(snapshot);
  if (!i) {
    i = { byBdf: firstBy(snapshot.devices, (d) => d.bdf), interfaces: firstBy(snapshot.interfaces, (n) => n.name), groups: firstBy(snapshot.iommuGroups, (g) => g.id) };
    indexes.set(snapshot, i);
  }
  return i;
}

/** A row below a host: a device (PF with `vfCount` VFs underneath, or a leaf) or an IOMMU group. */
export type TreeEntry =
  | { readonly kind: 'device'; readonly device: PciDevice; readonly vfCount: number }
  | { readonly kind: 'group'; readonly id: number; readonly devices: readonly PciDevice[] };

export interface TreeOptions extends ViewOptions {
  /** Host → IOMMU groups → members, instead of host → PF/device → VFs. */
  readonly groupByIommu?: boolean;
}

/**
 * The explorer tree of one snapshot, resolved lazily: `children(entry)` computes one level the
 * first time it is asked for (and keeps it), so expanding a host never walks its PFs' VFs and an
 * entry says whether it has children (`vfCount`) without building them. The editor's tree view
 * asks level by level; the CLI asks for everything.
 */
export class DeviceTreeModel {
  private readonly levels = new Map<TreeEntry | undefined, readonly TreeEntry[]>();

  constructor(
    readonly snapshot: HostSnapshot,
    readonly options: TreeOptions = {},
  ) {}

  /** Children of the host (no entry) or of an entry of this model. */
  children(parent?: TreeEntry): readonly TreeEntry[] {
    let level = this.levels.get(parent);
    if (!level) {
      level = parent === undefined ? this.roots() : parent.kind === 'group' ? this.members(parent) : this.vfsOf(parent);
      this.levels.set(parent, level);
    }
    return level;
  }

  /** How many levels have been computed so far (the host's own counts as one). */
  get resolvedLevels(): number {
    return this.levels.size;
  }

  isResolved(parent?: TreeEntry): boolean {
    return this.levels.has(parent);
  }

  private keep(d: PciDevice): boolean {
    return this.options.showAll === true || isNetworkRelated(d);
  }

  private roots(): TreeEntry[] {
    const { byBdf } = index(this.snapshot);
    const out: TreeEntry[] = [];
    if (this.options.groupByIommu) {
      // All members of a shown group, whatever the filter: viability needs them all.
      for (const g of this.snapshot.iommuGroups) {
        const devices = g.devices.map((b) => byBdf.get(b)).filter((d): d is PciDevice => d !== undefined);
        if (devices.some((d) => this.keep(d))) out.push({ kind: 'group', id: g.id, devices });
      }
      return out;
    }
    // A PF is shown when it or any of its VFs is; a VF shows under its PF, or at top level when its PF is unknown.
    for (const d of this.snapshot.devices) {
      if (d.physfn && byBdf.has(d.physfn)) continue;
      let vfCount = 0;
      let keep = this.keep(d);
      for (const b of d.virtfns ?? []) {
        const vf = byBdf.get(b);
        if (!vf) continue;
        vfCount++;
        keep ||= this.keep(vf);
      }
      if (keep) out.push({ kind: 'device', device: d, vfCount });
    }
    return out;
  }

  private vfsOf(pf: TreeEntry & { kind: 'device' }): TreeEntry[] {
    if (pf.vfCount === 0) return [];
    const { byBdf } = index(this.snapshot);
    return (pf.device.virtfns ?? []).flatMap((b) => {
      const vf = byBdf.get(b);
      return vf ? [{ kind: 'device', device: vf, vfCount: 0 } as const] : [];
    });
  }

  private members(g: TreeEntry & { kind: 'group' }): TreeEntry[] {
    return g.devices.map((device) => ({ kind: 'device', device, vfCount: 0 }));
  }
}

/** The whole PF → VF forest at once (CLI text output). */
export function deviceForest(snapshot: HostSnapshot, options: ViewOptions = {}): DeviceNode[] {
  const model = new DeviceTreeModel(snapshot, options);
  return model.children().flatMap((e) => (e.kind === 'device' ? [{ device: e.device, vfs: model.children(e).flatMap((v) => (v.kind === 'device' ? [v.device] : [])) }] : []));
}

/** IOMMU groups with their members (all members, whatever the filter, when any member passes it: viability needs all). */
export function iommuGroupView(snapshot: HostSnapshot, options: ViewOptions = {}): GroupNode[] {
  return new DeviceTreeModel(snapshot, { ...options, groupByIommu: true }).children().flatMap((e) => (e.kind === 'group' ? [{ id: e.id, devices: e.devices }] : []));
}

export interface DeviceFlags {
  readonly sriovCapable: boolean;
  readonly isVf: boolean;
  readonly onVfio: boolean;
  readonly carriesDefaultRoute: boolean;
  readonly carriesSshSession: boolean;
}

/** Network interfaces of a device, including bridges/bonds they are enslaved to (a route on br0 still runs through the port). */
export function deviceInterfaces(snapshot: HostSnapshot, d: PciDevice): NetInterface[] {
  const { interfaces } = index(snapshot);
  return [...new Set(d.netdevs ?? [])].map((n) => interfaces.get(n)).filter((i): i is NetInterface => i !== undefined);
}

export function deviceFlags(snapshot: HostSnapshot, d: PciDevice): DeviceFlags {
  const own = deviceInterfaces(snapshot, d);
  const masters = new Set(own.map((i) => i.master).filter((m): m is string => m !== undefined));
  const { interfaces } = index(snapshot);
  const related = [...own, ...[...masters].map((m) => interfaces.get(m)).filter((i): i is NetInterface => i !== undefined)];
  return {
    sriovCapable: isSriovCapable(d),
    isVf: d.physfn !== undefined,
    onVfio: d.driver === VFIO_DRIVER,
    carriesDefaultRoute: related.some((i) => i.carriesDefaultRoute === true),
    carriesSshSession: related.some((i) => i.carriesSshSession === true),
  };
}

/** The other functions of the device's IOMMU group: they go to a guest together or not at all. */
export function groupMates(snapshot: HostSnapshot, d: PciDevice): Bdf[] {
  if (d.iommuGroup === undefined) return [];
  return (index(snapshot).groups.get(d.iommuGroup)?.devices ?? []).filter((b) => b !== d.bdf);
}

/** `vendor:device`, the form `lspci -d` and vfio-pci's `ids=` take. */
export function vendorDevice(d: PciDevice): string {
  return `${d.vendorId}:${d.deviceId}`;
}

/** Name for a label: lspci/pci.ids names when known, else the ids. */
export function deviceTitle(d: PciDevice): string {
  const name = [d.vendorName, d.deviceName].filter((x) => x !== undefined).join(' ');
  return name !== '' ? name : `${d.className ?? 'PCI device'} ${vendorDevice(d)}`;
}

/** Every known fact as label/value pairs (tooltips, `--verbose` text). */
export function deviceFacts(snapshot: HostSnapshot, d: PciDevice): [string, string][] {
  const f = deviceFlags(snapshot, d);
  const facts: [string, string | undefined][] = [
    ['Address', d.bdf],
    ['Name', deviceTitle(d)],
    ['Class', `${d.className ?? '?'} (${d.classCode})`],
    ['Vendor:device', vendorDevice(d)],
    ['Subsystem', d.subsystemVendorId && d.subsystemDeviceId ? `${d.subsystemVendorId}:${d.subsystemDeviceId}` : undefined],
    ['Driver', d.driver ?? '(none)'],
    ['driver_override', d.driverOverride],
    ['IOMMU group', d.iommuGroup === undefined ? undefined : `${d.iommuGroup}${groupMates(snapshot, d).length ? ` (shared with ${groupMates(snapshot, d).join(', ')})` : ''}`],
    ['NUMA node', d.numaNode?.toString()],
    ['SR-IOV', d.sriovTotalVfs !== undefined ? `${d.sriovNumVfs ?? 0} of ${d.sriovTotalVfs} VFs enabled` : undefined],
    ['Physical function', d.physfn],
    ['Virtual functions', d.virtfns?.length ? d.virtfns.join(', ') : undefined],
    ...deviceInterfaces(snapshot, d).map((i): [string, string] => [
      `Interface ${i.name}`,
      [i.mac, i.state, i.master ? `in ${i.master}` : undefined, i.carriesDefaultRoute ? 'default route' : undefined, i.carriesSshSession ? 'ssh session' : undefined]
        .filter(Boolean)
        .join(', '),
    ]),
    ['Host uplink', f.carriesDefaultRoute || f.carriesSshSession ? 'carries the default route or the ssh session: host actions refuse it' : undefined],
  ];
  return facts.filter((x): x is [string, string] => x[1] !== undefined);
}

/** The short description beside a label: driver, netdevs, group. */
export function deviceDescription(d: PciDevice): string {
  return [
    vendorDevice(d),
    d.driver ?? 'no driver',
    ...(d.netdevs ?? []),
    d.iommuGroup !== undefined ? `group ${d.iommuGroup}` : undefined,
    d.sriovTotalVfs ? `VFs ${d.sriovNumVfs ?? 0}/${d.sriovTotalVfs}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}
