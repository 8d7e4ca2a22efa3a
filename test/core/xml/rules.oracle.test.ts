import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/text';
import { XmlCode, type XmlCodeKey } from '../../../src/core/xml/codes';
import { parseXml } from '../../../src/core/xml/document';
import { checkLibvirtSemantics, duplicateMacsAcrossFiles } from '../../../src/core/xml/rules';
import { SchemaCode } from '../../../src/core/xml/schema/codes';
import { virshDefine, virshNetDefine, virtXmlValidate, wrapDomain } from './oracle';
import { A, caseDocument, cases, mac, net, pci, V } from './ruleCases';

const check = (text: string) => checkLibvirtSemantics(parseXml(text));
const withCode = (fs: Finding[], key: XmlCodeKey) => fs.filter((f) => f.code === XmlCode[key].id);

for (const [i, c] of cases.entries()) {
  const id = XmlCode[c.code].id;
  test(`${id} #${i}: fires`, () => {
    const fs = withCode(check(caseDocument(c, c.fires)), c.code);
    assert.ok(fs.length > 0, `expected ${id}`);
    for (const f of fs) assert.equal(f.source, 'kvmnet-xml');
  });
  test(`${id} #${i}: does not fire`, () => {
    assert.deepEqual(withCode(check(caseDocument(c, c.quiet)), c.code), []);
  });
  test(`${id} #${i}: every quick fix validates and the preferred one clears the finding`, () => {
    const text = caseDocument(c, c.fires);
    for (const f of withCode(check(text), c.code)) {
      assert.ok((f.fixes ?? []).filter((x) => x.isPreferred).length <= 1, 'at most one preferred fix');
      for (const fix of f.fixes ?? []) {
        const fixed = applyEdits(text, fix.edits);
        const v = virtXmlValidate(fixed);
        assert.ok(v.ok, `fix "${fix.title}" gives an invalid document:\n${fixed}\n${v.output}`);
        if (fix.isPreferred || f.fixes!.length === 1) {
          const after = withCode(check(fixed), c.code).filter((g) => g.range.start.line === f.range.start.line && g.range.start.character === f.range.start.character);
          assert.deepEqual(after, [], `fix "${fix.title}" did not clear the finding`);
        }
      }
    }
  });
  if (c.libvirtRejects) {
    test(`${id} #${i}: libvirt's parser agrees (virsh define rejects it, accepts the quiet case)`, () => {
      const define = c.network ? virshNetDefine : virshDefine;
      const bad = define(caseDocument(c, c.fires));
      assert.equal(bad.ok, false, `virsh accepted:\n${c.fires}`);
      const good = define(caseDocument(c, c.quiet));
      assert.ok(good.ok, good.output);
    });
  }
}

test('PCI numbers: the preferred fix is the hex reading, the other keeps libvirt\'s reading', () => {
  const text = wrapDomain(pci(A('10', '010')));
  const [bus, slot] = withCode(check(text), 'PciAddressNotHex');
  assert.match(bus!.message, /decimal 10 = 0x0a/);
  assert.deepEqual(bus!.fixes!.map((f) => [f.edits[0]!.newText, f.isPreferred]), [['0x10', true], ['0x0a', false]]);
  assert.match(slot!.message, /octal 010 = 0x08/);
  assert.equal(slot!.fixes![0]!.edits[0]!.newText, '0x10');
  assert.ok(virshDefine(text).ok, 'libvirt accepts decimal/octal (that is the trap)');
});

test('a decimal slot whose hex reading is out of range prefers libvirt\'s reading', () => {
  const [f] = withCode(check(wrapDomain(pci(A('0x00', '20')))), 'PciAddressNotHex');
  assert.deepEqual(f!.fixes!.map((x) => [x.edits[0]!.newText, x.isPreferred]), [['0x14', true]]);
});

test('SCSI and USB hostdev addresses are decimal by design and left alone', () => {
  const scsi = `    <hostdev mode='subsystem' type='scsi'>\n      <source>\n        <adapter name='scsi_host0'/>\n        <address bus='10' target='0' unit='12'/>\n      </source>\n    </hostdev>`;
  assert.deepEqual(check(wrapDomain(scsi)), []);
});

test('managed=no names the node device to detach', () => {
  const [f] = withCode(check(wrapDomain(pci(A('0x06', '0x10', '0x2'), '', "managed='no'"))), 'HostdevUnmanaged');
  assert.match(f!.message, /virsh nodedev-detach pci_0000_06_10_2/);
});

test('a host interface definition (netcf, root with name=) is not a guest NIC', () => {
  assert.deepEqual(check(`<interface type='bridge' name='br0'><bridge><interface type='ethernet' name='eth0'/></bridge></interface>`), []);
});

test('a device fragment root is checked like a NIC in <devices>', () => {
  assert.equal(withCode(check(`<interface type='bridge'>\n  <model type='virtio'/>\n</interface>`), 'BridgeWithoutSource').length, 1);
});

test('legacy kvm driver is flagged on a VF pool network too', () => {
  const netXml = `<network>\n  <name>pool</name>\n  <forward mode='hostdev' managed='yes'>\n    <driver name='kvm'/>\n    <pf dev='eth3'/>\n  </forward>\n</network>\n`;
  const [f] = withCode(check(netXml), 'HostdevLegacyKvm');
  assert.ok(f);
  assert.ok(virtXmlValidate(applyEdits(netXml, f.fixes![0]!.edits)).ok);
});

test('duplicate MACs across files: each file hears about the others', () => {
  const a = parseXml(wrapDomain(net(`${mac('52:54:00:aa:00:01')}\n${V}`), 'a'));
  const b = parseXml(wrapDomain(net(`${mac('52:54:00:AA:00:01')}\n${V}`), 'b'));
  const c = parseXml(wrapDomain(net(`${mac('52:54:00:aa:00:02')}\n${V}`), 'c'));
  const r = duplicateMacsAcrossFiles([{ file: 'a.xml', doc: a }, { file: 'b.xml', doc: b }, { file: 'c.xml', doc: c }]);
  assert.match(r.get('a.xml')![0]!.message, /b\.xml/);
  assert.equal(r.get('b.xml')![0]!.code, XmlCode.MacDuplicateWorkspace.id);
  assert.deepEqual(r.get('c.xml'), []);
});

test('every code has a one-line doc and a unique id', () => {
  const ids = Object.values(XmlCode).map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of Object.values(XmlCode)) assert.ok(c.doc.length > 10 && !c.doc.includes('\n'));
});

test('a not-well-formed document gives one located finding', async () => {
  // The production path: lintLibvirtXml reports the parse error (libxml2's, placed on our parser's span).
  const { lintLibvirtXml } = await import('../../../src/core/xml/lint');
  const fs = await lintLibvirtXml('<domain>\n  <devices>\n</domain>');
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.code, SchemaCode.NotWellFormed);
  assert.equal(fs[0]!.range.start.line, 2);
  assert.ok(!(await lintLibvirtXml('<domain/>')).some((f) => f.code === SchemaCode.NotWellFormed));
});

test('a macvtap pool network in bridge/vepa mode gets the isolation note; a host-bridge network does not', () => {
  const pool = `<network>\n  <name>p</name>\n  <forward mode='bridge'>\n    <interface dev='eth0'/>\n  </forward>\n</network>\n`;
  const hostBridge = `<network>\n  <name>h</name>\n  <forward mode='bridge'/>\n  <bridge name='br0'/>\n</network>\n`;
  assert.equal(withCode(check(pool), 'DirectHostIsolation').length, 1);
  assert.deepEqual(withCode(check(hostBridge), 'DirectHostIsolation'), []);
  assert.deepEqual(withCode(check(pool.replace("'bridge'", "'passthrough'")), 'DirectHostIsolation'), []);
});

test('guest PCI addresses: libvirt\'s reading is kept as hex, unless only the hex bus names a PCI controller', () => {
  const guest = (addr: string, controllers = '') => wrapDomain(`${controllers}${net(`${V}\n      <address type='pci' ${addr}/>`)}`);
  const slot = withCode(check(guest("domain='0x0000' bus='0x00' slot='10' function='0x0'")), 'PciAddressNotHex');
  assert.deepEqual(slot.map((f) => f.fixes!.find((x) => x.isPreferred)!.edits[0]!.newText), ['0x0a']);
  assert.match(slot[0]!.message, /decimal 10 = 0x0a, the guest's address as it stands/);
  const bridge = "    <controller type='pci' index='0' model='pci-root'/>\n    <controller type='pci' index='16' model='pci-bridge'/>\n";
  const text = guest("domain='0x0000' bus='10' slot='0x03' function='0x0'", bridge);
  const [bus] = withCode(check(text), 'PciAddressNotHex');
  assert.equal(bus!.fixes!.find((x) => x.isPreferred)!.edits[0]!.newText, '0x10');
  assert.match(bus!.message, /PCI controller with index 0x10 and none with 0x0a/);
  const fixed = applyEdits(text, bus!.fixes!.find((x) => x.isPreferred)!.edits);
  assert.ok(virshDefine(fixed).ok, virshDefine(fixed).output);
  // A host address (hostdev <source>) keeps the lspci (hex) reading as the preferred fix.
  const [host] = withCode(check(wrapDomain(pci(A('0x06', '10')))), 'PciAddressNotHex');
  assert.equal(host!.fixes!.find((x) => x.isPreferred)!.edits[0]!.newText, '0x10');
});

test('an Open vSwitch network is not called a macvtap pool; a macvtap pool network still is', () => {
  const network = (body: string) => `<network>\n  <name>n</name>\n  <forward mode='bridge'${body.includes('<interface') ? `>\n${body}\n  </forward>` : `/>\n${body}`}\n</network>\n`;
  const ovs = network("  <virtualport type='openvswitch'/>");
  assert.deepEqual(withCode(check(ovs), 'DirectHostIsolation'), []);
  assert.equal(withCode(check(network("    <interface dev='eth1'/>")), 'DirectHostIsolation').length, 1);
});
