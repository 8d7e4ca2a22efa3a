import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, main } from '../../src/cli/main';

const repo = path.join(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli.js');

async function run(argv: string[], cwd = process.cwd()) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

test('--help lists every subcommand and the exit codes', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  for (const name of ['lint', 'args', 'devices', 'check']) assert.match(out, new RegExp(`^  ${name}\\s`, 'm'));
  assert.match(out, /Exit status/);
});

test('--help documents refused inputs, partial discovery (exit 2) and sanitized host text', async () => {
  const top = (await run(['--help'])).out;
  assert.match(top, /partially/);
  assert.match(top, /bidi overrides/);
  assert.match((await run(['lint', '--help'])).out, /a FIFO, a device, a directory or larger is named on stderr and not read \(exit 2\)/);
  for (const name of ['devices', 'check']) {
    const help = (await run([name, '--help'])).out;
    assert.match(help, /"partial"/, name);
    assert.match(help, /Exit status: .*\n?.*discovery was partial/, name);
  }
});

test('every command has --help with its usage line', async () => {
  for (const c of COMMANDS) {
    const { code, out } = await run([c.name, '--help']);
    assert.equal(code, 0, c.name);
    assert.ok(out.startsWith(`Usage: kvmnet ${c.name}`), out);
  }
});

test('unknown commands and options are usage errors (exit 2) with a usage line', async () => {
  const a = await run(['frobnicate']);
  assert.equal(a.code, 2);
  assert.match(a.err, /unknown command 'frobnicate'/);
  for (const c of COMMANDS) {
    const b = await run([c.name, '--no-such-option']);
    assert.equal(b.code, 2, c.name);
    assert.match(b.err, /Usage: kvmnet /, c.name);
  }
});

test('lint --format json on a non-libvirt file prints [] and exits 0', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-cli-'));
  writeFileSync(path.join(dir, 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion></project>\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'qemu-system-x86_64 -net nic\n');
  const r = await run(['lint', '--format', 'json', 'pom.xml', 'notes.txt'], dir);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), []);
});

test('lint: a missing file is an I/O error (exit 2) named on stderr; bad --format is a usage error', async () => {
  const r = await run(['lint', '/nonexistent/domain.xml']);
  assert.equal(r.code, 2);
  assert.match(r.err, /\/nonexistent\/domain.xml: no such file/);
  const f = await run(['lint', '--format', 'yaml', 'x']);
  assert.equal(f.code, 2);
  assert.match(f.err, /--format must be text or json/);
  assert.equal((await run(['lint'])).code, 2);
});

test('the bundled bin (dist/cli.js) honours the same contract', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-bin-'));
  writeFileSync(path.join(dir, 'pom.xml'), '<project/>\n');
  const out = execFileSync(process.execPath, [bin, 'lint', '--format', 'json', 'pom.xml'], { cwd: dir, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), []);
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /kvmnet \d+\.\d+\.\d+/);
  const bad = spawnSync(process.execPath, [bin, 'lint', '--bogus'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});

test('lint --list-rules prints every rule (text and JSON) and takes no FILE', async () => {
  const text = await run(['lint', '--list-rules']);
  assert.equal(text.code, 0, text.err);
  const lines = text.out.trimEnd().split('\n');
  assert.ok(lines.length >= 30, `${lines.length} rules`);
  for (const l of lines) assert.match(l, /^[a-z0-9-]+\tkvmnet(-(schema|xml|qemu))?\t\S.*$/, l);
  // The editor's notices about the check itself and its report on a definition libvirt stored, after the rule families.
  assert.deepEqual(lines.filter((l) => l.split('\t')[1] === 'kvmnet').map((l) => l.split('\t')[0]), ['kvmnet-unused-disable', 'too-many-findings', 'not-checked', 'libvirt-dropped', 'libvirt-changed', 'libvirt-added']);
  assert.ok(lines.some((l) => l.startsWith('pci-address-not-hex\tkvmnet-xml\t')));
  const json = await run(['lint', '--list-rules', '--format', 'json']);
  const rules = JSON.parse(json.out) as { code: string; source: string; doc: string }[];
  assert.deepEqual(rules.map((r) => `${r.code}\t${r.source}\t${r.doc}`), lines);
  const bad = await run(['lint', '--list-rules', 'a.xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--list-rules takes no FILE/);
});
