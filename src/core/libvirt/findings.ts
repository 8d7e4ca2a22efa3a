import type { Bdf } from '../pci/bdf';
import type { HostSnapshot } from '../hostSnapshot';
import { VFIO_DRIVER } from '../pci/classes';
import { deviceHolders, holderText } from './holders';
import { guestsByMac } from './model';

/** Host-wide problems of libvirt's guests and networks against the host's devices and interfaces. */
export interface LibvirtFinding {
  readonly code: 'mac-shared' | 'device-shared' | 'iommu-group-split' | 'missing-link' | 'pool-missing-pf';
  readonly message: string;
  /** Guests the finding is about (for the Guests view). */
  readonly guests: readonly string[];
  readonly bdf?: Bdf;
}

/** Drivers that do not take a device away from vfio's group viability (bridges) or mean "no driver". */
const HARMLESS = new Set([VFIO_DRIVER, 'pcieport', 'pci-stub']);

export function libvirtFindings(snapshot: HostSnapshot): LibvirtFinding[] {
  const inv = snapshot.libvirt;
  if (!inv) return [];
  const out: LibvirtFinding[] = [];
  // One MAC on two guests of one host: both on one segment, their traffic is misdelivered.
  for (const [mac, gs] of guestsByMac(inv.guests)) if (gs.size > 1) out.push({ code: 'mac-shared', message: `MAC ${mac} is used by ${[...gs].join(', ')}`, guests: [...gs] });

  const holders = deviceHolders(snapshot);
  for (const [bdf, hs] of holders) {
    const guests = hs.flatMap((h) => (h.kind === 'guest' ? [h.guest] : []));
    if (hs.length > 1 && new Set(hs.map(holderText)).size > 1) {
      out.push({ code: 'device-shared', message: `${bdf} is assigned more than once: ${hs.map(holderText).join('; ')}`, guests: [...new Set(guests)], bdf });
    }
  }
  // vfio takes a whole IOMMU group: every other member must be free of host drivers and of other guests.
  const byBdf = new Map(snapshot.devices.map((d) => [d.bdf, d]));
  for (const [bdf, hs] of holders) {
    const group = byBdf.get(bdf)?.iommuGroup;
    const mine = new Set(hs.flatMap((h) => (h.kind === 'guest' ? [h.guest] : [])));
    if (group === undefined || mine.size === 0) continue;
    const members = snapshot.iommuGroups.find((g) => g.id === group)?.devices ?? [];
    for (const m of members) {
      if (m === bdf) continue;
      const d = byBdf.get(m);
      const other = (holders.get(m) ?? []).flatMap((h) => (h.kind === 'guest' && !mine.has(h.guest) ? [h.guest] : []));
      if (other.length) out.push({ code: 'iommu-group-split', message: `${bdf} (${[...mine].join(', ')}) shares IOMMU group ${group} with ${m}, assigned to ${other.join(', ')}`, guests: [...mine, ...other], bdf });
      else if (d?.driver && !HARMLESS.has(d.driver) && !holders.has(m)) out.push({ code: 'iommu-group-split', message: `${bdf} (${[...mine].join(', ')}) shares IOMMU group ${group} with ${m}, still on the host driver ${d.driver}`, guests: [...mine], bdf });
    }
  }
  const ifnames = new Set(snapshot.interfaces.map((i) => i.name));
  const nets = new Set(inv.networks.map((n) => n.name));
  for (const g of inv.guests) {
    for (const n of g.nics) {
      const missing = n.bridge !== undefined && !ifnames.has(n.bridge) ? `bridge ${n.bridge}` : n.dev !== undefined && !ifnames.has(n.dev) ? `device ${n.dev} (macvtap)` : n.network !== undefined && !nets.has(n.network) ? `network ${n.network}` : undefined;
      if (missing) out.push({ code: 'missing-link', message: `${g.name}: interface${n.mac ? ` ${n.mac}` : ''} uses ${missing}, which this host does not have`, guests: [g.name] });
    }
  }
  for (const n of inv.networks) {
    const missing = [...(n.pf ?? []), ...(n.devs ?? [])].filter((d) => !ifnames.has(d));
    if (missing.length === 0) continue;
    const users = inv.guests.filter((g) => g.nics.some((x) => x.network === n.name)).map((g) => g.name);
    const what = n.forwardMode === 'hostdev' ? 'VF pool' : 'macvtap pool';
    out.push({ code: 'pool-missing-pf', message: `network ${n.name}: ${what} on ${missing.join(', ')}, missing on this host`, guests: users });
  }
  return out;
}
