/** The Devices rows' holder words and the Guests view's rows (pure models in src/core/libvirt/views.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bdf } from '../../../src/core/pci/bdf';
import { parseDiscovery } from '../../../src/core/host/parse';
import { deviceLibvirtFacts, guestDescription, guestHolders, guestParts, heldByText, holderPart, hostOnlyFindings, libvirtView } from '../../../src/core/libvirt/views';
import { addr, guest, NIC, PF, snapshot, VF1, VF2 } from './fixture';

const b = (x: string) => x as Bdf;
const guestNamed = (s: ReturnType<typeof snapshot>, name: string) => s.libvirt!.guests.find((g) => g.name === name)!;

test('heldByText: running and stopped guests, pools; repeated holders said once', () => {
  const v = libvirtView(snapshot());
  assert.equal(heldByText(v.holders.get(b(VF1))!), 'held by db (stopped), held by web (running), in VF pool pool (inactive)');
  assert.equal(heldByText(v.holders.get(b(NIC))!), 'held by nas (running)');
  assert.equal(heldByText(v.holders.get(b(VF2))!), 'in VF pool pool (inactive)');
  assert.equal(v.holders.get(b(PF)), undefined);
  assert.equal(heldByText([{ kind: 'guest', guest: 'a', running: false, via: 'hostdev' }, { kind: 'guest', guest: 'a', running: false, via: 'hostdev' }]), 'held by a (stopped)');
});

test('a device row: holders and findings as tooltip facts; its guest holders', () => {
  const s = snapshot();
  const vf1 = s.devices.find((d) => d.bdf === VF1)!;
  const facts = deviceLibvirtFacts(s, vf1);
  assert.deepEqual(facts.filter(([k]) => k === 'Held by').map(([, v]) => v), ["db (not running, interface type='hostdev')", 'web (running, hostdev)', 'VF pool of network pool (inactive)']);
  assert.deepEqual(facts.filter(([k]) => k.startsWith('Problem')).map(([k]) => k), ['Problem (device-shared)']);
  const nic = deviceLibvirtFacts(s, s.devices.find((d) => d.bdf === NIC)!);
  assert.ok(nic.some(([k, v]) => k === 'Problem (iommu-group-split)' && /lpc_ich/.test(v)));
  assert.deepEqual(deviceLibvirtFacts(s, s.devices.find((d) => d.bdf === PF)!), []);
  assert.deepEqual(guestHolders(s, b(VF1)), ['db', 'web']);
  assert.deepEqual(guestHolders(s, b(VF2)), []);
});

test('guest rows: NICs with their source, hostdevs named from the host, then the findings about the guest', () => {
  const s = snapshot();
  assert.equal(guestDescription(guestNamed(s, 'web')), 'running');
  assert.equal(guestDescription(guestNamed(s, 'db')), 'stopped');
  const web = guestParts(s, guestNamed(s, 'web'));
  assert.deepEqual(
    web.map((p) => [p.kind, p.label]),
    [
      ['nic', 'interface bridge'],
      ['hostdev', VF1],
      ['finding', 'MAC 52:54:00:00:00:01 is used by db, web'],
      ['finding', web.find((p) => p.kind === 'finding' && p.code === 'device-shared')!.label],
    ],
  );
  assert.equal(web[0]!.kind === 'nic' && web[0]!.description, 'bridge br0 · 52:54:00:00:00:01');
  assert.match(web[1]!.kind === 'hostdev' ? web[1]!.description : '', /^hostdev · Intel|^hostdev · .*8086:1572/);
  const db = guestParts(s, guestNamed(s, 'db'));
  const vfNic = db.find((p) => p.kind === 'nic' && p.bdf !== undefined);
  assert.equal(vfNic?.label, 'interface hostdev');
  assert.equal(vfNic?.kind === 'nic' && vfNic.bdf, VF1);
  assert.ok(db.some((p) => p.kind === 'finding' && p.code === 'missing-link' && /br9/.test(p.label)));
});

test('holderPart: the hostdev row first, else the interface type=hostdev row; unknown guest or device: none', () => {
  const s = snapshot();
  assert.equal(holderPart(s, b(VF1), 'web')?.part.kind, 'hostdev');
  assert.equal(holderPart(s, b(VF1), 'db')?.part.kind, 'nic');
  assert.equal(holderPart(s, b(VF1), 'nobody'), undefined);
  assert.equal(holderPart(s, b(PF), 'web'), undefined);
});

test('findings without a guest are the host\'s own rows; a host without libvirt has none of this', () => {
  assert.deepEqual(hostOnlyFindings(snapshot()).map((f) => f.code), ['pool-missing-pf']);
  const bare = parseDiscovery('KVMNET-DISCOVERY 1\nEND\n');
  assert.deepEqual(libvirtView(bare).findings, []);
  assert.equal(libvirtView(bare).holders.size, 0);
});

test('a hostdev naming a function the host lacks says so instead of a name', () => {
  const s = snapshot(guest(5, 'ghost', 'shut off', `<hostdev mode='subsystem' type='pci'><source>${addr('0000:99:00.0')}</source></hostdev>`));
  const parts = guestParts(s, guestNamed(s, 'ghost'));
  assert.deepEqual(parts.map((p) => (p.kind === 'hostdev' ? p.description : p.kind)), ['hostdev · not a PCI function of this host']);
});
