import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { documentedRules, ruleDocIndex, ruleDocPage, ruleDocPath } from '../../../src/core/lintConfig/ruleDocs';

const repo = path.join(import.meta.dirname, '../../..');
const UPDATE = 'run: node --import tsx scripts/rule-docs.mjs';

test('every rule code has exactly one id across the tables', () => {
  const ids = documentedRules().map((r) => r.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
});

test('docs/rules holds one up-to-date page per rule code and the index, nothing else', () => {
  const rules = documentedRules();
  for (const r of rules) {
    const file = path.join(repo, ruleDocPath(r.id));
    assert.ok(existsSync(file), `${ruleDocPath(r.id)} is missing; ${UPDATE}`);
    assert.equal(readFileSync(file, 'utf8'), ruleDocPage(r), `${ruleDocPath(r.id)} is out of date; ${UPDATE}`);
  }
  assert.equal(readFileSync(path.join(repo, 'docs/rules/README.md'), 'utf8'), ruleDocIndex(rules), `docs/rules/README.md is out of date; ${UPDATE}`);
  assert.deepEqual(readdirSync(path.join(repo, 'docs/rules')).sort(), [...rules.map((r) => `${r.id}.md`), 'README.md'].sort(), UPDATE);
});

test('XML quoted in a doc stays visible in the Markdown page', () => {
  const page = ruleDocPage({ id: 'x', source: 'kvmnet-xml', doc: "Use <driver name='vfio'/> & more.", kind: 'lint' });
  assert.match(page, /Use &lt;driver name='vfio'\/&gt; &amp; more\./);
});
