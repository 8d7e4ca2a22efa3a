import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../../src/core/text';
import { XmlCode } from '../../../src/core/xml/codes';
import { parseXml } from '../../../src/core/xml/document';
import { duplicateMacsAcrossFiles } from '../../../src/core/xml/rules';
import { virtXmlValidate, wrapDomain } from './oracle';

// The cross-file duplicate-MAC check of the workspace's libvirt XML, and its generated-MAC fix.

const nic = (mac: string) => `    <interface type='network'>\n      <mac address='${mac}'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>`;
const file = (name: string, xml: string) => ({ file: name, doc: parseXml(xml) });

test('a MAC shared across files: a fix in each replaces it with a generated MAC used nowhere; the result validates and clears both', () => {
  const a = wrapDomain(`${nic('52:54:00:AB:CD:01')}\n${nic('52:54:00:ab:cd:02')}`, 'a');
  const files = [file('vms/a.xml', a), file('b.xml', wrapDomain(nic('52:54:00:ab:cd:01'), 'b')), file('c.xml', wrapDomain(nic('52:54:00:ab:cd:02'), 'c'))];
  const r = duplicateMacsAcrossFiles(files);
  const onA = r.get('vms/a.xml')!;
  assert.deepEqual(onA.map((f) => f.code), [XmlCode.MacDuplicateWorkspace.id, XmlCode.MacDuplicateWorkspace.id]);
  const all = [...r.values()].flat();
  assert.ok(all.every((f) => f.fixes?.length === 1 && f.fixes[0]!.isPreferred), 'one preferred fix per finding');
  const generated = all.map((f) => /^Use a generated MAC \((52:54:00(?::[0-9a-f]{2}){3})\)$/.exec(f.fixes![0]!.title)?.[1]);
  assert.ok(generated.every((m) => m !== undefined), JSON.stringify(all.map((f) => f.fixes![0]!.title)));
  assert.equal(new Set([...generated, '52:54:00:ab:cd:01', '52:54:00:ab:cd:02', '52:54:00:12:34:56']).size, generated.length + 3, 'unique and new');

  const fixed = applyEdits(a, onA[0]!.fixes![0]!.edits);
  assert.equal(fixed, a.replace('52:54:00:AB:CD:01', generated[0]!), 'only the address value changes');
  const v = virtXmlValidate(fixed);
  assert.ok(v.ok, `${fixed}\n${v.output}`);
  const after = duplicateMacsAcrossFiles([file('vms/a.xml', fixed), file('b.xml', wrapDomain(nic('52:54:00:ab:cd:01'), 'b'))]);
  assert.deepEqual([...after.values()].flat(), []);
  // Stable for the same workspace.
  assert.deepEqual(duplicateMacsAcrossFiles(files).get('vms/a.xml')![0]!.fixes, onA[0]!.fixes);
});

test('must not: distinct MACs across files, a duplicate within one file only, non-interface <mac>', () => {
  const r = duplicateMacsAcrossFiles([
    file('a.xml', wrapDomain(`${nic('52:54:00:ab:cd:01')}\n${nic('52:54:00:ab:cd:01')}`, 'a')),
    file('b.xml', wrapDomain(nic('52:54:00:ab:cd:03'), 'b')),
    file('n.xml', "<network>\n  <name>n</name>\n  <mac address='52:54:00:ab:cd:03'/>\n</network>\n"),
  ]);
  assert.deepEqual([...r.values()].flat(), []);
});
