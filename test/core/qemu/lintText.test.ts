// The launch-script linter through the shared entry points: lintText (editor and CLI) and `kvmnet lint`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli/main';
import { lintText } from '../../../src/core/lint';

const SCRIPT = '#!/bin/sh\nqemu-system-x86_64 -net nic -net user -redir tcp:5555::22\n';

test('lintText routes shell scripts to the QEMU linter', async () => {
  const r = await lintText('launch.sh', SCRIPT);
  assert.equal(r.kind, 'launch-script');
  assert.ok(r.findings.some((f) => f.code === 'qemu-redir' && f.source === 'kvmnet-qemu'));
});

test('binary input is skipped with a notice; fuzzed bytes never throw', async () => {
  assert.equal((await lintText('launch.sh', 'qemu-kvm \u0000\u0001')).skipped, 'binary file');
  const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 0xd7ff)).join('');
  await lintText('x.sh', `#!/bin/bash\nkvm ${junk}\n`);
});

test('kvmnet lint script.sh: JSON contract, 1-based, exit 1 on errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-cli-'));
  try {
    writeFileSync(path.join(dir, 'launch.sh'), SCRIPT);
    let out = '';
    const code = await main(['lint', '--format', 'json', 'launch.sh'], { out: (t) => (out += t), err: () => {}, cwd: dir });
    assert.equal(code, 1);
    const findings = JSON.parse(out) as { code: string; line: number; column: number; source: string }[];
    const redir = findings.find((f) => f.code === 'qemu-redir')!;
    assert.deepEqual([redir.line, redir.column, redir.source], [2, 39, 'kvmnet-qemu']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
