import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import fc from 'fast-check';
import type { Finding } from '../../../../src/core/findings';
import { LineIndex } from '../../../../src/core/text';
import { lintLibvirtXml } from '../../../../src/core/xml/lint';
import { SchemaCode } from '../../../../src/core/xml/schema/codes';
import { corpusMissing, corpusXmlFiles } from '../corpus';

/*
 * fast-check over the whole lintLibvirtXml (libxml2 parse + RelaxNG + narrowing + semantic rules)
 * on mutated corpus documents: no exception, every range inside the text, and a not-well-formed
 * document gets exactly one finding. 8,000 cheap structure-breaking mutations (mostly stop at the
 * parser) + 2,000 value/structure mutations that stay well-formed and go through full schema
 * validation and error narrowing = 10,000 runs.
 */

const SEEDS = [
  `<domain type='kvm'>\n  <name>s</name>\n  <memory>1</memory>\n  <os><type>hvm</type></os>\n  <devices>\n    <interface type='bridge'><source bridge='br0'/><model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></interface>\n    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x10' function='0x2'/></source></hostdev>\n  </devices>\n</domain>\n`,
  `<interface type='direct'><source dev='eth0' mode='vepa'/><mac address='52:54:00:11:22:33'/></interface>\n`,
  `<network><name>n</name><forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward></network>\n`,
];

const docs: string[] = corpusMissing ? SEEDS : corpusXmlFiles('libvirt').map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 40_000);

function checkFindings(text: string, findings: readonly Finding[]): void {
  const index = new LineIndex(text);
  for (const f of findings) {
    const { start, end } = f.range;
    assert.ok(start.line >= 0 && end.line < index.lineCount, `range outside the text: ${JSON.stringify(f)}`);
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `inverted range ${JSON.stringify(f.range)}`);
    assert.ok(end.character <= index.lineText(end.line).length + 1, `column past the line end: ${JSON.stringify(f)}`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity));
    assert.ok(f.message.length > 0 && f.code.length > 0);
  }
  if (findings.some((f) => f.code === SchemaCode.NotWellFormed)) assert.equal(findings.length, 1, 'a parse error comes alone');
}

const JUNK = ['<', '>', '</', '/>', '"', "'", '&', '&amp;', '&#0;', '&#x110000;', ']]>', '<!--', '-->', '<![CDATA[', '<?xml version="1.0"?>', '\u0000', '\uD800', '\uFFFE', 'é', '😀', '\r\n', ' xmlns:q="u" ', '<q:x/>', '=', '<!DOCTYPE domain>'];

const structural = fc.record({
  doc: fc.nat(),
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  op: fc.constantFrom('insert', 'delete', 'replace', 'truncate', 'duplicate'),
  junk: fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })),
});

function mutateStructure(m: { doc: number; at: number; len: number; op: string; junk: string }): string {
  const text = docs[m.doc % docs.length]!;
  const at = m.at % (text.length + 1);
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.junk + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len + 1);
    case 'replace':
      return text.slice(0, at) + m.junk + text.slice(at + m.len);
    case 'truncate':
      return text.slice(0, at);
    default:
      return text.slice(0, at) + text.slice(at, at + m.len * 8) + text.slice(at);
  }
}

const VALUES = ['0x20', '010', '10', '-1', '', ' ', 'bridge', 'vfio', 'kvm', 'virtio', 'e1000', '52:54:00:12:34:56', '01:00:5e:00:00:01', 'zz', 'yes', 'no', '0xffffffffff', '99999999999999999999', 'pci', 'passt', '&amp;', '&lt;x&gt;'];
const NAMES = ['address', 'source', 'model', 'driver', 'mac', 'bogus', 'interface', 'hostdev', 'devices', 'target', 'vlan', 'tag', 'portForward', 'backend'];

const semantic = fc.record({
  doc: fc.nat(),
  nth: fc.nat(),
  op: fc.constantFrom('value', 'rename', 'dropAttr', 'addAttr', 'dropElement', 'cloneElement'),
  value: fc.oneof(fc.constantFrom(...VALUES), fc.stringMatching(/^[\w:.-]{0,12}$/)),
  name: fc.constantFrom(...NAMES),
});

/** Well-formedness-preserving edits: change an attribute value, rename an element, drop/add/clone things. */
function mutateSemantics(m: { doc: number; nth: number; op: string; value: string; name: string }): string {
  const text = docs[m.doc % docs.length]!;
  const attrs = [...text.matchAll(/(\s)([\w:-]+)=(['"])([^'"<&]*)\3/g)];
  const tags = [...text.matchAll(/<([A-Za-z][\w-]*)([^<>]*?)(\/?)>/g)];
  if (m.op === 'value' || m.op === 'dropAttr') {
    const a = attrs[m.nth % Math.max(1, attrs.length)];
    if (!a || a.index === undefined) return text;
    const replacement = m.op === 'value' ? `${a[1]}${a[2]}=${a[3]}${m.value}${a[3]}` : a[1]!;
    return text.slice(0, a.index) + replacement + text.slice(a.index + a[0].length);
  }
  const t = tags[m.nth % Math.max(1, tags.length)];
  if (!t || t.index === undefined) return text;
  if (m.op === 'addAttr') return `${text.slice(0, t.index + 1 + t[1]!.length)} ${m.name}='${m.value}'${text.slice(t.index + 1 + t[1]!.length)}`;
  if (m.op === 'rename' && t[3] === '/') return `${text.slice(0, t.index + 1)}${m.name}${text.slice(t.index + 1 + t[1]!.length)}`;
  if (m.op === 'cloneElement' && t[3] === '/') return text.slice(0, t.index) + t[0] + t[0] + text.slice(t.index + t[0].length);
  if (m.op === 'dropElement' && t[3] === '/') return text.slice(0, t.index) + text.slice(t.index + t[0].length);
  return text;
}

test('fuzz (8,000 runs, structure-breaking mutations of corpus documents): no exception, one located parse error', async () => {
  let notWellFormed = 0;
  await fc.assert(
    fc.asyncProperty(structural, async (m) => {
      const text = mutateStructure(m);
      const findings = await lintLibvirtXml(text, { schemaThread: 'inline' });
      checkFindings(text, findings);
      if (findings.some((f) => f.code === SchemaCode.NotWellFormed)) notWellFormed++;
    }),
    { numRuns: 8000 },
  );
  assert.ok(notWellFormed > 1000, `the mutations should mostly break well-formedness (${notWellFormed})`);
});

test('fuzz (2,000 runs, well-formed value/element mutations through full schema validation and narrowing)', async () => {
  let invalid = 0;
  await fc.assert(
    fc.asyncProperty(semantic, async (m) => {
      const text = mutateSemantics(m);
      const findings = await lintLibvirtXml(text, { schemaThread: 'inline' });
      checkFindings(text, findings);
      if (findings.some((f) => f.source === 'kvmnet-schema' && f.severity === 'error')) invalid++;
    }),
    { numRuns: 2000 },
  );
  assert.ok(invalid > 100, `some mutations must be schema-invalid (${invalid})`);
});
