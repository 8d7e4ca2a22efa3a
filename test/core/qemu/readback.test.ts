import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addNetworkDevice, editNetworkDevice, listNetworkDevices } from '../../../src/core/qemu/edit';
import type { NetworkSpec } from '../../../src/core/qemu/generate';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { deviceSpec } from '../../../src/core/qemu/readback';
import { applyEdits } from '../../../src/core/text';

const scriptPath = '/vm/launch.sh';
const BASE = '#!/bin/sh\nset -eu\nexec qemu-system-x86_64 -m 256 \\\n  -drive file=disk.qcow2,if=virtio\n';
const MAC = '52:54:00:01:02:03';

function withDevice(spec: NetworkSpec, text = BASE): string {
  return applyEdits(text, addNetworkDevice(text, spec, { scriptPath }).edits);
}

/** The spec read back from the script's last network device. */
function readBack(text: string): NetworkSpec | undefined {
  const script = parseLaunchScript(text);
  const inv = script.invocations[0]!;
  const devices = listNetworkDevices(inv);
  return deviceSpec(script, inv, devices[devices.length - 1]!, scriptPath);
}

const full: NetworkSpec[] = [
  { mode: 'user', id: 'net0', model: 'e1000', mac: MAC, hostfwd: ['tcp::2222-:22', 'udp:127.0.0.1:5353-:53'], restrict: true, net: '10.0.3.0/24', host: '10.0.3.2', dns: '10.0.3.3' },
  { mode: 'tap', id: 'lan', model: 'virtio-net-pci', mac: MAC, bridge: 'br1', ifname: 'tap-lan', script: 'no', vhost: true },
  { mode: 'tap', id: 'lan', model: 'rtl8139', mac: MAC, bridge: 'br2', ifname: 'tap7', script: 'generate' },
  { mode: 'tap', id: 'lan', model: 'virtio-net-pci', mac: MAC, ifname: 'tap7', script: '/etc/qemu-ifup' },
  { mode: 'macvtap', id: 'mv0', model: 'vmxnet3', mac: MAC, link: 'enp3s0', name: 'macvtap-mv0', macvtapMode: 'vepa', fd: 4, vhost: true },
  { mode: 'vfio', bdf: '0000:03:00.0', id: 'hostdev0' },
];

for (const spec of full) {
  test(`round trip: generate → parse → read back equals the spec (${spec.mode} ${JSON.stringify(spec).slice(0, 60)})`, () => {
    assert.deepEqual(readBack(withDevice(spec)), spec);
  });
}

const minimal: NetworkSpec[] = [
  { mode: 'user' },
  { mode: 'user', hostfwd: ['2222:22'] },
  { mode: 'tap' },
  { mode: 'tap', bridge: 'br9', script: 'generate', vhost: true },
  { mode: 'macvtap', link: 'eth1' },
  { mode: 'vfio', bdf: '03:00.1' },
];

for (const spec of minimal) {
  test(`round trip with defaults: the read-back spec generates the same script (${JSON.stringify(spec)})`, () => {
    const text = withDevice(spec);
    const back = readBack(text)!;
    assert.ok(back, 'a spec is read back');
    assert.equal(withDevice(back), text);
    // Editing with the prefilled values unchanged changes nothing.
    const key = listNetworkDevices(parseLaunchScript(text).invocations[0]!).at(-1)!.key;
    assert.deepEqual(editNetworkDevice(text, key, back, { scriptPath }).edits, []);
  });
}

test('edit from the read-back spec with a new model keeps the id and MAC', () => {
  const text = withDevice({ mode: 'tap', id: 'lan', bridge: 'br1', mac: MAC });
  const back = readBack(text)!;
  const key = listNetworkDevices(parseLaunchScript(text).invocations[0]!).at(-1)!.key;
  const { id: _id, mac: _mac, ...withoutIdentity } = back as NetworkSpec & { mac?: string };
  const edited = applyEdits(text, editNetworkDevice(text, key, { ...withoutIdentity, model: 'e1000' } as NetworkSpec, { scriptPath }).edits);
  assert.deepEqual(readBack(edited), { ...back, model: 'e1000' });
  assert.match(edited, /-device e1000,netdev=lan,mac=52:54:00:01:02:03\n$/);
});

test('-nic and legacy forms; $variables are left to the defaults', () => {
  const nic = readBack('qemu-system-x86_64 -nic user,model=virtio,mac=52:54:00:AA:00:01,hostfwd=tcp::80-:80,hostfwd=$FWD\n');
  assert.deepEqual(nic, { mode: 'user', model: 'virtio-net-pci', mac: '52:54:00:aa:00:01', hostfwd: ['tcp::80-:80'] });
  assert.deepEqual(readBack('qemu-system-x86_64 -netdev tap,id=t0,ifname=$TAP,script=no -device "e1000,netdev=t0,mac=$MAC"\n'), { mode: 'tap', id: 't0', model: 'e1000', script: 'no' });
  assert.deepEqual(readBack('qemu-system-x86_64 -net nic,model=e1000 -net user,hostfwd=tcp::1-:2\n'), { mode: 'user', hostfwd: ['tcp::1-:2'] });
  assert.equal(readBack('qemu-system-x86_64 -net user -net nic,model=e1000\n'), undefined);
  assert.equal(readBack('qemu-system-x86_64 -netdev socket,id=s0,listen=:1234 -device e1000,netdev=s0\n'), undefined);
});

test('macvtap without its host lines: fd, name and vhost read, the link left empty for the caller to ask', () => {
  const text = 'qemu-system-x86_64 -netdev tap,id=m,fd=3 -device virtio-net-pci,netdev=m,mac=52:54:00:00:00:09 3<>/dev/tap$(cat /sys/class/net/mvt0/ifindex)\n';
  assert.deepEqual(readBack(text), { mode: 'macvtap', id: 'm', model: 'virtio-net-pci', mac: '52:54:00:00:00:09', link: '', name: 'mvt0', fd: 3 });
});

test('the only device of a continued command: editing with its read-back spec is a no-op, a new model keeps one option per line', () => {
  const text = '#!/bin/sh\nexec qemu-system-x86_64 -m 512 \\\n  -netdev user,id=net0,hostfwd=tcp::8080-:80 \\\n  -device e1000,netdev=net0,mac=52:54:00:aa:bb:cc\n';
  const back = readBack(text)!;
  assert.deepEqual(back, { mode: 'user', id: 'net0', model: 'e1000', mac: '52:54:00:aa:bb:cc', hostfwd: ['tcp::8080-:80'] });
  assert.deepEqual(editNetworkDevice(text, 'netdev:net0', back, { scriptPath }).edits, []);
  const edited = applyEdits(text, editNetworkDevice(text, 'netdev:net0', { ...back, model: 'virtio-net-pci' } as NetworkSpec, { scriptPath }).edits);
  assert.equal(edited, text.replace('-device e1000,', '-device virtio-net-pci,'));
});

test('QemuOpts short-form booleans read as QEMU reads them: a bare vhost or restrict is on', () => {
  const tap = '#!/bin/sh\nqemu-system-x86_64 -netdev tap,id=lan,ifname=tap7,script=no,downscript=no,vhost -device virtio-net-pci,netdev=lan\n';
  const t = readBack(tap);
  assert.equal(t?.mode === 'tap' && t.vhost, true);
  const user = '#!/bin/sh\nqemu-system-x86_64 -netdev user,id=u0,restrict -device e1000,netdev=u0\n';
  const spec = readBack(user);
  assert.equal(spec?.mode === 'user' && spec.restrict, true);
  // Matched as the same device: adding it again changes nothing.
  assert.deepEqual(addNetworkDevice(user, spec!, { scriptPath }).edits, []);
});
