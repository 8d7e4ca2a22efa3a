/*
 * Hand-curated model of libvirt's networking elements for completion and hover:
 * which children and attributes are allowed where, enumerated values, and docs
 * written in our own words (from the networking guide and libvirt's behaviour).
 * Names and values now come from the schema (schemaModel.ts); this table gives their docs, the
 * preferred ordering, and the answer when no schema set is available.
 */

export interface AttrSpec {
  readonly doc: string;
  /** Enumerated values with a one-line doc each. */
  readonly values?: Readonly<Record<string, string>>;
  /** Only for these `type` values of the owning device (interface/hostdev); all when absent. */
  readonly forTypes?: readonly string[];
}

export interface ElementSpec {
  readonly doc: string;
  readonly attributes?: Readonly<Record<string, AttrSpec>>;
  readonly children?: readonly string[];
  /** Children only offered for these owner `type` values (e.g. <backend> on user NICs). */
  readonly childrenForTypes?: Readonly<Record<string, readonly string[]>>;
  /** Children that may occur more than once (the others at most once); used when no schema set answers. */
  readonly repeatable?: readonly string[];
  /** Children of which only one kind may be used (the schema's choice), when no schema set answers. */
  readonly oneOf?: readonly string[];
}

const YES_NO = { yes: 'Enabled.', no: 'Disabled.' };
const ON_OFF = { on: 'Enabled.', off: 'Disabled.' };
const hexField = (what: string, range: string): AttrSpec => ({
  doc: `PCI ${what}, ${range}. Write it in 0x hex as lspci shows it: libvirt reads "10" as decimal ten and "010" as octal eight.`,
});

const PCI_ADDRESS: Record<string, AttrSpec> = {
  type: { doc: 'Address kind; PCI for network cards and assigned devices.', values: { pci: 'A PCI address: domain, bus, slot, function.', drive: 'A disk controller address.', usb: 'A USB port.', ccw: 'An s390 channel address.' } },
  domain: hexField('domain (segment)', '0x0000–0xffff, almost always 0x0000'),
  bus: hexField('bus', '0x00–0xff'),
  slot: hexField('slot (device)', '0x00–0x1f'),
  function: hexField('function', '0x0–0x7; SR-IOV virtual functions often sit on functions of one slot'),
  multifunction: { doc: 'Guest address only: mark function 0 as the head of a multi-function device.', values: ON_OFF },
};

export const INTERFACE_TYPES: Record<string, string> = {
  network: 'Connect to a libvirt virtual network (`virsh net-list`): NAT, routed, a host bridge, a macvtap pool or an SR-IOV VF pool.',
  bridge: 'Attach a tap device to an existing host bridge: the guest is a full peer on the LAN. The modern form of "-netdev tap" with a bridge.',
  direct: 'macvtap directly on a host NIC, no bridge needed; but host and guest cannot reach each other over it in vepa/bridge mode.',
  user: 'User-mode networking (slirp, or passt with <backend type=\'passt\'/>): NAT with no host setup and no root; the guest is not reachable from outside, the host is 10.0.2.2. ICMP may not work.',
  ethernet: 'A tap device you create and wire yourself (or a script does); libvirt does not put it on a bridge.',
  hostdev: 'Give an SR-IOV virtual function to the guest as a NIC (VFIO); libvirt sets its MAC and VLAN on the host first.',
  vhostuser: 'A vhost-user socket to a userspace switch such as OVS-DPDK; needs shared guest memory.',
  vdpa: 'A vDPA device (/dev/vhost-vdpa-N): hardware virtio data path.',
  mcast: 'A multicast socket connecting several guests without a bridge.',
  server: 'A TCP socket the guest listens on (pair with a client NIC of another guest).',
  client: 'A TCP socket connecting to a server NIC of another guest.',
  udp: 'A UDP socket tunnel to another QEMU.',
  null: 'A NIC connected to nothing.',
};

export const MODEL_TYPES: Record<string, string> = {
  virtio: 'Paravirtual NIC (virtio-net): the fastest choice; Linux has the driver built in, Windows needs virtio-win.',
  'virtio-transitional': 'virtio-net that old guests (legacy virtio) also drive.',
  'virtio-non-transitional': 'virtio-net for modern guests only (virtio 1.0).',
  e1000: 'Emulated Intel 82540EM: works without extra drivers, slow.',
  e1000e: 'Emulated Intel 82574: the default on q35 machines, slow.',
  rtl8139: 'Emulated Realtek 8139: very old guests only, slow.',
  ne2k_pci: 'Emulated NE2000: ancient guests only.',
  pcnet: 'Emulated AMD PCnet: ancient guests only.',
};

export const MACVTAP_MODES: Record<string, string> = {
  vepa: 'Default. All traffic goes to the external switch, which must reflect frames between guests (802.1Qbg "hairpin"). Host and guest cannot talk over it.',
  bridge: 'Guests on the same host NIC talk to each other directly; host and guest still cannot talk over it.',
  private: 'Guests are isolated from each other and from the host; only the outside network is reachable.',
  passthrough: 'The host NIC (or an SR-IOV VF) is given to one guest exclusively; needed for some migration and 802.1Qbh setups.',
};

export const HOSTDEV_MODES: Record<string, string> = {
  subsystem: 'Assign a host device (PCI, USB, SCSI, mediated device) to the guest.',
  capabilities: 'Give a container a host block/character device or network interface (LXC only).',
};

export const ELEMENTS: Record<string, ElementSpec> = {
  domain: { doc: 'A guest (virtual machine) definition.', children: ['devices'] },
  devices: { doc: 'The guest\'s hardware: network cards are <interface>, assigned host devices <hostdev>.', children: ['interface', 'hostdev'], repeatable: ['interface', 'hostdev'] },
  interface: {
    doc: 'A guest network card: `type` chooses how it connects to the host, <source> says to what, <model> what the guest sees.',
    attributes: {
      type: { doc: 'How the NIC connects to the host.', values: INTERFACE_TYPES },
      managed: { doc: 'type=\'hostdev\': let libvirt detach the VF from its host driver and bind it to vfio-pci (and back).', values: YES_NO, forTypes: ['hostdev'] },
      trustGuestRxFilters: { doc: 'Let the guest change its MAC and multicast filters on the host side (macvtap, VFs).', values: YES_NO, forTypes: ['direct', 'hostdev', 'network'] },
    },
    children: ['source', 'mac', 'model', 'driver', 'target', 'address', 'vlan', 'virtualport', 'link', 'mtu', 'boot', 'rom', 'bandwidth', 'filterref', 'alias'],
    childrenForTypes: { user: ['backend', 'portForward', 'ip'] },
    repeatable: ['portForward', 'ip'],
  },
  'interface/source': {
    doc: 'What the NIC connects to; its attributes depend on the interface type.',
    attributes: {
      network: { doc: 'Name of a libvirt network (`virsh net-list --all`).', forTypes: ['network'] },
      portgroup: { doc: 'A <portgroup> of that network (VLAN, QoS, virtualport settings).', forTypes: ['network'] },
      bridge: { doc: 'Name of an existing host bridge, e.g. br0 (`ip link show type bridge`).', forTypes: ['bridge'] },
      dev: { doc: 'The host NIC macvtap sits on (direct), or the host device for user NICs.', forTypes: ['direct', 'user'] },
      mode: { doc: 'macvtap mode: how traffic between guests and the host NIC is switched.', values: MACVTAP_MODES, forTypes: ['direct'] },
      type: { doc: 'Socket type of a vhost-user NIC.', values: { unix: 'A UNIX socket.' }, forTypes: ['vhostuser'] },
      path: { doc: 'Socket path (vhost-user), or the vDPA device node.', forTypes: ['vhostuser', 'vdpa'] },
      address: { doc: 'IP address of the socket (mcast, server, client, udp).', forTypes: ['mcast', 'server', 'client', 'udp'] },
      port: { doc: 'Port of the socket (mcast, server, client, udp).', forTypes: ['mcast', 'server', 'client', 'udp'] },
    },
    childrenForTypes: { hostdev: ['address'] },
  },
  'interface/mac': {
    doc: 'The guest\'s MAC address. Leave it out and libvirt generates a unique 52:54:00:xx:xx:xx; every guest on a network needs its own.',
    attributes: { address: { doc: 'Six hex octets separated by colons; unicast (even first octet). Avoid QEMU\'s default 52:54:00:12:34:56.' } },
  },
  'interface/model': { doc: 'The NIC the guest sees.', attributes: { type: { doc: 'Emulated or paravirtual NIC model.', values: MODEL_TYPES } } },
  'interface/driver': {
    doc: 'Backend driver tuning.',
    attributes: {
      name: { doc: 'Which data path serves the NIC.', values: { vhost: 'vhost-net: virtio packets handled in the host kernel (module vhost_net); faster. virtio only.', qemu: 'Packets handled in QEMU userspace.', vfio: 'type=\'hostdev\': assign the VF with VFIO (the only supported way).' } },
      queues: { doc: 'Number of queue pairs (multiqueue virtio-net); up to the guest\'s vCPUs.' },
      txmode: { doc: 'When the userspace backend transmits.', values: { iothread: 'Default: a bottom half.', timer: 'On a timer.' } },
      rx_queue_size: { doc: 'virtio RX ring size (power of two, 256–1024).' },
      tx_queue_size: { doc: 'virtio TX ring size (power of two, 256–1024; vhost-user only).' },
    },
  },
  'interface/target': {
    doc: 'The host-side tap device.',
    attributes: { dev: { doc: 'Name of the tap device (type=\'ethernet\': an existing or to-be-created tap).' }, managed: { doc: 'no: the tap already exists and libvirt must not create or remove it.', values: YES_NO } },
  },
  'interface/backend': {
    doc: 'Host-side implementation of the NIC.',
    attributes: {
      type: { doc: 'User-mode backend.', values: { default: 'slirp, built into QEMU.', passt: 'passt: a separate unprivileged process; faster, supports <portForward>, IPv6.' } },
      tap: { doc: 'Path of the tun device to open instead of /dev/net/tun.' },
      vhost: { doc: 'Path of the vhost-net device instead of /dev/vhost-net.' },
    },
  },
  'interface/portForward': {
    doc: 'Forward host ports to the guest (passt backend only), the modern form of QEMU\'s hostfwd=tcp::5555-:22.',
    attributes: { proto: { doc: 'Protocol.', values: { tcp: 'TCP ports.', udp: 'UDP ports.' } }, address: { doc: 'Host address to listen on (default: all).' }, dev: { doc: 'Host interface to listen on.' } },
    children: ['range'],
    repeatable: ['range'],
  },
  'portForward/range': {
    doc: 'One forwarded port or port range.',
    attributes: { start: { doc: 'First host port.' }, end: { doc: 'Last host port (a range).' }, to: { doc: 'Guest port the first host port maps to.' }, exclude: { doc: 'Exclude this range from a wider one.', values: YES_NO } },
  },
  'interface/vlan': { doc: 'VLAN tagging done on the host side (SR-IOV VFs, Open vSwitch).', attributes: { trunk: { doc: 'Several tags: a trunk port.', values: { yes: 'Trunk.' } } }, children: ['tag'], repeatable: ['tag'] },
  'vlan/tag': { doc: 'A VLAN id.', attributes: { id: { doc: 'VLAN id, 0–4095.' }, nativeMode: { doc: 'How the native VLAN is carried.', values: { tagged: 'Tagged.', untagged: 'Untagged.' } } } },
  'interface/virtualport': {
    doc: 'Port profile of the host switch.',
    attributes: { type: { doc: 'Switch kind.', values: { '802.1Qbg': 'VEPA switch profile (VSI).', '802.1Qbh': 'Cisco VN-Tag port profile.', openvswitch: 'Open vSwitch port.', midonet: 'MidoNet port.' } } },
  },
  'interface/link': { doc: 'Link state the guest sees.', attributes: { state: { doc: 'Carrier.', values: { up: 'Link up.', down: 'Cable unplugged.' } } } },
  'interface/mtu': { doc: 'MTU of the host side (and of virtio in the guest).', attributes: { size: { doc: 'Bytes, e.g. 9000 for jumbo frames.' } } },
  'interface/address': { doc: 'Where the NIC sits on the guest\'s PCI bus (0x hex).', attributes: PCI_ADDRESS },
  'source/address': { doc: 'The host PCI device (as lspci shows it, in 0x hex) to assign.', attributes: PCI_ADDRESS },
  'forward/address': { doc: 'A VF of the pool, by host PCI address (0x hex).', attributes: PCI_ADDRESS },
  'hostdev/address': { doc: 'Where the assigned device sits on the guest\'s PCI bus (0x hex).', attributes: PCI_ADDRESS },
  hostdev: {
    doc: 'Assign a host device to the guest. For a NIC or VF use type=\'pci\' with VFIO; the device disappears from the host while the guest runs.',
    attributes: {
      mode: { doc: 'What is assigned.', values: HOSTDEV_MODES },
      type: { doc: 'Device bus.', values: { pci: 'A PCI device or SR-IOV VF (VFIO).', usb: 'A USB device.', scsi: 'A SCSI LUN.', scsi_host: 'A vhost-scsi target.', mdev: 'A mediated device (vGPU, …).' } },
      managed: { doc: 'yes: libvirt detaches the device from its host driver and binds it to vfio-pci on start, and gives it back on stop. no: you do it (virsh nodedev-detach, driverctl).', values: YES_NO },
    },
    children: ['source', 'driver', 'address', 'rom', 'boot', 'alias'],
  },
  'hostdev/driver': { doc: 'How the device is assigned.', attributes: { name: { doc: 'Assignment backend.', values: { vfio: 'VFIO: the only supported backend (legacy kvm/pci-assign is gone).' } } } },
  'hostdev/source': { doc: 'The host device to assign.', children: ['address'] },
  network: {
    doc: 'A libvirt virtual network that <interface type=\'network\'> refers to.',
    children: ['name', 'uuid', 'forward', 'bridge', 'mac', 'ip', 'dns', 'domain', 'portgroup', 'virtualport', 'vlan', 'mtu', 'bandwidth'],
    repeatable: ['ip', 'portgroup'],
  },
  'network/forward': {
    doc: 'How the network reaches the outside.',
    attributes: {
      mode: {
        doc: 'Forwarding mode.',
        values: {
          nat: 'NAT through the host (libvirt\'s default network).', route: 'Routed, no NAT.', open: 'No firewall rules at all.',
          bridge: 'An existing host bridge (with <bridge name=…/>), or macvtap bridge mode on <interface dev=…/>.',
          private: 'macvtap private mode.', vepa: 'macvtap VEPA mode.', passthrough: 'macvtap passthrough: one guest per host NIC or VF.',
          hostdev: 'A pool of SR-IOV VFs assigned with VFIO (with <pf dev=…/> or VF addresses).',
        },
      },
      dev: { doc: 'Host NIC traffic leaves by (nat/route).' },
      managed: { doc: 'hostdev mode: let libvirt detach VFs from their host driver.', values: YES_NO },
    },
    children: ['interface', 'pf', 'address', 'driver', 'nat'],
    repeatable: ['interface', 'address'],
    oneOf: ['interface', 'address'],
  },
  'forward/interface': { doc: 'A host NIC of the macvtap pool.', attributes: { dev: { doc: 'Host NIC name.' } } },
  'forward/pf': { doc: 'The SR-IOV physical function whose VFs form the pool.', attributes: { dev: { doc: 'Host NIC name of the PF (its VFs are enumerated from sysfs).' } } },
  'forward/driver': { doc: 'How pool VFs are assigned.', attributes: { name: { doc: 'Assignment backend.', values: { vfio: 'VFIO (the only supported backend).' } } } },
  'network/bridge': {
    doc: 'The host bridge of the network: created by libvirt (nat/route/isolated) or existing (forward mode=\'bridge\').',
    attributes: { name: { doc: 'Bridge name, e.g. virbr0 or br0.' }, stp: { doc: 'Spanning tree protocol.', values: ON_OFF }, delay: { doc: 'STP forward delay in seconds.' }, macTableManager: { doc: 'Who manages the FDB.', values: { kernel: 'The kernel learns MACs.', libvirt: 'libvirt programs the guest MACs (less flooding).' } } },
  },
};

/** Spec for an element given its path (root first): the longest matching `parent/name`, else `name`. */
export function elementSpec(path: readonly string[]): ElementSpec | undefined {
  const name = path[path.length - 1];
  if (name === undefined) return undefined;
  const parent = path[path.length - 2];
  return (parent !== undefined ? ELEMENTS[`${parent}/${name}`] : undefined) ?? ELEMENTS[name];
}
