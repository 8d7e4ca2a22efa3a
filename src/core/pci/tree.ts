import type { Bdf, HostSnapshot, NetInterface, PciDevice } from '../host/model';
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

function index(snapshot: HostSnapshot): Map<Bdf, PciDevice> {
  return new Map(snapshot.devices.map((d) => [d.bdf, d]));
}

/** A PF is shown when it or any of its VFs is; a VF shows under its PF, or at top level when its PF is unknown. */
export function deviceForest(snapshot: HostSnapshot, options: ViewOptions = {}): DeviceNode[] {
  const byBdf = index(snapshot);
  const keep = (d: PciDevice) => options.showAll === true || isNetworkRelated(d);
  const nodes: DeviceNode[] = [];
  for (const d of snapshot.devices) {
    if (d.physfn && byBdf.has(d.physfn)) continue;
    const vfs = (d.virtfns ?? []).map((b) => byBdf.get(b)).filter((v): v is PciDevice => v !== undefined);
    if (keep(d) || vfs.some(keep)) nodes.push({ device: d, vfs });
  }
  return nodes;
}

/** IOMMU groups with their members (all members, whatever the filter, when any member passes it: viability needs all). */
export function iommuGroupView(snapshot: HostSnapshot, options: ViewOptions = {}): GroupNode[] {
  const byBdf = index(snapshot);
  const groups: GroupNode[] = [];
  for (const g of snapshot.iommuGroups) {
    const devices = g.devices.map((b) => byBdf.get(b)).filter((d): d is PciDevice => d !== undefined);
    if (devices.length && (options.showAll === true || devices.some(isNetworkRelated))) groups.push({ id: g.id, devices });
  }
  return groups;
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
  const names = new Set(d.netdevs ?? []);
  return snapshot.interfaces.filter((i) => names.has(i.name));
}

export function deviceFlags(snapshot: HostSnapshot, d: PciDevice): DeviceFlags {
  const own = deviceInterfaces(snapshot, d);
  const masters = new Set(own.map((i) => i.master).filter((m): m is string => m !== undefined));
  const related = [...own, ...snapshot.interfaces.filter((i) => masters.has(i.name))];
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
  return (snapshot.iommuGroups.find((g) => g.id === d.iommuGroup)?.devices ?? []).filter((b) => b !== d.bdf);
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
