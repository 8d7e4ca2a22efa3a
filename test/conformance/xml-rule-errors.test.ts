// Error findings of the libvirt XML rules are claims that libvirt refuses the document. Judged by libvirt's own
// parser (virsh -c test:///default define, its domain validation included) on real-world domain XML: libvirt's
// test data in ../shared/corpus and the project's owned set (test/realworld/libvirt). The test driver skips the
// QEMU driver's own validation, so a document libvirt's test suite registers as a parse error for the QEMU
// driver (DO_TEST_PARSE_ERROR, or a current .err file: corpus libvirt/domain-invalid/*/INDEX.tsv) counts as
// refused too. A finding on a document libvirt accepts is contradicted and fails the test; precision per rule and
// how many of the schema-valid documents libvirt refuses carry an error finding are printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { parseXml } from '../../src/core/xml/document';
import { checkLibvirtSemantics } from '../../src/core/xml/rules';
import { corpusDir, corpusMissing, corpusXmlFiles, xmlFilesUnder } from '../core/xml/corpus';
import { virshDefine, virtXmlValidate } from '../core/xml/oracle';

const OWNED = path.resolve(import.meta.dirname, '../realworld/libvirt');

/** Documents libvirt's own test suite expects the QEMU driver to refuse when parsing them. */
function refusedByLibvirtTests(): Set<string> {
  const out = new Set<string>();
  for (const version of ['v4.5.0', 'current']) {
    const dir = path.join(corpusDir, 'libvirt/domain-invalid', version);
    for (const row of readFileSync(path.join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1)) {
      const [name, , macro] = row.split('\t');
      if (version === 'current' || macro === 'DO_TEST_PARSE_ERROR') out.add(path.join(dir, `${name}.xml`));
    }
  }
  return out;
}

test('XML rule errors against virsh define on real-world domains: no contradicted finding', (t) => {
  if (corpusMissing) {
    t.skip(corpusMissing);
    return;
  }
  const files = [...corpusXmlFiles('libvirt'), ...xmlFilesUnder(OWNED)].filter((f) => /^<domain[\s>]/m.test(readFileSync(f, 'utf8')));
  assert.ok(files.length >= 100, `expected the corpus's domains, found ${files.length}`);
  const expectedRefused = refusedByLibvirtTests();
  const perRule = new Map<string, { confirmed: number; contradicted: string[] }>();
  let refusedValid = 0;
  let refusedFlagged = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const errors = checkLibvirtSemantics(parseXml(text)).filter((f) => f.severity === 'error');
    const schemaValid = virtXmlValidate(text).ok;
    // Only what the schema accepts reaches libvirt's parser as a question of its own.
    if (!schemaValid && errors.length === 0) continue;
    const defined = virshDefine(text);
    const libvirt = { ok: defined.ok && !expectedRefused.has(file) };
    if (schemaValid && !libvirt.ok) {
      refusedValid++;
      if (errors.length > 0) refusedFlagged++;
    }
    for (const code of new Set(errors.map((e) => e.code))) {
      const r = perRule.get(code) ?? { confirmed: 0, contradicted: [] };
      if (libvirt.ok) r.contradicted.push(path.relative(path.dirname(corpusDir), file));
      else r.confirmed++;
      perRule.set(code, r);
    }
  }
  const lines = [...perRule].map(([code, r]) => `  ${code.padEnd(32)} confirmed ${r.confirmed}  contradicted ${r.contradicted.length}`);
  console.log(
    [
      `XML rule errors on ${files.length} real-world domains, judged by virsh define: ${perRule.size} rule(s) fired`,
      ...lines,
      `  schema-valid domains libvirt refuses: ${refusedValid}, of which ${refusedFlagged} carry an error finding`,
    ].join('\n'),
  );
  const contradicted = [...perRule].flatMap(([code, r]) => r.contradicted.map((f) => `${code}: ${f}`));
  assert.deepEqual(contradicted, [], 'error findings on documents libvirt accepts');
});
