// One firing and one quiet domain snippet per libvirt XML rule code: rules.oracle.test.ts runs them (and confirms
// libvirt's verdicts), codeCoverage.test.ts checks that every code has one.
import { wrapDomain } from './oracle';
import type { XmlCodeKey } from '../../../src/core/xml/codes';

export const pci = (addr: string, extra = '', attrs = "managed='yes'") =>
  `    <hostdev mode='subsystem' type='pci' ${attrs}>\n      ${extra}<source>\n        <address ${addr}/>\n      </source>\n    </hostdev>`;
export const nic = (type: string, body: string) => `    <interface type='${type}'>\n${body}\n    </interface>`;
export const net = (body: string) => nic('network', `      <source network='default'/>\n${body}`);
export const V = "      <model type='virtio'/>";
export const mac = (m: string) => `      <mac address='${m}'/>`;
export const A = (b: string, s: string, f = '0x0') => `domain='0x0000' bus='${b}' slot='${s}' function='${f}'`;
/** A vhost-user socket source (QEMU's side: server or client), with children such as <reconnect>. */
const vhu = (mode: 'server' | 'client', inner = '') =>
  inner ? `      <source type='unix' path='/run/vhu0.sock' mode='${mode}'>${inner}</source>` : `      <source type='unix' path='/run/vhu0.sock' mode='${mode}'/>`;
/** A virtio failover pair: a persistent virtio NIC (MAC given or none) and a transient VF (its <mac> line or ''). */
const failover = (persistentMac: string, transientMacLine: string) =>
  [
    nic('bridge', `      <source bridge='br0'/>\n${persistentMac ? `${mac(persistentMac)}\n` : ''}${V}\n      <teaming type='persistent'/>\n      <alias name='ua-net0'/>`),
    `    <interface type='hostdev' managed='yes'>\n      <source>\n        <address type='pci' ${A('0x06', '0x10', '0x1')}/>\n      </source>\n${transientMacLine ? `${transientMacLine}\n` : ''}      <teaming type='transient' persistent='ua-net0'/>\n    </interface>`,
  ].join('\n');

export interface Case {
  readonly code: XmlCodeKey;
  readonly fires: string;
  readonly quiet: string;
  /** libvirt's parser (virsh define, net-define for a network) refuses the firing case too. */
  readonly libvirtRejects?: boolean;
  /** fires/quiet are whole `<network>` documents rather than domain devices. */
  readonly network?: true;
}

/** The document a case's markup stands for. */
export const caseDocument = (c: Case, markup: string): string => (c.network ? markup : wrapDomain(markup));

const pool = (forward: string, entries: string) => `<network>\n  <name>kvmnet-pool</name>\n  <forward ${forward}>\n${entries}\n  </forward>\n</network>\n`;

export const cases: readonly Case[] = [
  {
    code: 'ForwardPoolDuplicate',
    network: true,
    fires: pool("mode='hostdev' managed='yes'", `    <address type='pci' ${A('0x03', '0x10', '0x1')}/>\n    <address type='pci' domain='0' bus='3' slot='16' function='1'/>`),
    quiet: pool("mode='hostdev' managed='yes'", `    <address type='pci' ${A('0x03', '0x10', '0x1')}/>\n    <address type='pci' ${A('0x03', '0x10', '0x3')}/>`),
    libvirtRejects: true,
  },
  {
    code: 'ForwardPoolDuplicate',
    network: true,
    fires: pool("mode='passthrough'", "    <interface dev='eth1'/>\n    <interface dev='eth2'/>\n    <interface dev='eth1'/>"),
    quiet: pool("mode='passthrough'", "    <interface dev='eth1'/>\n    <interface dev='eth2'/>"),
    libvirtRejects: true,
  },
  { code: 'BridgeWithoutSource', fires: nic('bridge', V), quiet: nic('bridge', `      <source bridge='br0'/>\n${V}`), libvirtRejects: true },
  { code: 'VhostUserModel', fires: nic('vhostuser', `${mac('52:54:00:aa:00:07')}\n${vhu('client')}`), quiet: nic('vhostuser', `${mac('52:54:00:aa:00:07')}\n${vhu('client')}\n${V}`), libvirtRejects: true },
  { code: 'VhostUserModel', fires: nic('vhostuser', `${vhu('server')}\n      <model type='e1000'/>`), quiet: nic('vhostuser', `${vhu('server')}\n      <model type='virtio-non-transitional'/>`), libvirtRejects: true },
  {
    code: 'VhostUserReconnectServer',
    fires: nic('vhostuser', `${vhu('server', "<reconnect enabled='yes' timeout='10'/>")}\n${V}`),
    quiet: nic('vhostuser', `${vhu('client', "<reconnect enabled='yes' timeout='10'/>")}\n${V}`),
    libvirtRejects: true,
  },
  { code: 'PciAddressNotHex', fires: pci(A('10', '010')), quiet: pci("domain='0' bus='0x10' slot='0x01' function='0'") },
  { code: 'PciAddressNotHex', fires: pci(A('1f', '0x01')), quiet: pci(A('0x1f', '0x01')), libvirtRejects: true },
  { code: 'PciAddressRange', fires: pci(A('0x01', '0x20')), quiet: pci(A('0x01', '0x1f')), libvirtRejects: true },
  { code: 'PciAddressRange', fires: pci(A('0x01', '0x01', '0x8')), quiet: pci(A('0x01', '0x01', '0x7')), libvirtRejects: true },
  { code: 'MacMalformed', fires: net(`${mac('52:54:00:zz:00:01')}\n${V}`), quiet: net(`${mac('52:54:00:aa:00:01')}\n${V}`), libvirtRejects: true },
  { code: 'MacMulticast', fires: net(`${mac('01:00:5e:00:00:01')}\n${V}`), quiet: net(`${mac('02:00:5e:00:00:01')}\n${V}`), libvirtRejects: true },
  { code: 'MacDuplicate', fires: [net(`${mac('52:54:00:aa:00:01')}\n${V}`), net(`${mac('52:54:00:AA:00:01')}\n${V}`)].join('\n'), quiet: [net(`${mac('52:54:00:aa:00:01')}\n${V}`), net(`${mac('52:54:00:aa:00:02')}\n${V}`)].join('\n') },
  {
    // A virtio failover pair shares its MAC on purpose (the guest bonds the two into one NIC).
    code: 'MacDuplicate',
    fires: [nic('bridge', `      <source bridge='br0'/>\n${mac('52:54:00:aa:00:01')}\n${V}`), nic('bridge', `      <source bridge='br1'/>\n${mac('52:54:00:aa:00:01')}\n${V}`)].join('\n'),
    quiet: [
      nic('bridge', `      <source bridge='br0'/>\n${mac('52:54:00:aa:00:01')}\n${V}\n      <teaming type='persistent'/>\n      <alias name='ua-net0'/>`),
      `    <interface type='hostdev' managed='yes'>\n      <source>\n        <address type='pci' ${A('0x06', '0x10', '0x1')}/>\n      </source>\n${mac('52:54:00:aa:00:01')}\n      <teaming type='transient' persistent='ua-net0'/>\n    </interface>`,
    ].join('\n'),
  },
  {
    code: 'TeamingMacMismatch',
    fires: failover('52:54:00:aa:00:01', mac('52:54:00:aa:00:02')),
    quiet: failover('52:54:00:aa:00:01', mac('52:54:00:AA:00:01')),
  },
  { code: 'TeamingMacMismatch', fires: failover('52:54:00:aa:00:01', ''), quiet: failover('', '') },
  { code: 'MacQemuDefault', fires: net(`${mac('52:54:00:12:34:56')}\n${V}`), quiet: net(`${mac('52:54:00:12:34:57')}\n${V}`) },
  { code: 'HostdevDuplicate', fires: [pci(A('0x06', '0x10', '0x2')), pci("domain='0' bus='6' slot='0x10' function='2'")].join('\n'), quiet: [pci(A('0x06', '0x10', '0x2')), pci(A('0x06', '0x10', '0x4'))].join('\n'), libvirtRejects: true },
  { code: 'HostdevLegacyKvm', fires: pci(A('0x06', '0x10'), "<driver name='kvm'/>\n      "), quiet: pci(A('0x06', '0x10'), "<driver name='vfio'/>\n      ") },
  { code: 'HostdevUnmanaged', fires: pci(A('0x06', '0x10'), '', "managed='no'"), quiet: pci(A('0x06', '0x10')) },
  { code: 'ModelMissing', fires: net(''), quiet: net(V) },
  { code: 'ModelMissing', fires: "    <interface type='user'/>", quiet: `    <interface type='hostdev' managed='yes'>\n      <source>\n        <address type='pci' ${A('0x06', '0x10', '0x1')}/>\n      </source>\n    </interface>` },
  { code: 'ModelEmulated', fires: net("      <model type='e1000'/>"), quiet: net(V) },
  { code: 'VhostNonVirtio', fires: net("      <model type='rtl8139'/>\n      <driver name='vhost'/>"), quiet: net(`${V}\n      <driver name='vhost'/>`) },
  { code: 'DirectHostIsolation', fires: nic('direct', `      <source dev='eth0' mode='bridge'/>\n${V}`), quiet: nic('direct', `      <source dev='eth0' mode='passthrough'/>\n${V}`) },
  { code: 'PortForwardWithoutPasst', fires: nic('user', `${V}\n      <portForward proto='tcp'>\n        <range start='2222' to='22'/>\n      </portForward>`), quiet: nic('user', `${V}\n      <backend type='passt'/>\n      <portForward proto='tcp'>\n        <range start='2222' to='22'/>\n      </portForward>`) },
];
