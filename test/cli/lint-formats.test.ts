import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../../src/cli/main';
import { documentedRules, ruleDocUrl } from '../../src/core/lintConfig/ruleDocs';

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

const repo = path.join(import.meta.dirname, '../..');
// The official schema, verbatim (test/support/sarif/PROVENANCE.md).
const schema = JSON.parse(readFileSync(path.join(repo, 'test/support/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;

function project(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kvmnet-formats-'));
  writeFileSync(path.join(d, 'vm.sh'), 'qemu-system-x86_64 -m 256 -net nic \\\n  -netdev user,id=n0,hostfwd=tcp:0-:22\n');
  writeFileSync(path.join(d, 'odd name, 100%.sh'), 'qemu-system-x86_64 -net nic\n');
  return d;
}

test('--format sarif is a SARIF 2.1.0 log valid against the official schema, with rules, help links and locations', async () => {
  const d = project();
  const json = JSON.parse((await run(['lint', '--format', 'json', 'vm.sh', 'odd name, 100%.sh', path.join(d, 'vm.sh')], d)).out) as { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; message: string; severity: string }[];
  const r = await run(['lint', '--format', 'sarif', 'vm.sh', 'odd name, 100%.sh', path.join(d, 'vm.sh')], d);
  assert.ok(r.code === 0 || r.code === 1, r.err);
  const log = JSON.parse(r.out) as { version: string; runs: { tool: { driver: { rules: { id: string; helpUri: string; help: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[] };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'the validator rejects a driver without a name');
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run0 = log.runs[0]!;
  const rules = run0.tool.driver.rules;
  assert.deepEqual(rules.map((x) => x.id), documentedRules().filter((x) => x.kind === 'lint').map((x) => x.id));
  for (const rule of rules) assert.equal(rule.helpUri, ruleDocUrl(rule.id));
  assert.equal(run0.results.length, json.length);
  run0.results.forEach((res, i) => {
    const f = json[i]!;
    assert.equal(res.ruleId, f.code);
    assert.equal(rules[res.ruleIndex]!.id, f.code);
    assert.equal(res.message.text, f.message);
    assert.equal(res.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[f.severity]);
    assert.deepEqual(res.locations[0]!.physicalLocation.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
  });
  const uris = new Set(run0.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
  assert.deepEqual([...uris].sort(), ['odd%20name%2C%20100%25.sh', `file://${path.join(d, 'vm.sh')}`, 'vm.sh'].sort());
});

test('--format github prints one workflow command per finding, escaped, with the rule page', async () => {
  const d = project();
  const r = await run(['lint', '--format', 'github', 'odd name, 100%.sh', 'vm.sh'], d);
  const lines = r.out.trimEnd().split('\n');
  const json = JSON.parse((await run(['lint', '--format', 'json', 'odd name, 100%.sh', 'vm.sh'], d)).out) as unknown[];
  assert.equal(lines.length, json.length);
  assert.match(lines[0]!, /^::warning file=odd name%2C 100%25\.sh,line=1,endLine=1,col=\d+,endColumn=\d+,title=kvmnet qemu-legacy-net::.*\(https:\/\/example\.invalid\/kvm-networking\/blob\/HEAD\/docs\/rules\/qemu-legacy-net\.md\)$/);
  for (const l of lines) assert.match(l, /^::(error|warning|notice) file=[^,]+,line=\d+,endLine=\d+(,col=\d+,endColumn=\d+)?,title=kvmnet [a-z0-9-]+::[^\n]+$/);
});

test('unknown formats are usage errors; --list-rules keeps text and json only', async () => {
  const d = project();
  assert.equal((await run(['lint', '--format', 'xml', 'vm.sh'], d)).code, 2);
  assert.equal((await run(['lint', '--list-rules', '--format', 'sarif'], d)).code, 2);
});
