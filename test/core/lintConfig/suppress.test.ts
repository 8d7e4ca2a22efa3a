import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DocumentKind } from '../../../src/core/documentKind';
import type { Finding } from '../../../src/core/findings';
import { applyLintPolicy } from '../../../src/core/lintConfig/policy';
import { suppressionFix } from '../../../src/core/lintConfig/suppress';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { applyEdits } from '../../../src/core/text';
import { lintLibvirtXml } from '../../../src/core/xml/lint';
import { cases as qemuCases } from '../qemu/lintCases';
import { wrapDomain } from '../xml/oracle';
import { cases as xmlCases } from '../xml/ruleCases';

const lintXml = async (text: string) => applyLintPolicy('libvirt-xml', text, await lintLibvirtXml(text, { schemaThread: 'inline' }));
const lintSh = (text: string) => applyLintPolicy('launch-script', text, lintLaunchScript(text, { fileName: '/vm/launch.sh' }));
const count = (fs: readonly Finding[], code: string) => fs.filter((f) => f.code === code).length;

/** The quick fix for each finding suppresses it and adds nothing: no new code, no unused directive. */
async function roundTrip(kind: DocumentKind, text: string, lint: (t: string) => Promise<Finding[]> | Finding[]): Promise<void> {
  const before = await lint(text);
  for (const f of before) {
    const fix = suppressionFix(kind, text, f);
    assert.equal(fix.title, `Suppress ${f.code} on this line`);
    const fixed = applyEdits(text, fix.edits);
    const after = await lint(fixed);
    assert.ok(count(after, f.code) < count(before, f.code), `${f.code} still reported after\n${fixed}`);
    for (const a of after) assert.ok(before.some((b) => b.code === a.code), `new ${a.code} after suppressing ${f.code}:\n${fixed}`);
  }
}

describe('Suppress CODE on this line', () => {
  test('every QEMU rule case: the directive above the command suppresses the finding and breaks nothing', async () => {
    for (const c of qemuCases) await roundTrip('launch-script', c.bad, lintSh);
    await roundTrip('launch-script', qemuCases[0]!.bad.replace(/\n/g, '\r\n'), lintSh);
  });
  test('every libvirt XML rule case: the comment above the element (or tag) suppresses it, the XML stays valid', async () => {
    for (const c of xmlCases) await roundTrip('libvirt-xml', wrapDomain(c.fires), lintXml);
  });
});

test('an XML directive covers the whole tag below it when the tag spans lines', async () => {
  const body = "    <interface type='network'>\n      <source network='default'/>\n      <mac\n        address='01:00:5e:00:00:01'/>\n      <model type='virtio'/>\n    </interface>";
  const plain = wrapDomain(body);
  assert.equal(count(await lintXml(plain), 'mac-multicast'), 1);
  const quiet = wrapDomain(body.replace('      <mac\n', '      <!-- kvmnet-disable-next-line mac-multicast: lab multicast test -->\n      <mac\n'));
  assert.deepEqual((await lintXml(quiet)).map((f) => f.code), []);
});

test('a shell directive covers the continued command after it, not the next one', () => {
  const q = 'qemu-system-x86_64';
  const text = `# kvmnet disable=qemu-legacy-net # lab\n${q} -m 256 \\\n  -net nic -net user\n${q} -net nic -net user\n`;
  const fs = lintSh(text);
  assert.ok(fs.length > 0);
  assert.deepEqual(new Set(fs.map((f) => `${f.range.start.line}:${f.code}`)), new Set(['3:qemu-legacy-net']));
});

describe('unused directives (like eslint --report-unused-disable-directives)', () => {
  test('a code that suppresses nothing is a warning whose preferred fix removes the directive line', async () => {
    const original = wrapDomain("    <interface type='network'>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>");
    const text = original.replace("    <interface", "    <!-- kvmnet-disable-next-line mac-multicast -->\n    <interface");
    const fs = await lintXml(text);
    assert.deepEqual(fs.map((f) => [f.code, f.severity, f.range.start.line]), [['kvmnet-unused-disable', 'warning', text.split('\n').findIndex((l) => l.includes('kvmnet-disable'))]]);
    assert.match(fs[0]!.message, /'mac-multicast' reports nothing/);
    const fix = fs[0]!.fixes!.find((x) => x.isPreferred)!;
    assert.equal(applyEdits(text, fix.edits), original);
  });
  test('in a directive with used and unused codes only the unused is named, with no removal fix', () => {
    const fs = lintSh('# kvmnet disable=qemu-legacy-net,qemu-redir,no-such-code\nqemu-system-x86_64 -net nic -net user\n');
    assert.equal(fs.length, 1);
    assert.match(fs[0]!.message, /'qemu-redir', 'no-such-code' reports nothing/);
    assert.equal(fs[0]!.fixes, undefined);
  });
  test('a directive for a rule the config turns off is unused; the config can turn the report off too', () => {
    const text = '# kvmnet disable=qemu-legacy-net\nqemu-system-x86_64 -net nic\n';
    const found = lintLaunchScript(text, { fileName: '/vm/launch.sh' });
    assert.deepEqual(applyLintPolicy('launch-script', text, found, { 'qemu-legacy-net': 'off' }).map((f) => f.code), ['kvmnet-unused-disable']);
    assert.deepEqual(applyLintPolicy('launch-script', text, found, { 'qemu-legacy-net': 'off', 'kvmnet-unused-disable': 'off' }), []);
  });
});

test('settings change severities; with no settings and no directive the findings are returned as they are', () => {
  const text = 'qemu-system-x86_64 -net nic\n';
  const found = lintLaunchScript(text, { fileName: '/vm/launch.sh' });
  assert.deepEqual(applyLintPolicy('launch-script', text, found), found);
  assert.deepEqual(applyLintPolicy('launch-script', text, found, { 'qemu-legacy-net': 'error' }).map((f) => f.severity), ['error']);
});
