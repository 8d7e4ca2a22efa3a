import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main';
import { demoSnapshot } from '../../src/core/host/demo';
import { silentServer, startSshd, type TestSshd } from '../core/host/sshd';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() });
  return { code, out, err };
}

test('devices --host demo --json prints the demo HostSnapshot', async () => {
  const r = await run('devices', '--host', 'demo', '--json');
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  const demo = demoSnapshot();
  assert.deepEqual(s.devices, demo.devices);
  assert.deepEqual(s.iommuGroups, demo.iommuGroups);
  assert.deepEqual(s.warnings, []);
});

test('devices --host demo prints the PF → VF tree with ids, drivers, netdevs and groups', async () => {
  const r = await run('devices', '--host', 'demo');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^0000:3b:00\.0 {2}Intel Corporation Ethernet Controller X710 for 10GbE SFP\+\n {4}8086:1572 · i40e · enp59s0f0 · group 5 · VFs 4\/64 {2}\[default route\]$/m);
  assert.match(r.out, /^ {2}└─ 0000:3b:02\.3 {2}Intel Corporation Ethernet Virtual Function 700 Series$/m);
  assert.match(r.out, /8086:154c · vfio-pci · group 10/);
  assert.doesNotMatch(r.out, /NVMe/, 'storage hidden by default');
  const all = await run('devices', '--host', 'demo', '--all');
  assert.match(all.out, /0000:5e:00\.0 {2}Samsung Electronics Co Ltd NVMe SSD Controller/);
});

test('devices on this machine (a real run) lists every PCI function in --json', async () => {
  const r = await run('devices', '--json');
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  assert.deepEqual(s.devices.map((d: { bdf: string }) => d.bdf).sort(), readdirSync('/sys/bus/pci/devices').sort());
});

test('usage errors: bad host alias, bad ssh option, bad timeout, unknown option → exit 2', async () => {
  for (const argv of [
    ['--host=-oProxyCommand=touch /tmp/x'],
    ['--host', 'a;b'],
    ['--host', 'demo', '--ssh-option', 'ProxyCommand=sh -c id'],
    ['--timeout', '0'],
    ['--bogus'],
  ]) {
    const r = await run('devices', ...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /^kvmnet devices: /);
  }
});

let sshd: TestSshd;
before(async () => {
  sshd = await startSshd();
});
after(() => sshd?.stop());

test('devices --host ssh://… over a real sshd on 127.0.0.1', async () => {
  const r = await run('devices', '--host', sshd.hostSpec, '--json', ...sshd.clientOptions.flatMap((o) => ['--ssh-option', o]));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  assert.equal(s.devices.length, readdirSync('/sys/bus/pci/devices').length);
  assert.equal(s.system.sshInterface, 'lo');
});

test('a silent host ends with a clear timeout error (exit 2)', async () => {
  const srv = await silentServer();
  try {
    const r = await run('devices', '--host', `ssh://x@127.0.0.1:${srv.port}`, '--timeout', '1', '--ssh-option', 'StrictHostKeyChecking=no');
    assert.equal(r.code, 2);
    assert.match(r.err, /timed out/);
  } finally {
    srv.close();
  }
});
