/**
 * `kvmnet args … --script generate` prints shell that creates the helper scripts. Run with the real shells, that
 * shell must follow the editor commands' policy: create where nothing is (0755), never write over an existing file
 * or through a symlink, never chmod what it did not create.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main';

const SHELLS = ['/bin/sh', '/bin/bash'];
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function generatedPrelude(dir: string): Promise<string> {
  let out = '';
  const code = await main(['args', 'tap', '--bridge', 'br0', '--script', 'generate'], { out: (t) => (out += t), err: () => {}, cwd: dir });
  assert.equal(code, 0);
  // Everything but the final argument line: the host steps and the helper files.
  return out.trimEnd().split('\n').slice(0, -1).join('\n');
}

function runShell(shell: string, script: string): { status: number | null; stderr: string } {
  for (const s of SHELLS) assert.ok(existsSync(s), `${s} is needed for this test`);
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stderr: r.stderr };
}

for (const shell of SHELLS) {
  test(`${shell}: the printed shell creates both helpers 0755 where nothing is`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-gen-'));
    dirs.push(dir);
    const r = runShell(shell, await generatedPrelude(dir));
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['qemu-ifup-br0', 'qemu-ifdown-br0']) {
      const st = statSync(path.join(dir, f));
      assert.equal(st.mode & 0o777, 0o755, f);
      assert.match(readFileSync(path.join(dir, f), 'utf8'), /^#!\/bin\/sh\n/);
    }
  });

  test(`${shell}: a symlinked or existing helper is left as it is, with a message; its target keeps mode and content`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-gen-'));
    dirs.push(dir);
    const target = path.join(dir, 'bashrc');
    writeFileSync(target, 'export PS1=x\n');
    chmodSync(target, 0o644);
    symlinkSync(target, path.join(dir, 'qemu-ifup-br0'));
    writeFileSync(path.join(dir, 'qemu-ifdown-br0'), 'mine\n', { mode: 0o600 });
    const r = runShell(shell, await generatedPrelude(dir));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'export PS1=x\n');
    assert.equal(statSync(target).mode & 0o777, 0o644);
    assert.ok(lstatSync(path.join(dir, 'qemu-ifup-br0')).isSymbolicLink());
    assert.equal(readFileSync(path.join(dir, 'qemu-ifdown-br0'), 'utf8'), 'mine\n');
    assert.equal(statSync(path.join(dir, 'qemu-ifdown-br0')).mode & 0o777, 0o600);
    assert.match(r.stderr, /qemu-ifup-br0 already exists: left as it is/);
    assert.match(r.stderr, /qemu-ifdown-br0 already exists: left as it is/);
  });

  test(`${shell}: a dangling symlink is not followed (its target is not created)`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-gen-'));
    dirs.push(dir);
    const target = path.join(dir, 'created-through-link');
    symlinkSync(target, path.join(dir, 'qemu-ifup-br0'));
    const r = runShell(shell, await generatedPrelude(dir));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(target), 'nothing written through the link');
    assert.equal(statSync(path.join(dir, 'qemu-ifdown-br0')).mode & 0o777, 0o755, 'the other helper is still created');
  });
}
