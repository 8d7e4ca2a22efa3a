import type { ComposerMode } from './state';

/** What each mode gives and costs, shown beside the form (summarised from the networking guide, own words). */
export interface ModeNote {
  readonly title: string;
  /** Who can reach whom. */
  readonly reachability: string;
  readonly performance: string;
  /** What needs root (or a privileged helper) on the host. */
  readonly privileges: string;
}

export const MODE_NOTES: Readonly<Record<ComposerMode, ModeNote>> = {
  user: {
    title: 'User mode (NAT inside QEMU)',
    reachability:
      'The guest reaches out through the host (NAT, guest 10.0.2.15, host seen as 10.0.2.2) but nobody reaches the guest except through forwarded ports; ping (ICMP) usually does not work.',
    performance: 'Slowest: every packet is copied through QEMU\u2019s user-space TCP/IP stack.',
    privileges: 'None: works for an ordinary user. libvirt forwards ports through the passt backend.',
  },
  bridge: {
    title: 'Bridge (tap on a host bridge)',
    reachability: 'The guest is a full member of the bridged LAN: the host, the LAN and the guest reach each other; each guest needs its own MAC.',
    performance: 'Good; with vhost-net (virtio model only) the kernel moves the packets and QEMU stays out of the data path.',
    privileges: 'Root to create the bridge and the tap (or libvirt qemu:///system, or qemu-bridge-helper); vhost needs /dev/vhost-net.',
  },
  macvtap: {
    title: 'macvtap (direct on a host interface)',
    reachability:
      'The guest shares the host NIC without a bridge and reaches the LAN; in bridge/vepa/private mode the host cannot talk to the guest over that NIC (use another path); passthrough gives the guest the NIC alone.',
    performance: 'Close to bridge with less setup; vhost-net applies as for a tap.',
    privileges: 'Root to create the macvtap (libvirt does it for <interface type=\u2019direct\u2019>); the guest MAC must equal the macvtap\u2019s.',
  },
  pci: {
    title: 'PCI passthrough (vfio-pci)',
    reachability: 'The guest drives the whole device; the host loses it, and reaches the guest only over the wire the device is plugged into.',
    performance: 'Native: no emulation, no host copy.',
    privileges: 'Root; IOMMU on (intel_iommu=on / amd_iommu=on), the device and its IOMMU group bound to vfio-pci; no live migration.',
  },
  sriov: {
    title: 'SR-IOV virtual function',
    reachability: 'The VF is a NIC of its own on the PF\u2019s wire: the guest reaches the LAN, and the host reaches it through the PF\u2019s network.',
    performance: 'Native, like passthrough, while the PF and other VFs stay usable by the host and other guests.',
    privileges: 'Root: VFs created with sriov_numvfs, IOMMU on, the VF bound to vfio-pci; MAC and VLAN are set from the PF side.',
  },
};
