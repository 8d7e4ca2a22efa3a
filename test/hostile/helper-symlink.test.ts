import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { createHelperFiles, HelperFileError, planHelperFiles } from '../../src/core/helperFileIo';
import { addNetworkDevice } from '../../src/core/qemu/edit';
import type { GeneratedFile } from '../../src/core/qemu/generate';

// A launch script's folder where qemu-ifup-br0 is a symlink planted by whoever wrote the workspace: the helper is
// refused (even when the link's target holds the very script we would write), nothing is written through the link
// and the target keeps its mode, including when the link is swapped in between the check and the write.

const root = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-helper-symlink-'));
after(() => rmSync(root, { recursive: true, force: true }));
let vm: string;
let outside: string;
let n = 0;
beforeEach(() => {
  vm = path.join(root, `ws${++n}`, 'vm');
  outside = path.join(root, `home${n}`);
  mkdirSync(vm, { recursive: true });
  mkdirSync(outside, { recursive: true });
});

/** The helper files "Add network device…" asks for: a tap on br0 with generated qemu-ifup/-ifdown. */
function helpers(): readonly GeneratedFile[] {
  const script = path.join(vm, 'launch-vm.sh');
  const e = addNetworkDevice('#!/bin/sh\nexec qemu-system-x86_64 -m 512\n', { mode: 'tap', bridge: 'br0', script: 'generate' }, { scriptPath: script });
  assert.deepEqual(e.files.map((f) => path.basename(f.path)), ['qemu-ifup-br0', 'qemu-ifdown-br0']);
  return e.files;
}

test('a symlink to a file with exactly the generated content is refused; the target keeps its mode and content', async () => {
  const [ifup] = helpers();
  const target = path.join(outside, '.bashrc');
  writeFileSync(target, ifup!.content);
  chmodSync(target, 0o644);
  symlinkSync(target, ifup!.path);
  const plans = await planHelperFiles(helpers());
  assert.equal(plans[0]!.decision.action, 'refuse');
  assert.match(JSON.stringify(plans[0]!.decision), /symbolic link/);
  assert.equal(plans[1]!.decision.action, 'create'); // the caller refuses the whole edit: see helperFiles.ts
  assert.equal(statSync(target).mode & 0o7777, 0o644);
  assert.equal(readFileSync(target, 'utf8'), ifup!.content);
});

test('a symlink to a user file with other content is refused and never read as the helper', async () => {
  const [ifup] = helpers();
  const target = path.join(outside, 'notes.txt');
  writeFileSync(target, 'my notes\n');
  chmodSync(target, 0o600);
  symlinkSync(target, ifup!.path);
  assert.equal((await planHelperFiles([ifup!]))[0]!.decision.action, 'refuse');
  await assert.rejects(createHelperFiles([ifup!]), (e) => e instanceof HelperFileError && /appeared after it was checked/.test(e.message));
  assert.equal(readFileSync(target, 'utf8'), 'my notes\n');
  assert.equal(statSync(target).mode & 0o7777, 0o600);
});

test('a dangling symlink is refused; creating through it would have made its target: it does not', async () => {
  const [ifup] = helpers();
  const target = path.join(outside, '.config-autostart-evil');
  symlinkSync(target, ifup!.path);
  assert.equal((await planHelperFiles([ifup!]))[0]!.decision.action, 'refuse');
  await assert.rejects(createHelperFiles([ifup!]), HelperFileError);
  assert.equal(existsSync(target), false);
  assert.ok(lstatSync(ifup!.path).isSymbolicLink());
});

test('a symlink swapped in after the check: the create fails, nothing is written or chmodded, the sibling created before it is removed again', async () => {
  const files = helpers();
  const plans = await planHelperFiles(files);
  assert.deepEqual(plans.map((p) => p.decision.action), ['create', 'create']);
  const target = path.join(outside, 'victim');
  writeFileSync(target, 'victim\n');
  chmodSync(target, 0o640);
  symlinkSync(target, files[1]!.path); // qemu-ifdown-br0 appears as a link between plan and create
  await assert.rejects(createHelperFiles(files), (e) => e instanceof HelperFileError && e.path === files[1]!.path);
  assert.equal(readFileSync(target, 'utf8'), 'victim\n');
  assert.equal(statSync(target).mode & 0o7777, 0o640);
  assert.equal(existsSync(files[0]!.path), false, 'all or nothing: qemu-ifup-br0 created first is gone again');
});

test('a symlinked folder component is followed only as the folder (the script lives there too); a link as the file itself is not', async () => {
  const real = path.join(outside, 'real-vm');
  mkdirSync(real);
  const linkedDir = path.join(root, `ws${n}`, 'linked');
  symlinkSync(real, linkedDir);
  const e = addNetworkDevice('#!/bin/sh\nexec qemu-system-x86_64 -m 512\n', { mode: 'tap', bridge: 'br1', script: 'generate' }, { scriptPath: path.join(linkedDir, 'vm.sh') });
  await createHelperFiles(e.files);
  assert.equal(statSync(path.join(real, 'qemu-ifup-br1')).mode & 0o7777, 0o755);
});
