import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main';
import { qemuAccepts } from '../core/qemu/qemuOracle';
import { libvirtAccepts, requireLibvirtClients } from '../core/convert/oracles';

const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-cli-convert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['convert', ...argv], { out: (t) => (out += t), err: (t) => (err += t), cwd: dir });
  return { code, out, err };
}

function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

test('--help documents both directions, --invocation, --format and the exit codes', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  for (const w of ['--to libvirt', '--to qemu', '--invocation N', '--format text|json', 'not translated', 'passt', 'Exit status']) assert.ok(r.out.includes(w), w);
  let top = '';
  await main(['--help'], { out: (t) => (top += t), err: () => undefined, cwd: dir });
  assert.match(top, /convert\s+translate a QEMU launch script/);
});

test('--to libvirt: the XML on stdout, located notes on stderr, exit 0 when everything mapped', async () => {
  requireLibvirtClients();
  const f = file('vm.sh', '#!/bin/sh\nexec qemu-system-x86_64 -m 512 -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:01:02:03\n');
  const r = await run(f, '--to', 'libvirt');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /<interface type='user'>\s*<mac address='52:54:00:01:02:03'\/>/);
  assert.ok(libvirtAccepts(r.out).ok);
});

test('something not translated: exit 1 and FILE:LINE:COL notes; json carries them', async () => {
  const f = file('vga.sh', 'qemu-system-x86_64 -m 512 -nic user,model=virtio-net-pci \\\n  -vga std\n');
  const r = await run(f, '--to', 'libvirt');
  assert.equal(r.code, 1);
  assert.match(r.err, /^vga\.sh:2:3: warning not translated: -vga std$/m);
  const j = await run(f, '--to', 'libvirt', '--format', 'json');
  assert.equal(j.code, 1);
  const parsed = JSON.parse(j.out) as { output: string; notes: { line: number; column: number; severity: string; message: string }[] };
  assert.match(parsed.output, /^<domain/);
  assert.ok(parsed.notes.some((n) => n.line === 2 && n.column === 3 && /-vga std/.test(n.message)));
});

test('--invocation picks one of several; usage errors exit 2', async () => {
  const f = file('two.sh', 'qemu-system-x86_64 -m 1G\nqemu-system-x86_64 -m 2G\n');
  assert.equal((await run(f, '--to', 'libvirt')).code, 2);
  assert.match((await run(f, '--to', 'libvirt', '--invocation', '2')).out, /2097152/);
  assert.equal((await run(f, '--to', 'libvirt', '--invocation', '0')).code, 2);
  assert.equal((await run(f)).code, 2);
  assert.equal((await run('missing.sh', '--to', 'libvirt')).code, 2);
});

test('--to qemu: a launch script whose network arguments QEMU parses', async () => {
  const f = file('dom.xml', `<domain type='qemu'><name>d</name><memory unit='MiB'>256</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><interface type='user'><mac address='52:54:00:0a:0b:0c'/><model type='e1000'/></interface></devices></domain>`);
  const r = await run(f, '--to', 'qemu');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^#!\/bin\/sh\n/);
  assert.match(r.out, /-netdev user,id=net0 \\\n {2}-device e1000,netdev=net0,mac=52:54:00:0a:0b:0c/);
  assert.ok(qemuAccepts(['-netdev', 'user,id=net0', '-device', 'e1000,netdev=net0,mac=52:54:00:0a:0b:0c']).ok);
  assert.equal((await run(file('bad.xml', '<domain><name>x</name>'), '--to', 'qemu')).code, 2);
});
