import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { attrValue, attribute, childElements, descendants, elementAt, elementPath, firstChild, parseXml, select } from '../../../src/core/xml/document';
import { corpusMissing, corpusXmlFiles } from './corpus';

const sample = `<?xml version="1.0"?>
<!-- a comment -->
<domain type='kvm' xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>a &amp; b</name>
  <devices>
    <interface type='bridge'>
      <source bridge="br0"/>
      <![CDATA[<raw>]]>
    </interface>
    <qemu:x qemu:y='1'/>
  </devices>
</domain>
`;

test('positions of elements, attributes and values', () => {
  const doc = parseXml(sample);
  assert.equal(doc.error, undefined);
  const iface = select(doc.root!, 'devices/interface')[0]!;
  assert.equal(sample.slice(iface.nameSpan.start, iface.nameSpan.end), 'interface');
  assert.equal(sample.slice(iface.openTagSpan.start, iface.openTagSpan.end), "<interface type='bridge'>");
  assert.ok(sample.slice(iface.span.start, iface.span.end).endsWith('</interface>'));
  const type = attribute(iface, 'type')!;
  assert.equal(sample.slice(type.valueSpan.start, type.valueSpan.end), 'bridge');
  assert.equal(sample.slice(type.span.start, type.span.end), "type='bridge'");
  const src = firstChild(iface, 'source')!;
  assert.equal(src.selfClosing, true);
  assert.equal(attrValue(src, 'bridge'), 'br0');
  assert.deepEqual(doc.rangeOf(type.valueSpan), { start: { line: 5, character: 21 }, end: { line: 5, character: 27 } });
  assert.deepEqual(elementPath(src), ['domain', 'devices', 'interface', 'source']);
});

test('text is decoded, CDATA kept, comments skipped, namespaces kept as names', () => {
  const doc = parseXml(sample);
  const name = firstChild(doc.root!, 'name')!;
  assert.deepEqual(name.children.map((c) => (c.kind === 'text' ? c.text : c.name)), ['a & b']);
  const iface = descendants(doc.root, 'interface')[0]!;
  assert.ok(iface.children.some((c) => c.kind === 'text' && c.text.includes('<raw>')));
  assert.equal(descendants(doc.root, 'qemu:x').length, 1);
  assert.equal(attrValue(descendants(doc.root, 'qemu:x')[0]!, 'qemu:y'), '1');
  assert.deepEqual(childElements(doc.root!).map((e) => e.name), ['name', 'devices']);
});

test('attribute values are normalised like an XML parser does, raw keeps the source', () => {
  const doc = parseXml(`<a b="x&#10;y\tz &lt;"/>`);
  const b = attribute(doc.root!, 'b')!;
  assert.equal(b.value, 'x\ny z <');
  assert.equal(b.raw, 'x&#10;y\tz &lt;');
});

test('elementAt finds the innermost element, also in a cut-off document', () => {
  const doc = parseXml(sample);
  assert.equal(elementAt(doc, sample.indexOf('br0'))?.name, 'source');
  assert.equal(elementAt(doc, sample.indexOf('<source') - 1)?.name, 'interface');
  const typing = `<domain><devices><interface type='user'>\n`;
  const cut = parseXml(typing);
  assert.ok(cut.error);
  assert.equal(elementAt(cut, typing.length)?.name, 'interface');
});

const broken: [string, string, RegExp][] = [
  ['', '', /no root element/],
  ['<a><b></a>', '</a>', /does not match <b>/],
  ['<a>', '<a', /never closed/],
  ['<a b="1" B="" b="2"/>', '" b', /repeated/],
  ['<a b=1/>', '1', /in quotes/],
  ['<a b="1"c="2"/>', 'c', /separated by white space/],
  ['<a>&nbsp;</a>', '&nbsp;', /Unknown entity/],
  ['<a>x & y</a>', '&', /entity reference/],
  ['<a b="<"/>', '<"', /not allowed in an attribute/],
  ['<a/><b/>', '<b', /second root/],
  ['<a/>junk', 'j', /Extra content/],
  ['junk<a/>', 'j', /before the root/],
  [' <?xml version="1.0"?><a/>', '<?xml', /only allowed at the very start/],
  ['<a><!-- x -- y --></a>', '-- y', /not allowed inside a comment/],
  ['<a>\u0001</a>', '\u0001', /U\+0001/],
  ['<a><b c="1"', '<b', /not closed/],
  ['<a>]]></a>', ']]>', /not allowed in text/],
  ['<a>&#0;</a>', '&#0;', /not a legal XML character/],
];

for (const [text, at, message] of broken) {
  test(`one located error for ${JSON.stringify(text)}`, () => {
    const doc = parseXml(text);
    assert.ok(doc.error, 'expected an error');
    assert.match(doc.error.message, message);
    assert.equal(doc.error.span.start, text.indexOf(at) + (at.startsWith('" ') ? 2 : 0));
    assert.ok(doc.error.span.end <= text.length);
  });
}

test('an illegal character after the first structural error does not replace it', () => {
  const doc = parseXml('<a><b></a>\u0001');
  assert.match(doc.error!.message, /does not match/);
});

test('deep nesting does not overflow the stack', () => {
  const n = 100_000;
  const doc = parseXml('<a>'.repeat(n) + '</a>'.repeat(n));
  assert.equal(doc.error, undefined);
  assert.equal([...descendants(doc.root, 'a')].length, n);
});

test('every corpus XML file parses without error', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const files = corpusXmlFiles();
  assert.ok(files.length > 100);
  for (const f of files) assert.equal(parseXml(readFileSync(f, 'utf8')).error, undefined, f);
});
