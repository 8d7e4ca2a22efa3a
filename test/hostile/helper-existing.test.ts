import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { createHelperFiles, MAX_HELPER_COMPARE_BYTES, planHelperFiles, removeCreatedHelpers } from '../../src/core/helperFileIo';
import { addNetworkDevice } from '../../src/core/qemu/edit';
import type { GeneratedFile } from '../../src/core/qemu/generate';

// What already sits where a helper script goes: a file with other content is left alone and offered as a diff,
// an identical file is left alone (its mode too), a directory, FIFO or oversized file is refused. Only a file we
// create gets mode 0755.

const root = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-helper-existing-'));
after(() => rmSync(root, { recursive: true, force: true }));
let vm: string;
let n = 0;
beforeEach(() => {
  vm = path.join(root, `vm${++n}`);
  mkdirSync(vm);
});

function helpers(): readonly GeneratedFile[] {
  const e = addNetworkDevice('#!/bin/sh\nexec qemu-system-x86_64 -m 512\n', { mode: 'tap', bridge: 'br0', script: 'generate' }, { scriptPath: path.join(vm, 'launch-vm.sh') });
  return e.files;
}

const modeOf = (p: string): number => statSync(p).mode & 0o7777;

test('absent helpers are created whole with mode 0755 (whatever the umask)', async () => {
  const files = helpers();
  const old = process.umask(0o077);
  try {
    assert.deepEqual((await planHelperFiles(files)).map((p) => p.decision.action), ['create', 'create']);
    await createHelperFiles(files);
  } finally {
    process.umask(old);
  }
  for (const f of files) {
    assert.equal(readFileSync(f.path, 'utf8'), f.content);
    assert.equal(modeOf(f.path), 0o755);
  }
});

test('an existing file with other content: needs a diff, keeps its content and mode', async () => {
  const [ifup] = helpers();
  const mine = '#!/bin/sh\n# my own ifup\nip link set "$1" up\n';
  writeFileSync(ifup!.path, mine);
  chmodSync(ifup!.path, 0o700);
  const [plan] = await planHelperFiles([ifup!]);
  assert.deepEqual(plan!.decision, { action: 'needs-diff', reason: 'already exists with other content', existing: mine });
  assert.equal(readFileSync(ifup!.path, 'utf8'), mine);
  assert.equal(modeOf(ifup!.path), 0o700);
});

test('an existing identical file: unchanged, not rewritten, keeps mode 0644 (reported as not executable)', async () => {
  const files = helpers();
  writeFileSync(files[0]!.path, files[0]!.content);
  chmodSync(files[0]!.path, 0o644);
  const before = statSync(files[0]!.path);
  const plans = await planHelperFiles(files);
  assert.deepEqual(plans.map((p) => p.decision), [{ action: 'unchanged', executable: false }, { action: 'create' }]);
  await createHelperFiles(plans.filter((p) => p.decision.action === 'create').map((p) => p.file));
  const after = statSync(files[0]!.path);
  assert.equal(after.mode & 0o7777, 0o644);
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(modeOf(files[1]!.path), 0o755);
});

test('a directory, a FIFO, an oversized or non-UTF-8 file at the path is refused without blocking or reading it all', async () => {
  const [ifup] = helpers();
  mkdirSync(ifup!.path);
  assert.match(JSON.stringify((await planHelperFiles([ifup!]))[0]!.decision), /"refuse".*is a directory/);
  rmSync(ifup!.path, { recursive: true });
  execFileSync('mkfifo', [ifup!.path]);
  assert.match(JSON.stringify((await planHelperFiles([ifup!]))[0]!.decision), /"refuse".*is a FIFO/);
  rmSync(ifup!.path);
  writeFileSync(ifup!.path, 'x'.repeat(MAX_HELPER_COMPARE_BYTES + 1));
  assert.match(JSON.stringify((await planHelperFiles([ifup!]))[0]!.decision), /"refuse".*too large or not text/);
  writeFileSync(ifup!.path, Buffer.from([0x23, 0x21, 0xff, 0xfe, 0x0a]));
  assert.match(JSON.stringify((await planHelperFiles([ifup!]))[0]!.decision), /"refuse".*too large or not text/);
});

test('a file appearing between the check and the create is not overwritten; removeCreatedHelpers only removes our own inode', async () => {
  const files = helpers();
  const created = await createHelperFiles([files[0]!]);
  // Someone replaces our file before the rollback: theirs stays.
  rmSync(files[0]!.path);
  writeFileSync(files[0]!.path, 'theirs\n');
  await removeCreatedHelpers(created);
  assert.equal(readFileSync(files[0]!.path, 'utf8'), 'theirs\n');
  await assert.rejects(createHelperFiles([files[0]!]), /appeared after it was checked/);
  assert.equal(readFileSync(files[0]!.path, 'utf8'), 'theirs\n');
});

test('a missing folder is a located error, nothing is left behind', async () => {
  const f: GeneratedFile = { path: path.join(vm, 'gone', 'qemu-ifup-br0'), content: '#!/bin/sh\n' };
  assert.equal((await planHelperFiles([f]))[0]!.decision.action, 'create');
  await assert.rejects(createHelperFiles([f]), (e: Error) => e.message.startsWith(`${f.path}: cannot be created (ENOENT)`));
});
