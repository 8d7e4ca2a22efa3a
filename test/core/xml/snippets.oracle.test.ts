import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseXml } from '../../../src/core/xml/document';
import { checkLibvirtSemantics } from '../../../src/core/xml/rules';
import { expandSnippet } from '../../../src/core/xml/snippets/expand';
import { virtXmlValidate, wrapDomain } from './oracle';

const repo = path.resolve(import.meta.dirname, '../../..');
const snippets = JSON.parse(readFileSync(path.join(repo, 'snippets/libvirt-xml.json'), 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;

test('the expander takes every default', () => {
  assert.equal(expandSnippet(["a='${1:x}' b='${2|p,q|}' ${3:n${4:e}st} $5${6}\\$", '\t$0']), "a='x' b='p' nest $\n  ");
});

test('snippets are registered for xml in package.json', () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
  assert.ok(pkg.contributes.snippets?.some((s) => s.language === 'xml' && path.normalize(s.path) === 'snippets/libvirt-xml.json'));
});

test('the issue\'s snippet set is complete', () => {
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  for (const p of ['user', 'user-passt', 'network', 'bridge', 'bridge-vhost', 'direct-vepa', 'direct-bridge', 'direct-private', 'direct-passthrough', 'ethernet', 'hostdev']) {
    assert.ok(prefixes.includes(`libvirt-interface-${p}`), p);
  }
  for (const p of ['libvirt-hostdev-pci', 'libvirt-network-host-bridge', 'libvirt-network-macvtap', 'libvirt-network-sriov']) assert.ok(prefixes.includes(p), p);
});

for (const [name, s] of Object.entries(snippets)) {
  test(`snippet "${name}" with its defaults passes virt-xml-validate and our own lint`, () => {
    const markup = expandSnippet(s.body);
    const doc = markup.startsWith('<network') ? markup : wrapDomain(markup);
    const v = virtXmlValidate(doc);
    assert.ok(v.ok, `${doc}\n${v.output}`);
    const problems = checkLibvirtSemantics(parseXml(doc)).filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(problems.map((f) => f.message), []);
    assert.doesNotMatch(markup, /(?:domain|bus|slot|function)='(?!0x)/, 'PCI addresses are 0x hex');
  });
}
