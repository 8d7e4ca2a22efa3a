import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';

const repo = path.join(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli.js');

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

const SCRIPT = 'qemu-system-x86_64 -m 256 -net nic\n';
const DOMAIN = readFileSync(path.join(repo, 'examples/domain.xml'), 'utf8');

function tree(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kvmnet-inputs-'));
  mkdirSync(path.join(d, '.git'));
  mkdirSync(path.join(d, 'vms/old'), { recursive: true });
  mkdirSync(path.join(d, 'build'));
  writeFileSync(path.join(d, '.gitignore'), 'build/\n*.bak.sh\n');
  writeFileSync(path.join(d, 'vms/.gitignore'), 'old/\n');
  writeFileSync(path.join(d, 'vms/a.sh'), SCRIPT);
  writeFileSync(path.join(d, 'vms/b.bak.sh'), SCRIPT);
  writeFileSync(path.join(d, 'vms/old/c.sh'), SCRIPT);
  writeFileSync(path.join(d, 'build/d.sh'), SCRIPT);
  writeFileSync(path.join(d, 'vms/domain.xml'), DOMAIN);
  writeFileSync(path.join(d, 'vms/pom.xml'), '<project/>\n');
  writeFileSync(path.join(d, 'vms/notes.md'), '# not a candidate\n');
  symlinkSync(path.join(d, 'build'), path.join(d, 'vms/link'));
  return d;
}

const files = (out: string) => [...new Set(out.trim().split('\n').filter(Boolean).map((l) => l.split(':')[0]))].sort();

test('without -r a directory is refused as before; with -r it is walked honouring .gitignore, no symlink followed', async () => {
  const d = tree();
  const before = await run(['lint', 'vms'], d);
  assert.equal(before.code, 2);
  assert.match(before.err, /^kvmnet lint: vms: a directory, not a regular file; not read$/m);
  const r = await run(['lint', '-r', '.'], d);
  assert.deepEqual(files(r.out), ['vms/a.sh', 'vms/domain.xml']);
  assert.equal(r.err, 'kvmnet lint: vms/pom.xml: skipped (neither libvirt XML nor a launch script)\n');
  assert.equal(r.code, 0);
  // --strict: that skip exits 2.
  assert.equal((await run(['lint', '-r', '--strict', 'vms'], d)).code, 2);
});

test('-r expands a glob that names no file, honouring .gitignore; a glob matching nothing is an error', async () => {
  const d = tree();
  const r = await run(['lint', '-r', 'vms/**/*.sh'], d);
  assert.deepEqual(files(r.out), ['vms/a.sh']);
  const none = await run(['lint', '-r', 'nothing/*.xml'], d);
  assert.equal(none.code, 2);
  assert.match(none.err, /nothing\/\*\.xml: no file matches this pattern/);
});

test('--max-warnings N: more warnings than N exit 1; N or fewer exit 0', async () => {
  const d = tree();
  const count = (await run(['lint', '--format', 'json', 'vms/a.sh'], d)).out;
  const n = (JSON.parse(count) as { severity: string }[]).filter((f) => f.severity === 'warning').length;
  assert.ok(n > 0);
  assert.equal((await run(['lint', '--max-warnings', String(n), 'vms/a.sh'], d)).code, 0);
  const over = await run(['lint', '--max-warnings', String(n - 1), 'vms/a.sh'], d);
  assert.equal(over.code, 1);
  assert.match(over.err, new RegExp(`${n} warnings, more than --max-warnings ${n - 1}`));
  assert.equal((await run(['lint', '--max-warnings', 'x', 'vms/a.sh'], d)).code, 2);
});

test("standard input: '-' with --stdin-filename is linted like that file, under its name and its config", () => {
  const d = tree();
  writeFileSync(path.join(d, 'vms/.kvmnetrc.json'), '{"rules": {"qemu-legacy-net": "error"}}');
  const lint = (args: string[], input: string) => spawnSync(process.execPath, [bin, 'lint', ...args], { cwd: d, input, encoding: 'utf8' });
  const r = lint(['--stdin-filename', 'vms/new.sh', '-'], SCRIPT);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^vms\/new\.sh:1:\d+: error qemu-legacy-net /m);
  const x = lint(['--format', 'json', '-'], DOMAIN);
  assert.equal(x.status, 0, x.stderr);
  assert.ok((JSON.parse(x.stdout) as { file: string }[]).every((f) => f.file === '<stdin>'));
  assert.equal(lint(['--fix', '-'], SCRIPT).status, 2);
  const diff = lint(['--fix-dry-run', '--stdin-filename', 'x.sh', '-'], 'qemu-system-x86_64 -netdev user,id=n0,hostfwd=tcp:0-:22 -device e1000,netdev=n0\n');
  assert.match(diff.stdout, /^--- a\/x\.sh\n\+\+\+ b\/x\.sh\n/);
});

test('a named XML file of no libvirt kind is said on stderr, not passed silently (exit status unchanged)', async () => {
  const d = mkdtempSync(path.join(tmpdir(), 'kvmnet-inputs-'));
  writeFileSync(path.join(d, 'pom.xml'), '<project xmlns="http://maven.apache.org/POM/4.0.0"/>\n');
  writeFileSync(path.join(d, 'foo.xml'), '<foo/>\n');
  writeFileSync(path.join(d, 'notes.txt'), 'hello\n');
  const r = await run(['lint', 'pom.xml', 'foo.xml', 'notes.txt'], d);
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
  assert.equal(
    r.err,
    'kvmnet lint: pom.xml: not checked (<project> declares a default namespace: not a libvirt XML document)\n' +
      'kvmnet lint: foo.xml: not checked (<foo> is not a libvirt XML document: no libvirt schema has that root (virt-xml-validate cannot determine its schema either))\n',
  );
});
