/**
 * The rule list behind `kvmnet lint --list-rules`: every rule has a unique code and a one-line doc, and every
 * code that lintText reports on real input (the examples, seed-era scripts, the corpus) is a listed rule.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../src/core/lint';
import { allRules } from '../../src/core/rules';
import { corpusMissing, corpusXmlFiles } from './xml/corpus';

const rules = allRules();
const listed = new Set(rules.map((r) => r.id));

test('every rule has a unique code and a one-line doc', () => {
  assert.equal(listed.size, rules.length, 'codes are unique');
  for (const r of rules) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)+$/, r.id);
    assert.ok(r.doc.length > 10 && !r.doc.includes('\n'), `${r.id}: one-line doc`);
  }
});

const reported = new Set<string>();
async function unlisted(file: string, text: string): Promise<string[]> {
  const { findings } = await lintText(file, text);
  for (const f of findings) reported.add(f.code);
  return findings.map((f) => f.code).filter((c) => !listed.has(c));
}

test('the codes reported on the examples and on legacy launch scripts are listed rules', async () => {
  const examples = path.resolve(import.meta.dirname, '../../examples');
  const legacy = `#!/bin/sh
qemu-system-x86_64 -m 512 -net nic,model=e1000,macaddr=01:00:00:00:00:01 -net user -redir tcp:5555::22 \\
  -netdev user,id=a,hostfwd=tcp:5555-:22 -netdev tap,id=a,fd=3,vhost=on -device e1000,netdev=a \\
  -device virtio-net-pci,netdev=nope,mac=52:54:00:12:34:56 -device pci-assign,host=01:00.0 -netdev tap,id=t,script=/nope
`;
  const seen: string[] = [];
  for (const f of ['domain.xml', 'network.xml', 'launch-vm.sh']) seen.push(...(await unlisted(f, readFileSync(path.join(examples, f), 'utf8'))));
  seen.push(...(await unlisted('legacy.sh', legacy)));
  seen.push(...(await unlisted('broken.xml', '<domain><devices><interface type="bridge">')));
  assert.deepEqual(seen, []);
  for (const c of ['qemu-legacy-net', 'qemu-redir', 'qemu-pci-assign', 'qemu-hostfwd-malformed', 'qemu-netdev-id-duplicate', 'qemu-netdev-not-found', 'qemu-mac-multicast', 'qemu-tap-script-missing', 'xml-not-well-formed']) {
    assert.ok(reported.has(c), `${c} reported (saw ${[...reported].join(', ')})`);
  }
});

test('the codes reported on every corpus XML file are listed rules', { skip: corpusMissing }, async () => {
  const seen = new Set<string>();
  for (const file of corpusXmlFiles()) for (const c of await unlisted(file, readFileSync(file, 'utf8'))) seen.add(`${c} (${file})`);
  assert.deepEqual([...seen], []);
});
