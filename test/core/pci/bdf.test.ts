import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  bdfFromXmlAddress,
  hexField,
  invalidBdfMessage,
  lastBdfInPath,
  libvirtNumber,
  parseBdf,
  parseQemuAddr,
  pciAddressAttrs,
  pciAddressXml,
  qemuAddr,
  qemuHostProp,
  rootBusBdf,
  type Bdf,
  type PciAddressField,
} from '../../../src/core/pci/bdf';

const attrs = (a: Partial<Record<PciAddressField, string>>) => (f: PciAddressField) => a[f];

test('parseBdf: sysfs/lspci/QEMU host= text, domain added, lower case; anything else undefined', () => {
  assert.equal(parseBdf('03:00.0'), '0000:03:00.0');
  assert.equal(parseBdf(' 0000:0A:1F.7 '), '0000:0a:1f.7');
  for (const bad of ['03:00', '3:00.0', '0000:03:20.0', '0000:03:00.8', '00000:03:00.0', '0000:03:00.0 ; rm', '']) assert.equal(parseBdf(bad), undefined, bad);
});

test('the invalid-BDF message and the QEMU host= item', () => {
  assert.equal(invalidBdfMessage('zz:00.0'), "invalid PCI address 'zz:00.0': expected [DOMAIN:]BUS:DEVICE.FUNCTION, e.g. 0000:03:00.0");
  assert.equal(qemuHostProp(parseBdf('3b:02.3')!), 'host=0000:3b:02.3');
});

test("libvirtNumber reads as strtol base 0 does: 0x hex, 0 octal, else decimal; libvirt's refusals undefined", () => {
  assert.equal(libvirtNumber('0x1f'), 0x1f);
  assert.equal(libvirtNumber('010'), 8);
  assert.equal(libvirtNumber('10'), 10);
  assert.equal(libvirtNumber('0'), 0);
  for (const bad of ['1f', '08', '0x', '', '-1', 'ten']) assert.equal(libvirtNumber(bad), undefined, bad);
});

test("<address> read as libvirt reads it: bus='10' is decimal 10; domain and function default to 0", () => {
  assert.equal(bdfFromXmlAddress(attrs({ domain: '0x0000', bus: '0x03', slot: '0x00', function: '0x1' })), '0000:03:00.1');
  assert.equal(bdfFromXmlAddress(attrs({ bus: '10', slot: '0x02' })), '0000:0a:02.0');
  assert.equal(bdfFromXmlAddress(attrs({ bus: '0x03' })), undefined, 'no slot');
  assert.equal(bdfFromXmlAddress(attrs({ bus: '0x03', slot: '0x20' })), undefined, 'slot over 0x1f');
  assert.equal(bdfFromXmlAddress(attrs({ bus: '1f', slot: '0' })), undefined, 'libvirt refuses 1f');
});

test('<address> written as 0x hex, and read back to the same BDF (property)', () => {
  assert.equal(pciAddressXml({ bdf: parseBdf('3b:02.3')! }, true), "<address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x3'/>");
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const bdfs = fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0, max: 7 }))
    .map(([d, b, s, f]) => parseBdf(`${hex(d, 4)}:${hex(b, 2)}:${hex(s, 2)}.${f}`)!);
  fc.assert(
    fc.property(bdfs, fc.boolean(), (bdf: Bdf, withType) => {
      const xml = pciAddressXml({ bdf }, withType);
      const read = (f: PciAddressField) => new RegExp(` ${f}='([^']*)'`).exec(xml)?.[1];
      assert.equal(bdfFromXmlAddress(read), bdf);
    }),
  );
});

test('untrusted attribute text never yields a malformed Bdf (property)', () => {
  fc.assert(
    fc.property(fc.record({ domain: fc.string(), bus: fc.string(), slot: fc.string(), function: fc.string() }, { requiredKeys: [] }), (a) => {
      const bdf = bdfFromXmlAddress(attrs(a));
      if (bdf !== undefined) assert.equal(parseBdf(bdf), bdf);
    }),
  );
});

test('a sysfs path names its function in the last BDF segment; other text is no BDF', () => {
  assert.equal(lastBdfInPath('/sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/eth0'), '0000:03:00.0');
  assert.equal(lastBdfInPath('/sys/devices/virtual/net/lo'), undefined);
  assert.equal(lastBdfInPath('/sys/devices/pci0000:00/x0000:03:00.0/net'), undefined, 'a segment, not a substring');
});

test('hexField is the 0x form libvirt prints; pciAddressAttrs agrees with pciAddressXml', () => {
  assert.equal(hexField(0xa, 2), '0x0a');
  assert.equal(hexField(3, 1), '0x3');
  assert.deepEqual(pciAddressAttrs(parseBdf('0a:1f.7')!), { domain: '0x0000', bus: '0x0a', slot: '0x1f', function: '0x7' });
});

test("QEMU's addr= (hex slot, optional function) read and written back the same (property)", () => {
  assert.deepEqual(parseQemuAddr('0x03'), { slot: 3, fn: 0 });
  assert.deepEqual(parseQemuAddr('1f.7'), { slot: 0x1f, fn: 7 });
  for (const bad of ['0x20', '3.8', '', 'x', '0x003']) assert.equal(parseQemuAddr(bad), undefined, bad);
  assert.equal(qemuAddr({ slot: 3, fn: 0 }), '0x03');
  assert.equal(rootBusBdf({ slot: 0x1f, fn: 2 }), '0000:00:1f.2');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0, max: 7 }), (slot, fn) => {
      assert.deepEqual(parseQemuAddr(qemuAddr({ slot, fn })), { slot, fn });
      assert.equal(parseBdf(rootBusBdf({ slot, fn })), rootBusBdf({ slot, fn }));
    }),
  );
});
