import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkHostfwd,
  generate,
  SpecError,
  uniqueId,
} from '../../../src/core/qemu/generate';
import { stableMac } from '../../../src/core/util/stableMac';
import { shellQuote } from '../../../src/core/util/shellQuote';
import { isMulticastMac, QEMU_DEFAULT_MAC } from '../../../src/core/mac';

const ctx = { scriptPath: '/vm/launch.sh' };

test('MACs are locally administered unicast 52:54:00:xx, stable per script+id, unique, never the QEMU default', () => {
  const a = stableMac('/vm/launch.sh', 'net0');
  assert.match(a, /^52:54:00(?::[0-9a-f]{2}){3}$/);
  assert.equal(stableMac('/vm/launch.sh', 'net0'), a);
  assert.notEqual(stableMac('/vm/launch.sh', 'net1'), a);
  assert.notEqual(stableMac('/vm/other.sh', 'net0'), a);
  assert.notEqual(stableMac('/vm/launch.sh', 'net0', new Set([a.toUpperCase()])), a);
  assert.equal(isMulticastMac(a), false);
  assert.notEqual(a, QEMU_DEFAULT_MAC);
});

test('ids are unique against the script', () => {
  assert.equal(uniqueId('net', new Set(['net0', 'net1'])), 'net2');
  assert.equal(generate({ mode: 'user' }, { ...ctx, existingIds: new Set(['net0']) }).id, 'net1');
  assert.throws(() => generate({ mode: 'user', id: 'net0' }, { ...ctx, existingIds: new Set(['net0']) }), SpecError);
});

test('hostfwd rules are checked like QEMU does', () => {
  assert.equal(checkHostfwd('tcp::5555-:22'), undefined);
  assert.equal(checkHostfwd('udp:127.0.0.1:0-10.0.2.15:53'), undefined);
  assert.equal(checkHostfwd('tcp:5555-:22'), 'Bad host address');
  assert.equal(checkHostfwd('tcp::5555:22'), 'Bad host port separator');
  assert.equal(checkHostfwd('sctp::1-:2'), 'Bad protocol name');
  assert.equal(checkHostfwd('tcp::1-:0'), 'Bad guest port');
  assert.equal(checkHostfwd('5555'), 'No : separators');
  assert.deepEqual(generate({ mode: 'user', hostfwd: ['2222:22', 'udp:5353:53'] }, ctx).args[1], 'user,id=net0,hostfwd=tcp::2222-:22,hostfwd=udp::5353-:53');
  assert.throws(() => generate({ mode: 'user', hostfwd: ['tcp:5555-:22'] }, ctx), /Bad host address/);
});

test('modern syntax by default, legacy only on request', () => {
  const modern = generate({ mode: 'user' }, ctx).args;
  assert.deepEqual([modern[0], modern[2]], ['-netdev', '-device']);
  const legacy = generate({ mode: 'user' }, { ...ctx, legacy: true }).args;
  assert.deepEqual([legacy[0], legacy[2]], ['-net', '-net']);
  assert.match(legacy[1]!, /^nic,model=virtio,macaddr=52:54:00/);
});

test('macvtap: fd redirection from the macvtap ifindex, and the ip link commands that create it', () => {
  const g = generate({ mode: 'macvtap', link: 'eth0', macvtapMode: 'vepa', vhost: true }, ctx);
  assert.deepEqual(g.redirects, ['3<>/dev/tap$(cat /sys/class/net/macvtap-net0/ifindex)']);
  assert.match(g.args[1]!, /^tap,id=net0,fd=3,vhost=on$/);
  assert.ok(g.prelude.some((l) => l.includes('ip link add link eth0 name macvtap-net0 type macvtap mode vepa')));
  assert.ok(g.prelude.some((l) => l === `ip link set dev macvtap-net0 address ${g.mac} up`));
});

test('tap: generated qemu-ifup/-ifdown use ip, never brctl/ifconfig', () => {
  const g = generate({ mode: 'tap', bridge: 'br1', script: 'generate' }, ctx);
  assert.deepEqual(g.files.map((f) => f.path), ['/vm/qemu-ifup-br1', '/vm/qemu-ifdown-br1']);
  for (const f of g.files) {
    assert.match(f.content, /\bip link set dev "\$1"/);
    assert.doesNotMatch(f.content, /brctl|ifconfig/);
  }
});

test('vfio: BDF validated and normalised, host steps as comments', () => {
  assert.deepEqual(generate({ mode: 'vfio', bdf: ' 03:00.0' }, ctx).args, ['-device', 'vfio-pci,host=0000:03:00.0,id=hostdev0']);
  assert.throws(() => generate({ mode: 'vfio', bdf: '03:00' }, ctx), { message: "invalid PCI address '03:00': expected [DOMAIN:]BUS:DEVICE.FUNCTION, e.g. 0000:03:00.0" });
  assert.throws(() => generate({ mode: 'vfio', bdf: '0000:03:20.0' }, ctx), SpecError);
  const g = generate({ mode: 'vfio', bdf: '0000:3b:00.1' }, ctx);
  assert.deepEqual(g.args, ['-device', 'vfio-pci,host=0000:3b:00.1,id=hostdev0']);
  assert.ok(g.prelude.every((l) => l.startsWith('#')));
  assert.ok(g.prelude.some((l) => l.includes('driver_override')) && g.prelude.some((l) => l.includes('driverctl')));
});

test('shellQuote', () => {
  assert.equal(shellQuote('user,id=n0,hostfwd=tcp::1-:2'), 'user,id=n0,hostfwd=tcp::1-:2');
  assert.equal(shellQuote("a b'c"), `'a b'\\''c'`);
});

test('socket: one netdev option per kind, and the local address where QEMU needs one', () => {
  const ctx = { scriptPath: '/lab/vm.sh' };
  assert.match(generate({ mode: 'socket', kind: 'listen', address: ':1234' }, ctx).args[1]!, /^socket,id=net0,listen=:1234$/);
  assert.match(generate({ mode: 'socket', kind: 'udp', address: '10.0.0.2:5555', local: '10.0.0.1:5556' }, ctx).args[1]!, /udp=10\.0\.0\.2:5555,localaddr=10\.0\.0\.1:5556$/);
  assert.match(generate({ mode: 'socket', kind: 'mcast', address: '230.0.0.1:1234', local: '192.168.1.5' }, ctx).args[1]!, /mcast=230\.0\.0\.1:1234,localaddr=192\.168\.1\.5$/);
  assert.throws(() => generate({ mode: 'socket', kind: 'connect', address: ':1234' }, ctx), /needs a host/);
  assert.throws(() => generate({ mode: 'socket', kind: 'listen', address: '1234' }, ctx), /expected HOST:PORT/);
  assert.throws(() => generate({ mode: 'socket', kind: 'listen', address: 'a,b:1' }, ctx), /expected HOST:PORT/);
  assert.deepEqual(generate({ mode: 'socket', kind: 'listen', address: ':1234' }, { ...ctx, legacy: true }).args.slice(2), ['-net', 'socket,listen=:1234']);
});

test('vhost-user and vDPA: virtio only, a chardev per socket, multiqueue with vectors, no legacy form', () => {
  const ctx = { scriptPath: '/lab/vm.sh' };
  const g = generate({ mode: 'vhost-user', path: '/run/vhu0.sock', server: true, queues: 2 }, ctx);
  assert.deepEqual(g.args.slice(0, 4), ['-chardev', 'socket,id=chr-net0,path=/run/vhu0.sock,server=on,wait=off', '-netdev', 'vhost-user,id=net0,chardev=chr-net0,queues=2']);
  assert.match(g.args[5]!, /^virtio-net-pci,netdev=net0,mac=52:54:00:[0-9a-f:]{8},mq=on,vectors=6$/);
  assert.ok(g.prelude.some((l) => /memory-backend-memfd.*share=on/.test(l)), 'the shared-memory requirement is spelled out');
  assert.match(generate({ mode: 'vhost-user', path: '/run/vhu0.sock', server: false, reconnect: 10 }, ctx).args[1]!, /^socket,id=chr-net0,path=\/run\/vhu0\.sock,reconnect=10$/);
  assert.throws(() => generate({ mode: 'vhost-user', path: '/run/vhu0.sock', server: true, reconnect: 10 }, ctx), /reconnect applies to a vhost-user client/);
  assert.throws(() => generate({ mode: 'vhost-user', path: 'relative.sock', server: true }, ctx), /absolute path/);
  assert.throws(() => generate({ mode: 'vhost-user', path: '/run/x.sock', server: true }, { ...ctx, legacy: true }), /no legacy -net form/);
  assert.throws(() => generate({ mode: 'vdpa', device: '/dev/vhost-vdpa-0', model: 'e1000' }, ctx), /virtio NICs only/);
  assert.throws(() => generate({ mode: 'vdpa', device: '/dev/sda' }, ctx), /\/dev\/vhost-vdpa-N/);
  assert.equal(generate({ mode: 'vdpa', device: '/dev/vhost-vdpa-3' }, ctx).args[1], 'vhost-vdpa,id=net0,vhostdev=/dev/vhost-vdpa-3');
});
