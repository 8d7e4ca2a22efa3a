import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

const SCRIPT = 'qemu-system-x86_64 -m 256 -net nic\n';

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-config-'));
  mkdirSync(path.join(dir, 'lab/deep'), { recursive: true });
  writeFileSync(path.join(dir, 'vm.sh'), SCRIPT);
  writeFileSync(path.join(dir, 'lab/deep/vm.sh'), SCRIPT);
  return dir;
}

test('without a config the output is what it always was; the nearest .kvmnetrc.json above each file applies', async () => {
  const dir = project();
  const plain = await run(['lint', 'vm.sh', 'lab/deep/vm.sh'], dir);
  assert.equal(plain.code, 0);
  assert.match(plain.out, /^vm\.sh:1:\d+: warning qemu-legacy-net /m);
  writeFileSync(path.join(dir, '.kvmnetrc.json'), '{"rules": {"qemu-legacy-net": "error"}, "overrides": [{"files": "lab/**", "rules": {"qemu-legacy-net": "off"}}]}');
  const configured = await run(['lint', 'vm.sh', 'lab/deep/vm.sh'], dir);
  assert.equal(configured.code, 1);
  assert.equal(configured.out, plain.out.split('\n').filter((l) => l.startsWith('vm.sh')).map((l) => l.replace('warning', 'error')).join('\n') + '\n');
  // A nearer config wins for the files below it.
  writeFileSync(path.join(dir, 'lab/.kvmnetrc.json'), '{"rules": {"qemu-legacy-net": "hint"}}');
  assert.match((await run(['lint', 'lab/deep/vm.sh'], dir)).out, /^lab\/deep\/vm\.sh:1:\d+: hint qemu-legacy-net/);
});

test('--config FILE is used for every FILE, its globs relative to its own directory', async () => {
  const dir = project();
  mkdirSync(path.join(dir, 'conf'));
  writeFileSync(path.join(dir, 'conf/lint.json'), '{"overrides": [{"files": "../vm.sh", "rules": {"qemu-legacy-net": "off"}}]}');
  writeFileSync(path.join(dir, '.kvmnetrc.json'), '{"rules": {"qemu-legacy-net": "error"}}');
  const r = await run(['lint', '--config', 'conf/lint.json', '--format', 'json', 'vm.sh', 'lab/deep/vm.sh'], dir);
  assert.deepEqual((JSON.parse(r.out) as { file: string; severity: string }[]).map((f) => [f.file, f.severity]), [['lab/deep/vm.sh', 'warning']]);
});

test('an unknown rule code in the config is an error naming the file and line (exit 2, nothing printed on stdout)', async () => {
  const dir = project();
  writeFileSync(path.join(dir, '.kvmnetrc.json'), '{\n  "rules": {\n    "qemu-legacy-nett": "off"\n  }\n}\n');
  const r = await run(['lint', 'vm.sh'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, `kvmnet lint: ${path.join(dir, '.kvmnetrc.json')}:3:5: unknown rule code 'qemu-legacy-nett' (kvmnet lint --list-rules lists them)\n`);
});

test('a config that is not a regular file or too large is refused without reading it', async () => {
  const dir = project();
  execFileSync('mkfifo', [path.join(dir, '.kvmnetrc.json')]);
  const fifo = await run(['lint', 'vm.sh'], dir);
  assert.equal(fifo.code, 2);
  assert.match(fifo.err, /\.kvmnetrc\.json: a FIFO, not a regular file; not read/);
  const big = path.join(dir, 'big.json');
  writeFileSync(big, `{"rules": {}}${' '.repeat(300 * 1024)}`);
  const large = await run(['lint', '--config', big, 'vm.sh'], dir);
  assert.equal(large.code, 2);
  assert.match(large.err, /big\.json: \d+ bytes, over the 0\.3 MB limit; not read/);
  assert.equal((await run(['lint', '--config', 'missing.json', 'vm.sh'], dir)).err, `kvmnet lint: ${path.join(dir, 'missing.json')}: no such file\n`);
});

test('inline directives and the unused-directive report reach the CLI output', async () => {
  const dir = project();
  writeFileSync(path.join(dir, 'vm.sh'), `# kvmnet disable=qemu-legacy-net,qemu-redir: lab\n${SCRIPT}`);
  const r = await run(['lint', 'vm.sh'], dir);
  assert.equal(r.out, "vm.sh:1:1: warning kvmnet-unused-disable Unused kvmnet disable directive: 'qemu-redir' reports nothing on the lines it covers.\n");
});
