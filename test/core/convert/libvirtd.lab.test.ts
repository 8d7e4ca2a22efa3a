/**
 * A converted launch script defined and started on a real libvirtd (a private libvirtd started by the test, TCG guests): the QEMU command line libvirt
 * really ran (/var/log/libvirt/qemu/DOM.log) carries the script's network devices: backend, model, MAC. The other
 * way, a domain's NICs converted to QEMU arguments equal those of the command line libvirt runs for it. libvirtd
 * and virtlogd run as root inside a network namespace this test creates (bridge br0, veth0 for the macvtap), are
 * killed by pid afterwards, and the test's domains are destroyed and undefined.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { commandLineWords, netFacts } from '../../../src/core/convert/netFacts';
import { scriptToDomain } from '../../../src/core/convert/scriptToXml';
import { domainToArgs } from '../../../src/core/convert/xmlToArgs';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { createNetns } from '../qemu/qemuOracle';

const SOCK = '/run/libvirt/libvirt-sock';
const work = mkdtempSync(path.join(tmpdir(), 'kvmnet-convert-libvirtd-'));
const prefix = `kvmnet-convert-${process.pid}`;
let ns: ReturnType<typeof createNetns> | undefined;
const daemons: ChildProcess[] = [];
const domains: string[] = [];

const virsh = (...a: string[]) => spawnSync('virsh', ['-c', 'qemu:///system', ...a], { encoding: 'utf8' });

before(async () => {
  for (const bin of ['/usr/sbin/libvirtd', '/usr/sbin/virtlogd', '/usr/bin/virsh']) assert.ok(existsSync(bin), `${bin} is required: apt-get install libvirt-daemon-system libvirt-clients`);
  assert.equal(process.getuid?.(), 0, 'the libvirtd test runs as root (it starts its own libvirtd)');
  assert.ok(!existsSync(SOCK) || virsh('version').status !== 0, 'another libvirtd is running here: this test starts and stops its own');
  ns = createNetns('cvlv');
  spawnSync('ip', ['-n', ns.name, 'tuntap', 'add', 'dev', 'tapcv', 'mode', 'tap']);
  for (const bin of ['/usr/sbin/virtlogd', '/usr/sbin/libvirtd']) {
    const d = spawn('ip', ['netns', 'exec', ns.name, bin], { detached: true, stdio: 'ignore' });
    daemons.push(d);
  }
  for (let i = 0; i < 100 && virsh('version').status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(virsh('version').status, 0, 'libvirtd did not come up');
});

after(() => {
  for (const d of domains) {
    virsh('destroy', d);
    virsh('undefine', d);
  }
  for (const d of daemons.reverse()) if (d.pid) process.kill(d.pid, 'SIGTERM');
  ns?.delete();
  rmSync(work, { recursive: true, force: true });
});

/** The last QEMU command line of a domain's log. */
function ranCommandLine(dom: string): string[] {
  const log = readFileSync(`/var/log/libvirt/qemu/${dom}.log`, 'utf8');
  const start = log.lastIndexOf('\nLC_ALL=');
  const block = log.slice(start + 1).split('\n');
  const end = block.findIndex((l) => !l.endsWith('\\'));
  return commandLineWords(block.slice(0, end + 1).join('\n'));
}

function define(name: string, xml: string): void {
  const file = path.join(work, `${name}.xml`);
  writeFileSync(file, xml);
  const r = virsh('define', file);
  assert.equal(r.status, 0, `${r.stderr}\n${xml}`);
  domains.push(name);
}

test('user, bridge, prepared tap and macvtap: defined, started, and the NICs are in the command line libvirt ran', () => {
  const name = `${prefix}-a`;
  const script = `#!/bin/sh
ip link add link veth0 name mvcv type macvtap mode bridge
ip link set dev tapb0 master br0 up
exec qemu-system-x86_64 -name ${name} -m 64 -machine pc \\
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0 \\
  -netdev tap,id=b0,ifname=tapb0,script=no,downscript=no -device e1000,netdev=b0,mac=52:54:00:0b:00:01 \\
  -netdev tap,id=e0,ifname=tapcv,script=no,downscript=no -device rtl8139,netdev=e0,mac=52:54:00:0e:00:01 \\
  -netdev tap,id=m0,fd=3 -device virtio-net-pci,netdev=m0,mac=52:54:00:0d:00:01 \\
  3<>/dev/tap$(cat /sys/class/net/mvcv/ifindex)
`;
  const r = scriptToDomain(script, { scriptPath: path.join(work, 'a.sh') });
  assert.deepEqual(r.notes.filter((n) => n.severity !== 'info'), []);
  define(name, r.xml.replace("<target dev='tapb0'/>", ''));
  const start = virsh('start', name);
  assert.equal(start.status, 0, `${start.stderr}\n${r.xml}`);
  const ran = netFacts(ranCommandLine(name));
  const ours = netFacts(parseLaunchScript(script).invocations[0]!.args.map((w) => w.value));
  // The script's default MAC is implicit; libvirt's is explicit.
  assert.deepEqual(ran.nics.map((n) => [n.backend, n.model, n.mac]), ours.nics.map((n, i) => [n.backend, n.model, n.mac ?? (i === 0 ? '52:54:00:12:34:56' : undefined)]));
});

test('socket (server, udp, mcast) and vhost-user NICs: defined, started, and in the command line libvirt ran', async () => {
  const name = `${prefix}-s`;
  // QEMU runs as libvirt's qemu user: its socket goes in a directory that user may write.
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-vhu-'));
  chmodSync(dir, 0o777);
  const sock = path.join(dir, 'vhu-s.sock');
  const script = `#!/bin/sh
exec qemu-system-x86_64 -name ${name} -m 64 -machine pc \\
  -netdev socket,id=s0,listen=:15600 -device e1000,netdev=s0,mac=52:54:00:5c:00:01 \\
  -netdev socket,id=s1,udp=127.0.0.1:15601,localaddr=127.0.0.1:15602 -device rtl8139,netdev=s1,mac=52:54:00:5c:00:02 \\
  -netdev socket,id=s2,mcast=230.0.0.1:15603 -device virtio-net-pci,netdev=s2,mac=52:54:00:5c:00:03 \\
  -chardev socket,id=c0,path=${sock},server=on,wait=off -netdev vhost-user,id=v0,chardev=c0 -device virtio-net-pci,netdev=v0,mac=52:54:00:5c:00:04
`;
  const r = scriptToDomain(script, { scriptPath: path.join(work, 's.sh') });
  assert.deepEqual(r.notes.filter((n) => n.severity !== 'info'), []);
  define(name, r.xml);
  // QEMU waits for a vhost-user backend before it runs the guest: a minimal one connects once QEMU listens.
  const backend = spawn('ip', ['netns', 'exec', ns!.name, 'node', path.resolve(__dirname, '../../support/vhost-user-backend.mjs'), '--connect', sock], { stdio: 'ignore' });
  try {
    const start = virsh('start', name);
    assert.equal(start.status, 0, `${start.stderr}\n${r.xml}`);
  } finally {
    virsh('destroy', name);
    backend.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const ran = netFacts(ranCommandLine(name));
  const ours = netFacts(parseLaunchScript(script).invocations[0]!.args.map((w) => w.value));
  assert.deepEqual(ran.nics.map((n) => [n.backend, n.model, n.mac, n.endpoint]), ours.nics.map((n) => [n.backend, n.model, n.mac, n.endpoint]));
});

test('XML → QEMU (oracle 1): a domain\'s NICs as our arguments equal what libvirt runs for it, device by device', () => {
  const name = `${prefix}-x`;
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='user'><mac address='52:54:00:0a:00:01'/><model type='virtio'/></interface>
    <interface type='bridge'><mac address='52:54:00:0a:00:02'/><source bridge='br0'/><model type='e1000'/></interface>
    <interface type='ethernet'><mac address='52:54:00:0a:00:03'/><target dev='tapcx' managed='no'/><model type='rtl8139'/></interface>
    <interface type='direct'><mac address='52:54:00:0a:00:04'/><source dev='veth0' mode='bridge'/><model type='virtio'/></interface>
    <interface type='server'><mac address='52:54:00:0a:00:05'/><source address='127.0.0.1' port='15610'/><model type='e1000'/></interface>
    <interface type='udp'><mac address='52:54:00:0a:00:06'/><source address='127.0.0.1' port='15611'><local address='127.0.0.1' port='15612'/></source><model type='virtio'/></interface>
    <interface type='mcast'><mac address='52:54:00:0a:00:07'/><source address='230.0.0.2' port='15613'/><model type='virtio'/></interface>
  </devices>
</domain>
`;
  // A tap of its own: the first test's guest still holds tapcv.
  spawnSync('ip', ['-n', ns!.name, 'tuntap', 'add', 'dev', 'tapcx', 'mode', 'tap']);
  const ours = domainToArgs(xml, { scriptPath: path.join(work, 'x.sh') });
  assert.deepEqual(ours.notes.filter((n) => n.severity !== 'info').map((n) => n.message), []);
  define(name, xml);
  const start = virsh('start', name);
  try {
    assert.equal(start.status, 0, start.stderr);
  } finally {
    virsh('destroy', name);
  }
  const ran = netFacts(ranCommandLine(name));
  const mine = netFacts(ours.args);
  assert.equal(ran.nics.length, 7);
  assert.deepEqual(mine.nics.map((n) => [n.backend, n.model, n.mac, n.endpoint]), ran.nics.map((n) => [n.backend, n.model, n.mac, n.endpoint]));
});

test('a vfio-pci device: defined, and libvirt\'s own translation (domxml-to-native) passes the same host address', () => {
  const name = `${prefix}-v`;
  const script = `qemu-system-x86_64 -name ${name} -m 64 -nic none -device vfio-pci,host=0000:06:12.5\n`;
  const r = scriptToDomain(script);
  define(name, r.xml);
  const file = path.join(work, 'v.xml');
  writeFileSync(file, r.xml);
  const native = virsh('domxml-to-native', 'qemu-argv', file);
  assert.equal(native.status, 0, native.stderr);
  assert.deepEqual(netFacts(commandLineWords(native.stdout)).hostdevs, ['0000:06:12.5']);
});
