// Test fixture (not a test): one host with a PF and two VFs, a NIC sharing an IOMMU group with an LPC bridge, and
// three guests and two networks that hold them (running, stopped, through a VF pool), as discovery parses them.
import { parseDiscovery } from '../../../src/core/host/parse';

export const PF = '0000:3b:00.0', VF1 = '0000:3b:10.0', VF2 = '0000:3b:10.2', NIC = '0000:00:1f.6', SIB = '0000:00:1f.0';
export const dev = (bdf: string, group: number, extra: string[] = []) => [`D\t${bdf}\tclass\t0x020000`, `D\t${bdf}\tvendor\t0x8086`, `D\t${bdf}\tdevice\t0x1572`, `D\t${bdf}\tiommu_group\t${group}`, ...extra];
const uuid = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
export const addr = (bdf: string) => {
  const [d, b, sf] = bdf.split(':');
  const [s, f] = sf!.split('.');
  return `<address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/>`;
};
export const guest = (i: number, name: string, state: string, devices: string) =>
  [`Name: ${name}`, `State: ${state}`, `<domain><name>${name}</name><devices>${devices}</devices></domain>`].map((l) => `V\t${uuid(i)}\t${l}`);

export function snapshot(extra: string[] = []) {
  const lines = [
    'KVMNET-DISCOVERY 1',
    ...dev(PF, 1, [`D\t${PF}\tvirtfn0\t${VF1}`, `D\t${PF}\tvirtfn1\t${VF2}`, `D\t${PF}\tnet\tenp59s0`, `D\t${PF}\tdriver\ti40e`]),
    ...dev(VF1, 2, [`D\t${VF1}\tdriver\tvfio-pci`]),
    ...dev(VF2, 3),
    ...dev(NIC, 4, [`D\t${NIC}\tdriver\tvfio-pci`]),
    ...dev(SIB, 4, [`D\t${SIB}\tdriver\tlpc_ich`]),
    'N\tenp59s0\taddress\t3c:fd:fe:00:00:01',
    'N\tbr0\tbridge\t1',
    'S\tlibvirt-uri\tqemu:///system',
    ...guest(1, 'web', 'running', `<hostdev mode='subsystem' type='pci'><source>${addr(VF1)}</source></hostdev><interface type='bridge'><source bridge='br0'/><mac address='52:54:00:00:00:01'/></interface>`),
    ...guest(2, 'db', 'shut off', `<interface type='hostdev'><source>${addr(VF1)}</source><mac address='52:54:00:00:00:01'/></interface><interface type='bridge'><source bridge='br9'/></interface>`),
    ...guest(3, 'nas', 'running', `<hostdev mode='subsystem' type='pci'><source>${addr(NIC)}</source></hostdev><interface type='network'><source network='pool'/></interface>`),
    `W\t${uuid(9)}\tName: pool`,
    `W\t${uuid(9)}\t<network><name>pool</name><forward mode='hostdev'><pf dev='enp59s0'/></forward></network>`,
    `W\t${uuid(8)}\t<network><name>mv</name><forward mode='bridge'><interface dev='eth7'/></forward></network>`,
    ...extra,
    'END',
  ];
  return parseDiscovery(`${lines.join('\n')}\n`);
}

