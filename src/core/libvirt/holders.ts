import type { Bdf } from '../pci/bdf';
import type { HostSnapshot } from '../hostSnapshot';
import { guestHoldsDevices } from './model';

/** Who holds a PCI function in libvirt's view of the host. */
export type Holder =
  | { readonly kind: 'guest'; readonly guest: string; readonly running: boolean; readonly via: 'hostdev' | 'interface' }
  | { readonly kind: 'pool'; readonly network: string; readonly active: boolean };

export function holderText(h: Holder): string {
  return h.kind === 'guest'
    ? `${h.guest} (${h.running ? 'running' : 'not running'}, ${h.via === 'hostdev' ? 'hostdev' : "interface type='hostdev'"})`
    : `VF pool of network ${h.network}${h.active ? '' : ' (inactive)'}`;
}

/** The PCI functions of a hostdev network's pool: its listed addresses, or the VFs of its PFs (by netdev name). */
export function poolFunctions(snapshot: HostSnapshot, pf: readonly string[] | undefined, addresses: readonly Bdf[] | undefined): Bdf[] {
  const out = new Set<Bdf>(addresses ?? []);
  for (const dev of pf ?? []) for (const d of snapshot.devices) if (d.netdevs?.includes(dev)) for (const vf of d.virtfns ?? []) out.add(vf);
  return [...out];
}

/** Every PCI function some guest or VF pool holds, with all its holders (two means a conflict: see findings). */
export function deviceHolders(snapshot: HostSnapshot): Map<Bdf, Holder[]> {
  const map = new Map<Bdf, Holder[]>();
  const add = (bdf: Bdf, h: Holder) => {
    const list = map.get(bdf);
    if (list) list.push(h);
    else map.set(bdf, [h]);
  };
  const inv = snapshot.libvirt;
  if (!inv) return map;
  for (const g of inv.guests) {
    const running = guestHoldsDevices(g);
    for (const h of g.hostdevs) add(h.address, { kind: 'guest', guest: g.name, running, via: 'hostdev' });
    for (const n of g.nics) if (n.address) add(n.address, { kind: 'guest', guest: g.name, running, via: 'interface' });
  }
  for (const n of inv.networks) {
    if (n.forwardMode !== 'hostdev') continue;
    for (const bdf of poolFunctions(snapshot, n.pf, n.addresses)) add(bdf, { kind: 'pool', network: n.name, active: n.active === true });
  }
  return map;
}
