// Issue #12: pathological libvirt XML costs linear work in the worker, and past the size limits a notice says
// why a file is not fully checked. Costs are compared as ratios n vs 4n (growth.ts, printed), never as wall-clock times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_XML_ATTRIBUTES, MAX_XML_ELEMENTS } from '../../src/core/limits';
import { XmlCode } from '../../src/core/xml/codes';
import { analyzeLibvirtXml } from '../../src/core/xml/schema/analyze';
import { resolveSchemaSet } from '../../src/core/xml/schema/schemaSet';
import { markupSize } from '../../src/core/xml/parse/size';
import { parseXml } from '../../src/core/xml/document';
import { XML_SHAPES } from './xml-shapes';
import { growth, LINEAR_BOUND } from './growth';

const set = resolveSchemaSet().set!;
const unlimited = { maxElements: Infinity, maxAttributes: Infinity };

const ratio = (shape: string, n: number): Promise<number> => growth(shape, XML_SHAPES[shape]!, n, (text) => analyzeLibvirtXml(text, set, unlimited));

test('120,000 attributes on one element cost about 4× 30,000 (was quadratic: 60,000 took 30 s)', async () => {
  assert.ok((await ratio('attributes on the root', 30_000)) < LINEAR_BOUND);
  assert.ok((await ratio('attributes on a NIC', 30_000)) < LINEAR_BOUND);
});

test('other pathological shapes cost linear work too', async () => {
  const sizes: Record<string, number> = {
    'namespace declarations': 20_000,
    'many NICs': 2_000,
    'one long line of NICs': 2_000,
    'unknown elements': 10_000,
    'huge attribute value': 100_000,
    'entity and character references': 50_000,
    comments: 50_000,
  };
  for (const [shape, n] of Object.entries(sizes)) assert.ok((await ratio(shape, n)) < LINEAR_BOUND, shape);
});

test('100,000 nested elements: one located error (libxml2 refuses the depth), no stack overflow', async () => {
  const text = XML_SHAPES['deep nesting']!(100_000);
  const fs = await analyzeLibvirtXml(text, set);
  assert.equal(fs.length, 1);
  assert.match(fs[0]!.message, /depth/);
  assert.equal(parseXml(text).error, undefined);
});

test('past the element or attribute limit: the verdict, its first error and a notice saying why', async () => {
  const attrs = XML_SHAPES['attributes on the root']!(60_000);
  assert.ok(markupSize(attrs).attributes > MAX_XML_ATTRIBUTES);
  const fs = await analyzeLibvirtXml(attrs, set);
  assert.deepEqual(fs.map((f) => f.severity), ['info', 'error']);
  assert.equal(fs[0]!.code, XmlCode.TooLarge.id);
  assert.match(fs[0]!.message, /^Not fully checked: 60,003 attributes \(more than 50,000\), so only libxml2's verdict and its first error are reported/);
  assert.match(fs[1]!.message, /Invalid attribute a0 for element domain/);

  const elements = XML_SHAPES['many NICs']!(MAX_XML_ELEMENTS / 3);
  const big = await analyzeLibvirtXml(elements, set);
  assert.equal(big.length, 1, 'valid: the notice only');
  assert.match(big[0]!.message, /^Not fully checked: [\d,]+ elements \(more than 20,000\), so only libxml2's verdict is reported/);
});

test('markupSize counts start tags and attributes, not comments, CDATA, PIs or quoted text', () => {
  assert.deepEqual(markupSize(`<?xml version='1.0'?><!-- <a b='c'> --><a x='1' y="<b z='2'>"><![CDATA[<c d='e'>]]><b/></a>`), { elements: 2, attributes: 2 });
});
