import { defineCodes, type CodeId, type CodeKey } from '../rulekit';

/** Diagnostic codes of the libvirt XML semantic rules (source 'kvmnet-xml'), with their one-line docs. */
export const XmlCode = defineCodes({
  BridgeWithoutSource: { id: 'bridge-without-source', doc: "<interface type='bridge'> needs <source bridge='…'/>; libvirt refuses it otherwise." },
  PciAddressNotHex: { id: 'pci-address-not-hex', doc: 'A PCI address value without 0x: libvirt reads it as decimal or octal, lspci prints hex.' },
  PciAddressRange: { id: 'pci-address-out-of-range', doc: 'A PCI slot above 0x1f, function above 7, bus above 0xff or domain above 0xffff.' },
  ForwardPoolDuplicate: { id: 'forward-pool-duplicate', doc: "A network <forward> pool listing the same PCI address or interface twice; libvirt refuses the network." },
  MacMalformed: { id: 'mac-malformed', doc: 'A MAC address that is not six colon-separated hex octets.' },
  MacMulticast: { id: 'mac-multicast', doc: 'A multicast MAC (low bit of the first octet set) on a NIC; libvirt refuses it.' },
  MacDuplicate: { id: 'mac-duplicate', doc: 'The same MAC on two interfaces of one file.' },
  MacDuplicateWorkspace: { id: 'mac-duplicate-workspace', doc: 'The same MAC in two libvirt XML files of the workspace.' },
  TeamingMacMismatch: { id: 'teaming-mac-mismatch', doc: 'A virtio failover pair (<teaming>) whose two NICs do not have one MAC: the guest pairs them by MAC, so failover never forms.' },
  MacQemuDefault: { id: 'mac-qemu-default', doc: "QEMU's built-in default MAC 52:54:00:12:34:56, which every guest without a MAC gets." },
  HostdevDuplicate: { id: 'hostdev-duplicate-source', doc: 'The same host PCI device assigned twice; libvirt refuses it.' },
  HostdevLegacyKvm: { id: 'hostdev-legacy-kvm-driver', doc: "<driver name='kvm'/> selects legacy pci-assign, removed from QEMU and the kernel: use vfio." },
  HostdevUnmanaged: { id: 'hostdev-unmanaged', doc: "managed='no': the device must be detached from its host driver by hand first." },
  ModelMissing: { id: 'interface-model-missing', doc: 'An interface without <model>: QEMU emulates a slow legacy NIC by default.' },
  ModelEmulated: { id: 'interface-model-emulated', doc: 'An emulated NIC model (e1000, rtl8139 …): virtio is much faster.' },
  VhostNonVirtio: { id: 'vhost-non-virtio', doc: "<driver name='vhost'/> only accelerates virtio NICs." },
  DirectHostIsolation: { id: 'direct-host-isolation', doc: 'macvtap (type=direct): host and guest cannot reach each other over it.' },
  VhostUserModel: { id: 'vhostuser-model-not-virtio', doc: "An <interface type='vhostuser'> without model virtio: libvirt refuses it (vhost-user serves virtio-net only)." },
  VhostUserReconnectServer: { id: 'vhostuser-reconnect-server', doc: "<reconnect enabled='yes'> on a vhost-user socket in mode='server': libvirt refuses it (only the client side reconnects)." },
  PortForwardWithoutPasst: { id: 'portforward-without-passt', doc: "<portForward> works only with <backend type='passt'/>." },
  TooLarge: { id: 'xml-too-large', doc: 'A file with more elements or attributes than the limit: only the schema verdict and its first error are reported.' },
  RulesFailed: { id: 'xml-rules-failed', doc: 'A semantic rule failed on this document (a bug in the extension); the schema findings are still reported.' },
});

export type XmlCodeKey = CodeKey<typeof XmlCode>;
export type XmlCodeId = CodeId<typeof XmlCode>;
