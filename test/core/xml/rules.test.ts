import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/text';
import { XmlCode, type XmlCodeKey } from '../../../src/core/xml/codes';
import { parseXml } from '../../../src/core/xml/document';
import { checkLibvirtSemantics, duplicateMacsAcrossFiles } from '../../../src/core/xml/rules';
import { SchemaCode } from '../../../src/core/xml/schema/codes';
import { virshDefine, virtXmlValidate, wrapDomain } from './oracle';

const pci = (addr: string, extra = '', attrs = "managed='yes'") =>
  `    <hostdev mode='subsystem' type='pci' ${attrs}>\n      ${extra}<source>\n        <address ${addr}/>\n      </source>\n    </hostdev>`;
const nic = (type: string, body: string) => `    <interface type='${type}'>\n${body}\n    </interface>`;
const net = (body: string) => nic('network', `      <source network='default'/>\n${body}`);
const V = "      <model type='virtio'/>";
const mac = (m: string) => `      <mac address='${m}'/>`;
const A = (b: string, s: string, f = '0x0') => `domain='0x0000' bus='${b}' slot='${s}' function='${f}'`;

interface Case {
  readonly code: XmlCodeKey;
  readonly fires: string;
  readonly quiet: string;
  /** libvirt's parser (virsh define) refuses the firing case too. */
  readonly libvirtRejects?: boolean;
}

const cases: Case[] = [
  { code: 'BridgeWithoutSource', fires: nic('bridge', V), quiet: nic('bridge', `      <source bridge='br0'/>\n${V}`), libvirtRejects: true },
  { code: 'PciAddressNotHex', fires: pci(A('10', '010')), quiet: pci("domain='0' bus='0x10' slot='0x01' function='0'") },
  { code: 'PciAddressNotHex', fires: pci(A('1f', '0x01')), quiet: pci(A('0x1f', '0x01')), libvirtRejects: true },
  { code: 'PciAddressRange', fires: pci(A('0x01', '0x20')), quiet: pci(A('0x01', '0x1f')), libvirtRejects: true },
  { code: 'PciAddressRange', fires: pci(A('0x01', '0x01', '0x8')), quiet: pci(A('0x01', '0x01', '0x7')), libvirtRejects: true },
  { code: 'MacMalformed', fires: net(`${mac('52:54:00:zz:00:01')}\n${V}`), quiet: net(`${mac('52:54:00:aa:00:01')}\n${V}`), libvirtRejects: true },
  { code: 'MacMulticast', fires: net(`${mac('01:00:5e:00:00:01')}\n${V}`), quiet: net(`${mac('02:00:5e:00:00:01')}\n${V}`), libvirtRejects: true },
  { code: 'MacDuplicate', fires: [net(`${mac('52:54:00:aa:00:01')}\n${V}`), net(`${mac('52:54:00:AA:00:01')}\n${V}`)].join('\n'), quiet: [net(`${mac('52:54:00:aa:00:01')}\n${V}`), net(`${mac('52:54:00:aa:00:02')}\n${V}`)].join('\n') },
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

const check = (text: string) => checkLibvirtSemantics(parseXml(text));
const withCode = (fs: Finding[], key: XmlCodeKey) => fs.filter((f) => f.code === XmlCode[key].id);

for (const [i, c] of cases.entries()) {
  const id = XmlCode[c.code].id;
  test(`${id} #${i}: fires`, () => {
    const fs = withCode(check(wrapDomain(c.fires)), c.code);
    assert.ok(fs.length > 0, `expected ${id}`);
    for (const f of fs) assert.equal(f.source, 'kvmnet-xml');
  });
  test(`${id} #${i}: does not fire`, () => {
    assert.deepEqual(withCode(check(wrapDomain(c.quiet)), c.code), []);
  });
  test(`${id} #${i}: every quick fix validates and the preferred one clears the finding`, () => {
    const text = wrapDomain(c.fires);
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
      const bad = virshDefine(wrapDomain(c.fires));
      assert.equal(bad.ok, false, `virsh accepted:\n${c.fires}`);
      const good = virshDefine(wrapDomain(c.quiet));
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
