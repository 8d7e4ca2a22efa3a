import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeXml } from '../../../src/core/xml/complete/complete';
import { cursorAt } from '../../../src/core/xml/complete/cursor';
import { hoverXml } from '../../../src/core/xml/complete/hover';
import { ELEMENTS } from '../../../src/core/xml/complete/table';

/** Text with `|` marking the cursor. */
function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  return [marked.replace('|', ''), offset];
}
const labels = (marked: string) => completeXml(...at(marked)).map((c) => c.label);

const domain = (inner: string) => `<domain type='kvm'>\n  <devices>\n${inner}\n  </devices>\n</domain>\n`;

test('element names allowed at the cursor', () => {
  assert.deepEqual(labels(domain('    <|')).sort(), ['hostdev', 'interface']);
  assert.ok(labels(domain("    <interface type='bridge'>\n      <so|\n    </interface>")).includes('source'));
  const [text, offset] = at(domain("    <interface type='bridge'>\n      <so|\n    </interface>"));
  const source = completeXml(text, offset).find((c) => c.label === 'source')!;
  assert.equal(text.slice(source.replace.start, source.replace.end), 'so');
});

test('without a schema set, the table\'s cardinality and choice: no second <mac>, no <address> after <interface>s in <forward>', () => {
  const nic = labels(domain("    <interface type='bridge'>\n      <source bridge='br0'/>\n      <mac address='52:54:00:aa:bb:cc'/>\n      <|\n    </interface>"));
  assert.ok(!nic.includes('mac') && !nic.includes('source') && nic.includes('model'), nic.join());
  assert.deepEqual(labels(domain("    <interface type='network'/>\n    <|")).sort(), ['hostdev', 'interface'], 'devices repeat');
  const forward = (inner: string) => labels(`<network>\n  <forward mode='hostdev'>\n${inner}\n  </forward>\n</network>`);
  const pool = forward("    <interface dev='eth1'/>\n    <|");
  assert.ok(pool.includes('interface') && pool.includes('pf') && !pool.includes('address'), pool.join());
  assert.ok(forward('    <|').includes('address'), 'must not: nothing chosen yet');
});

test('children that only a type allows: <backend>/<portForward> on user NICs only', () => {
  assert.ok(labels(domain("    <interface type='user'>\n      <|")).includes('portForward'));
  assert.ok(!labels(domain("    <interface type='bridge'>\n      <|")).includes('portForward'));
});

test('attribute names skip those present and follow the interface type', () => {
  const names = labels(domain("    <interface type='direct'>\n      <source dev='eth0' |/>\n    </interface>"));
  assert.ok(names.includes('mode'));
  assert.ok(!names.includes('dev'));
  assert.ok(!names.includes('bridge'), 'bridge= is for type=bridge');
});

test('enumerated values: interface types, model types, macvtap modes, hostdev modes', () => {
  assert.ok(labels(domain("    <interface type='|'/>")).includes('direct'));
  assert.deepEqual(labels(domain("    <interface type='network'>\n      <model type=\"vi|\"/>\n    </interface>")).slice(0, 1), ['virtio']);
  assert.deepEqual(labels(domain("    <interface type='direct'>\n      <source dev='eth0' mode='|'/>\n    </interface>")), ['vepa', 'bridge', 'private', 'passthrough']);
  assert.deepEqual(labels(domain("    <hostdev mode='|' type='pci'/>")), ['subsystem', 'capabilities']);
  assert.ok(labels(`<network>\n  <forward mode='|'/>\n</network>`).includes('hostdev'));
});

test('right after = the value comes with its quotes', () => {
  const [text, offset] = at(domain("    <interface type=|>"));
  const c = completeXml(text, offset).find((x) => x.label === 'bridge')!;
  assert.equal(c.insert, "'bridge'");
});

test('a value completion replaces the whole typed value up to the closing quote', () => {
  const [text, offset] = at(domain("    <interface type='br|idge'/>"));
  const c = completeXml(text, offset).find((x) => x.label === 'bridge')!;
  assert.equal(text.slice(c.replace.start, c.replace.end), 'bridge');
});

test('no completion inside comments, text or close tags', () => {
  assert.deepEqual(labels(domain('    <!-- <|')), []);
  assert.deepEqual(labels(domain('    some text |')), []);
  assert.equal(cursorAt(...at(domain('    </|'))), undefined);
});

test('hover documents elements, attributes and enumerated values', () => {
  const h1 = hoverXml(...at(domain("    <inter|face type='direct'>\n      <source dev='eth0' mode='bridge'/>\n    </interface>")));
  assert.match(h1!.markdown, /guest network card/);
  const h2 = hoverXml(...at(domain("    <interface type='direct'>\n      <source dev='eth0' mode='bri|dge'/>\n    </interface>")));
  assert.match(h2!.markdown, /host and guest still cannot talk/);
  const h3 = hoverXml(...at(domain("    <interface type='direct'>\n      <source dev='eth0' mo|de='bridge'/>\n    </interface>")));
  assert.match(h3!.markdown, /- `passthrough`/);
});

test('hover over a PCI number says how libvirt reads it', () => {
  const h = hoverXml(...at(domain("    <hostdev mode='subsystem' type='pci'>\n      <source>\n        <address bus='1|0' slot='0x00' function='0x0'/>\n      </source>\n    </hostdev>")));
  assert.match(h!.markdown, /reads `10` as 0xa \(10\)/);
});

test('every table entry has a doc; every value has a doc', () => {
  for (const [key, spec] of Object.entries(ELEMENTS)) {
    assert.ok(spec.doc.length > 5, key);
    for (const [name, a] of Object.entries(spec.attributes ?? {})) {
      assert.ok(a.doc.length > 3, `${key}@${name}`);
      for (const [v, d] of Object.entries(a.values ?? {})) assert.ok(d.length > 3, `${key}@${name}=${v}`);
    }
  }
});

test('every enumerated value in the table is a value of libvirt\'s installed schemas', async () => {
  const { readdirSync, readFileSync, existsSync } = await import('node:fs');
  const dir = '/usr/share/libvirt/schemas';
  assert.ok(existsSync(dir), 'libvirt schemas missing: apt-get install libvirt-clients');
  const rng = readdirSync(dir).filter((f) => f.endsWith('.rng')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('\n');
  const known = new Set([...rng.matchAll(/<value>([^<]*)<\/value>/g)].map((m) => m[1]));
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(ELEMENTS)) {
    for (const [name, a] of Object.entries(spec.attributes ?? {})) {
      // NIC model names are free-form in the schema (pattern [a-zA-Z0-9\-_]+): QEMU decides which exist.
      const freeForm = key === 'interface/model' && name === 'type';
      for (const v of Object.keys(a.values ?? {})) {
        if (freeForm ? !/^[a-zA-Z0-9\-_]+$/.test(v) : !known.has(v)) missing.push(`${key}@${name}=${v}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('completion and hover never throw, at any offset of mutated corpus documents', async (t) => {
  const fc = (await import('fast-check')).default;
  const { readFileSync } = await import('node:fs');
  const { corpusMissing, corpusXmlFiles, cutDocumentWithCursor } = await import('./corpus');
  if (corpusMissing) return t.skip(corpusMissing);
  const docs = corpusXmlFiles('libvirt/domain').slice(0, 40).map((f) => readFileSync(f, 'utf8'));
  fc.assert(
    fc.property(cutDocumentWithCursor(fc, docs), ({ text, offset }) => {
      for (const item of completeXml(text, offset)) assert.ok(item.replace.start <= item.replace.end && item.replace.end <= text.length);
      const h = hoverXml(text, offset);
      if (h) assert.ok(h.span.end <= text.length);
    }),
    { numRuns: 2000, seed: 11 },
  );
});

test('every element and attribute name in the table exists in libvirt\'s installed schemas', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const dir = '/usr/share/libvirt/schemas';
  const rng = readdirSync(dir).filter((f) => f.endsWith('.rng')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('\n');
  const elements = new Set([...rng.matchAll(/<element name="([^"]+)"/g)].map((m) => m[1]));
  const attributes = new Set([...rng.matchAll(/<attribute name="([^"]+)"/g)].map((m) => m[1]));
  const unknown: string[] = [];
  for (const [key, spec] of Object.entries(ELEMENTS)) {
    for (const el of [key.split('/').pop()!, ...(spec.children ?? []), ...Object.values(spec.childrenForTypes ?? {}).flat()]) {
      if (!elements.has(el)) unknown.push(`<${el}> (${key})`);
    }
    for (const a of Object.keys(spec.attributes ?? {})) if (!attributes.has(a)) unknown.push(`${key}@${a}`);
  }
  assert.deepEqual(unknown, []);
});
