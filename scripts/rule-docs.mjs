// Writes docs/rules/CODE.md for every rule code and docs/rules/README.md from the code tables.
// Run: node --import tsx scripts/rule-docs.mjs   (test/core/lintConfig/ruleDocs.test.ts checks they are current)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentedRules, ruleDocIndex, ruleDocPage } from '../src/core/lintConfig/ruleDocs.ts';

const dir = path.join(path.dirname(path.dirname(new URL(import.meta.url).pathname)), 'docs/rules');
mkdirSync(dir, { recursive: true });
const rules = documentedRules();
const wanted = new Set(rules.map((r) => `${r.id}.md`).concat('README.md'));
for (const name of readdirSync(dir)) if (!wanted.has(name)) rmSync(path.join(dir, name));
for (const r of rules) writeFileSync(path.join(dir, `${r.id}.md`), ruleDocPage(r));
writeFileSync(path.join(dir, 'README.md'), ruleDocIndex(rules));
process.stdout.write(`${rules.length} rule pages in docs/rules\n`);
