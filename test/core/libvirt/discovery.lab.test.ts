/**
 * Discovery knows libvirt (#15 part 1), against a real libvirtd of the test's own (libvirtd.ts) reached over real
 * ssh to 127.0.0.1: guests and networks come back with their NICs and PCI passthrough devices, in the same
 * single ssh connection whatever the number of guests (sshd's accepted connections are counted).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover, type DiscoveryOptions } from '../../../src/core/host/discover';
import { parseHostSpec, type HostSpec } from '../../../src/core/host/hostSpec';
import { closeSshMasters } from '../../../src/core/host/sshControl';
import { startPrivateLibvirt, type PrivateLibvirt } from './libvirtd';

let lv: PrivateLibvirt;
let spec: HostSpec;
let opts: DiscoveryOptions;
before(async () => {
  lv = await startPrivateLibvirt();
  spec = parseHostSpec(lv.sshd.hostSpec);
  opts = { sshOptions: lv.sshd.clientOptions, connectTimeoutSeconds: 10, runTimeoutSeconds: 120, controlDir: path.join(lv.dir, 'ctl') };
});
after(() => {
  if (lv) closeSshMasters(path.join(lv.dir, 'ctl'));
  lv?.stop();
});

const accepted = () => lv.sshd.log().split('\n').filter((l) => /Accepted publickey/.test(l)).length;

function define(name: string, xml: string, verb = 'define'): void {
  const file = path.join(lv.dir, `${name}.xml`);
  writeFileSync(file, xml);
  const r = lv.virsh(verb, file);
  assert.equal(r.status, 0, r.output);
}

const domain = (name: string, devices: string) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices>${devices}</devices></domain>`;

test('guests and networks with their NICs, hostdevs and states, over one ssh connection', async () => {
  define('kvmnet-lab', domain('kvmnet-lab', `
    <interface type='network'><source network='kvmnet-nat'/><mac address='52:54:00:aa:00:02'/><model type='e1000'/></interface>
    <interface type='bridge'><source bridge='br-missing'/><mac address='52:54:00:aa:00:03'/><model type='virtio'/><driver name='vhost'/></interface>
    <interface type='direct'><source dev='eth9' mode='bridge'/><mac address='52:54:00:aa:00:04'/></interface>
    <interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/></source><mac address='52:54:00:aa:00:05'/></interface>
    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x3b' slot='0x10' function='0x1'/></source></hostdev>`));
  assert.equal(lv.virsh('autostart', 'kvmnet-lab').status, 0);
  define('kvmnet-run', domain('kvmnet-run', `<interface type='user'><mac address='52:54:00:aa:00:02'/><model type='virtio'/></interface>`));
  assert.equal(lv.virsh('start', 'kvmnet-run').status, 0, lv.virsh('start', 'kvmnet-run').output);
  define('kvmnet-transient', domain('kvmnet-transient', `<interface type='user'><mac address='52:54:00:aa:00:09'/></interface>`), 'create');
  define('kvmnet-nat', `<network><name>kvmnet-nat</name><forward mode='nat'/><bridge name='kvbr0'/><ip address='192.168.150.1' netmask='255.255.255.0'/></network>`, 'net-define');
  define('kvmnet-pool', `<network><name>kvmnet-pool</name><forward mode='hostdev' managed='yes'><pf dev='enp-missing'/></forward></network>`, 'net-define');
  define('kvmnet-macvtap', `<network><name>kvmnet-macvtap</name><forward mode='bridge'><interface dev='eth7'/><interface dev='eth8'/></forward></network>`, 'net-define');

  const before = accepted();
  const s = await discover(spec, opts);
  assert.equal(accepted() - before, 1, 'one ssh connection for the whole refresh');
  assert.equal(s.partial, undefined);
  assert.deepEqual(s.warnings, []);
  const inv = s.libvirt;
  assert.ok(inv, 'libvirt inventory present');
  assert.equal(inv.uri, 'qemu:///system');
  assert.deepEqual(inv.errors, []);
  assert.deepEqual(inv.guests.map((g) => [g.name, g.state, g.persistent, g.autostart]), [
    ['kvmnet-lab', 'shut off', true, true],
    ['kvmnet-run', 'running', true, false],
    ['kvmnet-transient', 'running', false, false],
  ]);
  const lab = inv.guests[0]!;
  assert.match(lab.uuid, /^[0-9a-f-]{36}$/);
  assert.deepEqual(lab.nics, [
    { type: 'network', mac: '52:54:00:aa:00:02', model: 'e1000', network: 'kvmnet-nat' },
    { type: 'bridge', mac: '52:54:00:aa:00:03', model: 'virtio', bridge: 'br-missing', driver: 'vhost' },
    { type: 'direct', mac: '52:54:00:aa:00:04', model: 'rtl8139', dev: 'eth9', mode: 'bridge' },
    { type: 'hostdev', mac: '52:54:00:aa:00:05', address: '0000:00:01.2' },
  ]);
  assert.deepEqual(lab.hostdevs, [{ address: '0000:3b:10.1', managed: true }]);
  assert.deepEqual(inv.networks.map((n) => n.name), ['default', 'kvmnet-macvtap', 'kvmnet-nat', 'kvmnet-pool']);
  const net = (n: string) => inv.networks.find((x) => x.name === n);
  assert.deepEqual([net('kvmnet-nat')?.forwardMode, net('kvmnet-nat')?.bridge, net('kvmnet-nat')?.active], ['nat', 'kvbr0', false]);
  assert.deepEqual([net('kvmnet-pool')?.forwardMode, net('kvmnet-pool')?.pf], ['hostdev', ['enp-missing']]);
  assert.deepEqual([net('kvmnet-macvtap')?.forwardMode, net('kvmnet-macvtap')?.devs], ['bridge', ['eth7', 'eth8']]);

  // A refresh within ControlPersist opens no connection at all.
  const again = accepted();
  await discover(spec, opts);
  assert.equal(accepted() - again, 0);
});

test('50 guests: still one ssh process and one connection per refresh, every guest read', async () => {
  for (let i = 0; i < 50; i++) define(`kvmnet-many-${i}`, domain(`kvmnet-many-${i}`, `<interface type='user'><mac address='52:54:00:bb:00:${i.toString(16).padStart(2, '0')}'/></interface>`));
  closeSshMasters(path.join(lv.dir, 'ctl'));
  const before = accepted();
  const s = await discover(spec, opts);
  assert.equal(accepted() - before, 1);
  assert.deepEqual(s.warnings, []);
  assert.equal(s.libvirt?.guests.filter((g) => g.name.startsWith('kvmnet-many-')).length, 50);
});

test('no daemon on the host: no inventory, discovery unchanged', async () => {
  const s = await discover({ kind: 'local' }, { rootPrefix: '/nonexistent' });
  assert.equal(s.libvirt, undefined);
});
