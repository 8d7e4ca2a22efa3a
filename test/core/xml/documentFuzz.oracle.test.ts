import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseXml, walkElements, type Span, type XmlDocument } from '../../../src/core/xml/document';
import { corpusMissing, corpusXmlFiles } from './corpus';

// Documents up to 20 kB keep 10,000 runs quick; the big ones are covered by document.test.ts.
const docs = corpusXmlFiles().map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 20_000);

/** One edit: delete, insert or duplicate a char or a slice. Inserted text favours XML's special characters. */
const mutation = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate'),
  at: fc.nat(),
  length: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })),
  insert: fc.oneof(
    fc.constantFrom('<', '>', '/', '&', '"', "'", '=', '<!--', '-->', ']]>', '<![CDATA[', '&amp;', '&#0;', '\u0001', '\uD800', ' ', '\n', 'x'),
    fc.string({ maxLength: 6 }),
  ),
});

function mutate(text: string, edits: { kind: string; at: number; length: number; insert: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    const end = Math.min(t.length, at + e.length);
    if (e.kind === 'delete') t = t.slice(0, at) + t.slice(end);
    else if (e.kind === 'insert') t = t.slice(0, at) + e.insert + t.slice(at);
    else t = t.slice(0, end) + t.slice(at, end) + t.slice(end);
  }
  return t;
}

const mutated = fc
  .tuple(fc.integer({ min: 0, max: Math.max(0, docs.length - 1) }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([i, edits]) => mutate(docs[i] ?? '', edits));

function inside(span: Span, outer: Span): boolean {
  return outer.start <= span.start && span.start <= span.end && span.end <= outer.end;
}

function checkInvariants(text: string, doc: XmlDocument): void {
  const all = { start: 0, end: text.length };
  if (doc.error) {
    assert.ok(inside(doc.error.span, all), `error span ${JSON.stringify(doc.error.span)} outside text`);
    assert.ok(doc.error.message.length > 0);
  } else assert.ok(doc.root, 'a document without error has a root');
  for (const el of walkElements(doc.root)) {
    assert.ok(inside(el.span, el.parent?.span ?? all), `<${el.name}> outside its parent`);
    assert.equal(text.slice(el.nameSpan.start, el.nameSpan.end), el.name);
    for (const a of el.attributes) {
      assert.equal(text.slice(a.valueSpan.start, a.valueSpan.end), a.raw);
      assert.ok(inside(a.span, el.openTagSpan));
    }
  }
}

test('10,000 mutated corpus documents: no throw, one error inside the text, consistent spans', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  assert.ok(docs.length > 50);
  fc.assert(
    fc.property(mutated, (text) => checkInvariants(text, parseXml(text))),
    { numRuns: 10_000, seed: 4242 },
  );
});

test('well-formedness verdicts agree with libxml2 (xmllint) on 1,000 mutated documents', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  const probe = spawnSync('xmllint', ['--version']);
  assert.equal(probe.error, undefined, 'xmllint is missing: apt-get install libxml2-utils');
  const samples = fc.sample(mutated, { numRuns: 1000, seed: 7 });
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-wf-'));
  try {
    const files = samples.map((s, i) => {
      const f = path.join(dir, `m${i}.xml`);
      writeFileSync(f, s);
      return f;
    });
    // Re-read: writing UTF-8 replaces lone surrogates, so compare on what xmllint actually saw.
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const r = spawnSync('xmllint', ['--noout', '--nonet', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const rejected = new Set([...r.stderr.matchAll(/^(\S+\/m\d+\.xml):\d+: parser error/gm)].map((m) => m[1]));
    const disagreements = files.filter((f, i) => rejected.has(f) !== (parseXml(texts[i]!).error !== undefined));
    for (const f of disagreements.slice(0, 5)) t.diagnostic(`${f}: xmllint ${rejected.has(f) ? 'rejects' : 'accepts'}; ours: ${parseXml(readFileSync(f, 'utf8')).error?.message ?? 'ok'}\n${r.stderr.split('\n').filter((l) => l.startsWith(f)).join('\n')}`);
    assert.deepEqual(disagreements.map((f) => path.basename(f)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
