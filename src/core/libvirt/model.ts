import type { Bdf } from '../pci/bdf';

/**
 * What discovery learns about libvirt on a host (qemu:///system): guests and networks with the networking
 * parts of their definitions. Built from untrusted host output by parse.ts; every value here was checked.
 */

/** A guest NIC: `<interface>` of any type, including `type='hostdev'` (an SR-IOV VF given to the guest). */
export interface GuestNic {
  /** network, bridge, direct (macvtap), hostdev, user, ethernet, vhostuser … */
  readonly type: string;
  readonly mac?: string;
  readonly model?: string;
  /** type='network': the libvirt network; type='bridge': the host bridge; type='direct': the host device (macvtap). */
  readonly network?: string;
  readonly bridge?: string;
  readonly dev?: string;
  /** type='direct': vepa, bridge, private, passthrough. */
  readonly mode?: string;
  /** type='hostdev': the host PCI function. */
  readonly address?: Bdf;
  /** The host-side device name (vnet0, macvtap0), live XML of a running guest only. */
  readonly target?: string;
  /** `<driver name=…>`: vhost, qemu, vfio. */
  readonly driver?: string;
}

/** `<hostdev mode='subsystem' type='pci'>`: a whole PCI function passed through. */
export interface GuestHostdev {
  readonly address: Bdf;
  readonly managed?: boolean;
}

export interface Guest {
  readonly name: string;
  readonly uuid: string;
  /** virsh's words: running, paused, shut off, crashed, pmsuspended, in shutdown, idle. */
  readonly state?: string;
  readonly persistent?: boolean;
  readonly autostart?: boolean;
  readonly nics: readonly GuestNic[];
  readonly hostdevs: readonly GuestHostdev[];
  /** Set when the definition could not be read whole: its devices may be missing. */
  readonly error?: string;
}

export interface LibvirtNetwork {
  readonly name: string;
  readonly uuid: string;
  readonly active?: boolean;
  readonly persistent?: boolean;
  readonly autostart?: boolean;
  /** `<forward mode>`; undefined: an isolated network. nat, route, open, bridge, private, vepa, passthrough, hostdev. */
  readonly forwardMode?: string;
  /** `<bridge name>`: the bridge libvirt creates (nat/route/isolated) or uses (forward mode bridge). */
  readonly bridge?: string;
  /** `<forward><pf dev>`: the PF whose VFs form the pool. */
  readonly pf?: readonly string[];
  /** `<forward><interface dev>`: devices of a macvtap or passthrough pool. */
  readonly devs?: readonly string[];
  /** `<forward><address>`: PCI functions of a hostdev pool (an active network lists its VFs). */
  readonly addresses?: readonly Bdf[];
  readonly error?: string;
}

export interface LibvirtInventory {
  /** The connection discovery used. */
  readonly uri: string;
  readonly guests: readonly Guest[];
  readonly networks: readonly LibvirtNetwork[];
  /** Why the inventory is missing or incomplete (virsh refused, a guest vanished mid-read …). */
  readonly errors: readonly string[];
}

/** The guests using each MAC (libvirt's lowercase form), in guest order. */
export function guestsByMac(guests: readonly Guest[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const g of guests) for (const n of g.nics) if (n.mac) (out.get(n.mac) ?? out.set(n.mac, new Set()).get(n.mac)!).add(g.name);
  return out;
}

/** Running in libvirt's sense: QEMU holds its devices (paused guests too). */
export function guestHoldsDevices(g: Guest): boolean {
  return g.state === 'running' || g.state === 'paused' || g.state === 'in shutdown' || g.state === 'pmsuspended';
}
