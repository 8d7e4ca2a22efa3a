import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyEdits } from '../../../src/core/text';
import { parseXml } from '../../../src/core/xml/document';
import { checkLibvirtSemantics } from '../../../src/core/xml/rules';
import { corpusMissing, corpusXmlFiles } from './corpus';

// Rules also run on the partial tree of a broken document (the editor shows them while typing).
const docs = corpusXmlFiles().map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 20_000);

test('rules never throw on cut or edited corpus documents, and every fix applies cleanly', (t) => {
  if (corpusMissing) return t.skip(corpusMissing);
  fc.assert(
    fc.property(fc.nat(docs.length - 1), fc.nat(), fc.nat(200), fc.constantFrom('', '<', "'", '0x', '10', '52:54:00:12:34:56', 'e1000', 'kvm'), (i, at, del, ins) => {
      const d = docs[i]!;
      const a = at % (d.length + 1);
      const text = d.slice(0, a) + ins + d.slice(Math.min(d.length, a + del));
      for (const f of checkLibvirtSemantics(parseXml(text))) {
        assert.ok(f.range.end.line < text.split('\n').length + 1);
        for (const fix of f.fixes ?? []) assert.equal(typeof applyEdits(text, fix.edits), 'string');
      }
    }),
    { numRuns: 3000, seed: 99 },
  );
});
