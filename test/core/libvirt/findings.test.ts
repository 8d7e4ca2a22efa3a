import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiscovery } from '../../../src/core/host/parse';
import { deviceHolders, holderText } from '../../../src/core/libvirt/holders';
import { libvirtFindings } from '../../../src/core/libvirt/findings';

const PF = '0000:3b:00.0', VF1 = '0000:3b:10.0', VF2 = '0000:3b:10.2', NIC = '0000:00:1f.6', SIB = '0000:00:1f.0';
const dev = (bdf: string, group: number, extra: string[] = []) => [`D\t${bdf}\tclass\t0x020000`, `D\t${bdf}\tvendor\t0x8086`, `D\t${bdf}\tdevice\t0x1572`, `D\t${bdf}\tiommu_group\t${group}`, ...extra];
const uuid = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
const addr = (bdf: string) => {
  const [d, b, sf] = bdf.split(':');
  const [s, f] = sf!.split('.');
  return `<address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/>`;
};
const guest = (i: number, name: string, state: string, devices: string) =>
  [`Name: ${name}`, `State: ${state}`, `<domain><name>${name}</name><devices>${devices}</devices></domain>`].map((l) => `V\t${uuid(i)}\t${l}`);

function snapshot() {
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
    'END',
  ];
  return parseDiscovery(`${lines.join('\n')}\n`);
}

test('holders: hostdev, interface type=hostdev and a network VF pool, with running state', () => {
  const s = snapshot();
  assert.deepEqual(s.warnings, []);
  const h = deviceHolders(s);
  assert.deepEqual(h.get(VF1 as never)?.map(holderText), [
    "db (not running, interface type='hostdev')",
    'web (running, hostdev)',
    'VF pool of network pool (inactive)',
  ]);
  assert.deepEqual(h.get(VF2 as never)?.map(holderText), ['VF pool of network pool (inactive)'], 'pool from the PF netdev');
  assert.equal(h.get(PF as never), undefined);
});

test('findings: shared MAC, shared VF, IOMMU group with a host-driver member, missing bridge, pool on a missing device', () => {
  const f = libvirtFindings(snapshot());
  const by = (code: string) => f.filter((x) => x.code === code).map((x) => x.message);
  assert.deepEqual(by('mac-shared'), ['MAC 52:54:00:00:00:01 is used by db, web']);
  assert.equal(by('device-shared').length, 1);
  assert.match(by('device-shared')[0]!, /^0000:3b:10\.0 is assigned more than once: db/);
  assert.deepEqual(by('iommu-group-split'), ['0000:00:1f.6 (nas) shares IOMMU group 4 with 0000:00:1f.0, still on the host driver lpc_ich']);
  assert.deepEqual(by('missing-link'), ['db: interface uses bridge br9, which this host does not have']);
  assert.deepEqual(by('pool-missing-pf'), ['network mv: macvtap pool on eth7, missing on this host']);
});

test('no libvirt: no holders, no findings', () => {
  const s = parseDiscovery('KVMNET-DISCOVERY 1\nEND\n');
  assert.equal(deviceHolders(s).size, 0);
  assert.deepEqual(libvirtFindings(s), []);
});
