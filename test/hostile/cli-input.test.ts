import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { MAX_LINT_BYTES } from '../../src/core/limits';
import { runCli, tempDir } from './cli-run';

// `kvmnet lint` reads only regular files up to the lint cap: a FIFO, a device, a symlink to one or an
// oversized file is named on stderr and never read (exit 2), and the other files are still linted.

const work = tempDir('cli-input');
after(() => rmSync(work, { recursive: true, force: true }));

/** A launch script with one known finding, to show the good file is still linted. */
const SCRIPT = 'qemu-system-x86_64 -netdev user,id=n0\n';
writeFileSync(path.join(work, 'launch-vm.sh'), SCRIPT);
/** Well above a CLI's own ~100 MB and far below what reading /dev/zero or a big file takes (600 MB and more). */
const PEAK_LIMIT_MB = 250;

function lintedCodes(out: string): string[] {
  return (JSON.parse(out) as { file: string; code: string }[]).map((f) => `${f.file} ${f.code}`);
}

test('a FIFO is refused without blocking (nothing writes to it) and the other file is still linted', () => {
  execFileSync('mkfifo', [path.join(work, 'pipe.xml')]);
  const r = runCli(['lint', '--format', 'json', 'pipe.xml', 'launch-vm.sh'], { cwd: work });
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^kvmnet lint: pipe\.xml: a FIFO, not a regular file; not read$/m);
  assert.deepEqual(lintedCodes(r.out), ['launch-vm.sh qemu-netdev-unused']);
});

test('/dev/zero and a symlink to it are refused before anything is read', () => {
  symlinkSync('/dev/zero', path.join(work, 'zero.xml'));
  const r = runCli(['lint', '--format', 'json', '/dev/zero', 'zero.xml', 'launch-vm.sh'], { cwd: work });
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^kvmnet lint: \/dev\/zero: a character device, not a regular file; not read$/m);
  assert.match(r.err, /^kvmnet lint: zero\.xml: a character device, not a regular file; not read$/m);
  assert.deepEqual(lintedCodes(r.out), ['launch-vm.sh qemu-netdev-unused']);
  assert.ok(r.peakMb < PEAK_LIMIT_MB, `peak memory ${r.peakMb.toFixed(0)} MB`);
});

test('a directory is refused with a message naming it', () => {
  mkdirSync(path.join(work, 'dir.xml'));
  const r = runCli(['lint', 'dir.xml'], { cwd: work });
  assert.equal(r.code, 2);
  assert.match(r.err, /^kvmnet lint: dir\.xml: a directory, not a regular file; not read$/m);
});

test('a file over the cap is refused from its size alone (a sparse 768 MB file is never read)', () => {
  const just = path.join(work, 'just-over.xml');
  writeFileSync(just, '');
  truncateSync(just, MAX_LINT_BYTES + 1);
  const huge = path.join(work, 'huge.sh');
  writeFileSync(huge, '');
  truncateSync(huge, 768 * 1024 * 1024);
  const r = runCli(['lint', '--format', 'json', 'just-over.xml', 'huge.sh', 'launch-vm.sh'], { cwd: work });
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^kvmnet lint: just-over\.xml: 5242881 bytes, over the 5 MB limit; not read$/m);
  assert.match(r.err, /^kvmnet lint: huge\.sh: 805306368 bytes, over the 5 MB limit; not read$/m);
  assert.deepEqual(lintedCodes(r.out), ['launch-vm.sh qemu-netdev-unused']);
  assert.ok(r.peakMb < PEAK_LIMIT_MB, `peak memory ${r.peakMb.toFixed(0)} MB`);
});

test('a file exactly at the cap is still read', () => {
  const at = path.join(work, 'at-cap.sh');
  writeFileSync(at, SCRIPT.padEnd(MAX_LINT_BYTES - 1, ' ') + '\n');
  const r = runCli(['lint', '--format', 'json', 'at-cap.sh'], { cwd: work });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(lintedCodes(r.out), ['at-cap.sh qemu-netdev-unused']);
});

test('--schema-dir: a FIFO or /dev/zero among the schema files is refused (exit 2)', () => {
  const schemas = path.join(work, 'schemas');
  mkdirSync(schemas);
  copyFileSync('/usr/share/libvirt/schemas/domain.rng', path.join(schemas, 'domain.rng'));
  execFileSync('mkfifo', [path.join(schemas, 'LIBVIRT_VERSION')]);
  writeFileSync(path.join(work, 'vm.xml'), "<domain type='kvm'><name>a</name></domain>\n");
  const fifo = runCli(['lint', '--schema-dir', 'schemas', 'vm.xml'], { cwd: work });
  assert.equal(fifo.code, 2, fifo.err);
  assert.match(fifo.err, /^kvmnet lint: --schema-dir \S+\/schemas\/LIBVIRT_VERSION: a FIFO, not a regular file; not read$/m);

  rmSync(path.join(schemas, 'LIBVIRT_VERSION'));
  symlinkSync('/dev/zero', path.join(schemas, 'basictypes.rng'));
  const zero = runCli(['lint', '--schema-dir', 'schemas', 'vm.xml'], { cwd: work });
  assert.equal(zero.code, 2, zero.err);
  assert.match(zero.err, /basictypes\.rng: a character device, not a regular file; not read$/m);
  assert.ok(zero.peakMb < PEAK_LIMIT_MB, `peak memory ${zero.peakMb.toFixed(0)} MB`);
});

test('--schema-dir naming a FIFO (no directory) reads nothing: the usual information finding', () => {
  execFileSync('mkfifo', [path.join(work, 'schema-pipe')]);
  writeFileSync(path.join(work, 'vm2.xml'), "<domain type='kvm'><name>a</name></domain>\n");
  const r = runCli(['lint', '--format', 'json', '--schema-dir', 'schema-pipe', 'vm2.xml'], { cwd: work });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(lintedCodes(r.out), ['vm2.xml schema-unavailable']);
});
