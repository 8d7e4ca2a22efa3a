// libvirt XML → QEMU arguments: where a NIC sits depends on the guest's architecture and machine, as libvirt decides
// it. PCI NICs (x86, ARM 'virt') are generated with libvirt's default model for that platform; NICs on other buses
// are a located "not translated" note, never a PCI device by mistake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { untranslated } from '../../../src/core/convert/model';
import { domainToArgs } from '../../../src/core/convert/xmlToArgs';

const domain = (arch: string, machine: string, nic: string): string =>
  `<domain type='qemu'><name>g</name><memory unit='MiB'>64</memory><os><type arch='${arch}' machine='${machine}'>hvm</type></os><devices>${nic}</devices></domain>`;
const user = (inner = ''): string => `<interface type='user'><mac address='52:54:00:00:00:01'/>${inner}</interface>`;
const devices = (xml: string): string[] => domainToArgs(xml).args.filter((a, i, all) => all[i - 1] === '-device');

test('x86 and ARM virt: PCI NICs, with libvirt\'s default model for the platform when none is given', () => {
  assert.deepEqual(devices(domain('x86_64', 'pc', user())), ['rtl8139,netdev=net0,mac=52:54:00:00:00:01']);
  assert.deepEqual(devices(domain('aarch64', 'virt', user())), ['virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01']);
  assert.deepEqual(devices(domain('aarch64', 'virt-7.2', user("<model type='e1000'/>"))), ['e1000,netdev=net0,mac=52:54:00:00:00:01']);
});

test('s390 (ccw), ARM boards without PCI, virtio-mmio and ccw addresses: not translated, located on the interface', () => {
  for (const [xml, reason] of [
    [domain('s390x', 's390-ccw-virtio', user("<model type='virtio'/>")), /s390x guest: libvirt puts it on the ccw bus/],
    [domain('armv7l', 'vexpress-a9', user("<model type='virtio'/>")), /board 'vexpress-a9': its NICs are not PCI devices/],
    [domain('aarch64', 'virt', user("<model type='virtio'/><address type='virtio-mmio'/>")), /virtio-mmio address \(virtio-net-device\)/],
  ] as const) {
    const r = domainToArgs(xml);
    assert.deepEqual(devices(xml), [], xml);
    assert.ok(r.args.includes('none'), 'no NIC: -nic none, so QEMU adds none of its own');
    const notes = untranslated(r.notes);
    assert.ok(notes.some((n) => reason.test(n.message) && xml.slice(n.span.start, n.span.end).startsWith('<interface')), JSON.stringify(notes));
  }
});

test('an interface converted alone from inside a domain sits on that domain\'s platform', () => {
  const xml = domain('s390x', 's390-ccw-virtio', user("<model type='virtio'/>"));
  const r = domainToArgs(xml, { at: xml.indexOf('<interface') + 3 });
  assert.equal(r.scope, 'interface');
  assert.deepEqual(r.args, []);
  assert.ok(untranslated(r.notes).some((n) => /s390x guest/.test(n.message)));
});
