/** `kvmnet guests` and the holder in `devices --json`, against a real libvirtd of the test's own over real ssh. */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main';
import { startPrivateLibvirt, type PrivateLibvirt } from '../core/libvirt/libvirtd';

let lv: PrivateLibvirt;
// A real PCI function of this machine (the sshd runs here): the guest's hostdev names it.
const BDF = readdirSync('/sys/bus/pci/devices').sort()[0]!;
before(async () => {
  lv = await startPrivateLibvirt();
  const [d, b, sf] = BDF.split(':');
  const [s, f] = sf!.split('.');
  const file = path.join(lv.dir, 'g.xml');
  writeFileSync(file, `<domain type='qemu'><name>kvmnet-cli</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<interface type='bridge'><source bridge='br-nowhere'/><mac address='52:54:00:cc:00:01'/><model type='virtio'/></interface>
<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/></source></hostdev>
</devices></domain>`);
  assert.equal(lv.virsh('define', file).status, 0);
});
after(() => lv?.stop());

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const opts = lv.sshd.clientOptions.flatMap((o) => ['--ssh-option', o]);
  const code = await main([...argv, '--host', lv.sshd.hostSpec, ...opts], { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() });
  return { code, out, err };
}

test('guests: text lists the guest, its NIC and hostdev, the networks and the missing bridge', async () => {
  const r = await run('guests');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /: 1 guests, 1 networks \(qemu:\/\/\/system\)/);
  assert.match(r.out, /^kvmnet-cli {2}\(shut off, persistent\)$/m);
  assert.match(r.out, /^ {4}interface bridge {2}bridge br-nowhere {2}52:54:00:cc:00:01 {2}model virtio$/m);
  assert.match(r.out, new RegExp(`^ {4}hostdev PCI ${BDF.replace(/\./g, '\\.')} managed$`, 'm'));
  assert.match(r.out, /^default {2}\(inactive, nat, bridge virbr0\)$/m);
  assert.match(r.out, /missing-link: kvmnet-cli: interface 52:54:00:cc:00:01 uses bridge br-nowhere, which this host does not have/);
});

test('guests --json: the inventory and findings; devices --json: the device names its holder', async () => {
  const g = await run('guests', '--json');
  assert.equal(g.code, 0, g.err);
  const j = JSON.parse(g.out);
  assert.deepEqual(j.libvirt.guests.map((x: { name: string }) => x.name), ['kvmnet-cli']);
  assert.deepEqual(j.findings.map((f: { code: string }) => f.code), ['missing-link']);
  const d = await run('devices', '--json', '--all');
  assert.equal(d.code, 0, d.err);
  const dev = JSON.parse(d.out).devices.find((x: { bdf: string }) => x.bdf === BDF);
  assert.deepEqual(dev.heldBy, [{ kind: 'guest', guest: 'kvmnet-cli', running: false, via: 'hostdev' }]);
  const text = await run('devices', '--all');
  assert.match(text.out, /\[held by kvmnet-cli \(not running, hostdev\)\]/);
});

test('--help documents guests and the holder', async () => {
  let out = '';
  const io = { out: (t: string) => (out += t), err: () => {}, cwd: process.cwd() };
  assert.equal(await main(['guests', '--help'], io), 0);
  assert.match(out, /kvmnet guests \[--host H\]/);
  out = '';
  await main(['devices', '--help'], io);
  assert.match(out, /heldBy/);
  out = '';
  await main(['--help'], io);
  assert.match(out, /guests +list a host's libvirt guests/);
});
