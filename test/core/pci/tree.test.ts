import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSnapshot } from '../../../src/core/host/demo';
import { parseDiscovery } from '../../../src/core/host/parse';
import { parsePciIds } from '../../../src/core/pci/ids';
import { deviceFacts, deviceFlags, deviceForest, iommuGroupView } from '../../../src/core/pci/tree';

const demo = demoSnapshot();

test('forest: network-related top-level functions with their VFs underneath; --all adds the rest', () => {
  const nodes = deviceForest(demo);
  assert.deepEqual(nodes.map((n) => n.device.bdf), ['0000:18:00.0', '0000:18:00.1', '0000:3b:00.0', '0000:3b:00.1', '0000:65:00.0']);
  assert.deepEqual(nodes[2]!.vfs.map((v) => v.bdf), ['0000:3b:02.0', '0000:3b:02.1', '0000:3b:02.2', '0000:3b:02.3']);
  assert.equal(deviceForest(demo, { showAll: true }).length, demo.devices.length - 4);
});

test('IOMMU view keeps every member of a shown group (viability needs them all)', () => {
  const gpu = iommuGroupView(demo).find((g) => g.id === 12)!;
  assert.deepEqual(gpu.devices.map((d) => d.bdf), ['0000:65:00.0', '0000:65:00.1']);
  assert.equal(iommuGroupView(demo).some((g) => g.id === 2), false, 'chipset group hidden by default');
  assert.equal(iommuGroupView(demo, { showAll: true }).find((g) => g.id === 2)?.devices.length, 3);
});

test('flags: a bridge port inherits the route of its bridge; facts list everything', () => {
  const text = ['KVMNET-DISCOVERY 1', 'S\tdefault-route\tbr0', 'D\t0000:01:00.0\tclass\t0x020000', 'D\t0000:01:00.0\tvendor\t0x8086', 'D\t0000:01:00.0\tdevice\t0x1521', 'D\t0000:01:00.0\tnet\teno1', 'N\teno1\tmaster\tbr0', 'N\tbr0\tbridge\t1', 'END'].join('\n');
  const s = parseDiscovery(text);
  assert.equal(deviceFlags(s, s.devices[0]!).carriesDefaultRoute, true);
  const facts = new Map(deviceFacts(demo, demo.devices.find((d) => d.bdf === '0000:3b:00.0')!));
  assert.equal(facts.get('SR-IOV'), '4 of 64 VFs enabled');
  assert.equal(new Map(deviceFacts(demo, demo.devices.find((d) => d.bdf === '0000:65:00.1')!)).get('IOMMU group'), '12 (shared with 0000:65:00.0)');
  assert.equal(facts.get('Interface enp59s0f0'), '3c:fd:fe:a1:b2:c3, up, default route');
  assert.match(facts.get('Host uplink')!, /refuse/);
});

test('pci.ids parsing: vendors, devices, classes down to prog-if', () => {
  const ids = parsePciIds('# c\n8086  Intel Corporation\n\t1572  Ethernet Controller X710 for 10GbE SFP+\n\t\t8086 0007  X710-2\nC 01  Mass storage controller\n\t08  Non-Volatile memory controller\n\t\t02  NVM Express\n');
  assert.equal(ids.vendor('8086'), 'Intel Corporation');
  assert.equal(ids.device('8086', '1572'), 'Ethernet Controller X710 for 10GbE SFP+');
  assert.equal(ids.className('010802'), 'NVM Express');
  assert.equal(ids.className('010801'), 'Non-Volatile memory controller');
  assert.equal(ids.device('8086', '0007'), undefined);
});
