import assert from 'node:assert/strict';
import test from 'node:test';
import { corpusDir, corpusMissing, corpusXmlFiles } from '../core/xml/corpus';
import { compareVerdicts, reportVerdicts } from '../support/xmlVerdicts';

// Verdict conformance with virt-xml-validate on every XML file of the shared corpus (see test/support/xmlVerdicts.ts).

test('schema verdict equals virt-xml-validate on every corpus XML file (0 disagreements)', async (t) => {
  if (corpusMissing) {
    t.skip(corpusMissing);
    return;
  }
  const files = corpusXmlFiles('libvirt');
  assert.ok(files.length >= 200, `expected the whole libvirt corpus, found ${files.length} XML files in ${corpusDir}`);
  const disagreements = reportVerdicts('xml-schema conformance', await compareVerdicts(files, corpusDir));
  assert.equal(disagreements.length, 0, `${disagreements.length} disagreements with virt-xml-validate (listed above)`);
});
