// Every generator output (each mode × its options) must be accepted by the real qemu-system-x86_64.
// No /dev/kvm and no /dev/vhost-net on the test machines: vhost=on aborts QEMU here, so vhost variants are
// checked for the vhost=on item and then run WITHOUT it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate, NIC_MODELS, type Generated, type NetworkSpec } from '../../../src/core/qemu/generate';
import { qemuAcceptsNetArgs } from '../convert/oracles';
import { createNetns, qemuAccepts, requireQemu } from './qemuOracle';

const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-gen-'));
const scriptPath = path.join(dir, 'launch-vm.sh');
after(() => rmSync(dir, { recursive: true, force: true }));

function withoutVhost(g: Generated): string[] {
  return g.args.map((a) => a.replace(/,vhost=on\b/, ''));
}

function accept(g: Generated, netns?: string): void {
  for (const f of g.files) {
    writeFileSync(f.path, f.content);
    chmodSync(f.path, 0o755);
  }
  const r = qemuAccepts(withoutVhost(g), g.redirects, g.prelude, netns);
  assert.ok(r.ok, `QEMU rejected ${g.args.join(' ')} ${g.redirects.join(' ')}:\n${r.stderr}`);
}

const gen = (spec: NetworkSpec, legacy = false): Generated => generate(spec, { scriptPath, legacy });

describe('QEMU accepts user-mode output', () => {
  before(requireQemu);
  const cases: [string, NetworkSpec][] = [
    ['defaults', { mode: 'user' }],
    ['hostfwd list, tcp+udp on 127.0.0.1 port 0', { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:22', 'udp:127.0.0.1:0-:53', 'tcp:127.0.0.1:0-10.0.5.15:80'] }],
    ['restrict + net/host/dns', { mode: 'user', restrict: true, net: '10.0.5.0/24', host: '10.0.5.2', dns: '10.0.5.3' }],
    ['explicit id and mac', { mode: 'user', id: 'wan', mac: '52:54:00:ab:cd:ef' }],
    ...NIC_MODELS.map((model): [string, NetworkSpec] => [`model ${model}`, { mode: 'user', model }]),
  ];
  for (const [name, spec] of cases) {
    test(name, () => accept(gen(spec)));
    if (spec.mode === 'user' && !spec.id && spec.model !== 'vmxnet3' && spec.model !== 'e1000e') {
      test(`${name} (legacy -net)`, () => accept(gen(spec, true)));
    }
  }
});

describe('QEMU accepts tap/bridge output inside a network namespace', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('tap');
  });
  after(() => ns?.delete());
  const cases: [string, NetworkSpec, boolean?][] = [
    ['script=no (tap prepared by the prelude)', { mode: 'tap', bridge: 'br0', ifname: 'tap0' }],
    ['generated qemu-ifup/qemu-ifdown', { mode: 'tap', bridge: 'br0', ifname: 'tap1', script: 'generate', id: 'n1' }],
    ['vhost=on requested (run without vhost: no /dev/vhost-net here)', { mode: 'tap', ifname: 'tap2', vhost: true, id: 'n2' }],
    ['e1000 model', { mode: 'tap', ifname: 'tap3', model: 'e1000', id: 'n3' }],
    ['legacy -net tap', { mode: 'tap', ifname: 'tap4', id: 'n4' }, true],
  ];
  for (const [name, spec, legacy] of cases) {
    test(name, () => {
      const g = gen(spec, legacy);
      if (spec.mode === 'tap' && spec.vhost) assert.ok(g.args.some((a) => a.includes(',vhost=on')));
      accept(g, ns.name);
    });
  }
});

describe('QEMU accepts macvtap-by-fd output inside a network namespace (macvtap on a veth)', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('mvt');
  });
  after(() => ns?.delete());
  const cases: [string, NetworkSpec, boolean?][] = [
    ['mode bridge, fd 3', { mode: 'macvtap', link: 'veth0', id: 'm0' }],
    ['mode vepa, fd 5, vhost requested (run without vhost)', { mode: 'macvtap', link: 'veth0', macvtapMode: 'vepa', fd: 5, vhost: true, id: 'm1' }],
    ['mode private', { mode: 'macvtap', link: 'veth0', macvtapMode: 'private', id: 'm2' }],
    ['legacy -net tap,fd=3', { mode: 'macvtap', link: 'veth0', id: 'm3' }, true],
  ];
  for (const [name, spec, legacy] of cases) test(name, () => accept(gen(spec, legacy), ns.name));
});

describe('vfio-pci of an absent device fails only because the device is absent', () => {
  before(requireQemu);
  test('no such host device', () => {
    const g = gen({ mode: 'vfio', bdf: '0000:7f:1f.7' });
    const r = qemuAccepts(g.args);
    assert.equal(r.ok, false);
    assert.match(r.stderr, /no such host device/);
    assert.doesNotMatch(r.stderr, /invalid|not a valid device|Parameter|Property/i);
  });
});

describe('QEMU accepts socket, vhost-user and vDPA output (a vhost-user backend on each socket)', () => {
  let ns: ReturnType<typeof createNetns>;
  before(() => {
    requireQemu();
    ns = createNetns('sock');
  });
  after(() => ns?.delete());
  const sock = (name: string): string => path.join(dir, name);
  const cases: [string, NetworkSpec, boolean?][] = [
    ['socket listen on every address', { mode: 'socket', kind: 'listen', address: ':15558', id: 's0' }],
    ['socket listen on an address of the host', { mode: 'socket', kind: 'listen', address: '192.168.0.1:15558', id: 's1', model: 'e1000' }],
    ['socket connect (QEMU connects without waiting)', { mode: 'socket', kind: 'connect', address: '127.0.0.1:15559', id: 's2' }],
    ['socket mcast group, local address', { mode: 'socket', kind: 'mcast', address: '230.0.0.1:15560', local: '127.0.0.1', id: 's3' }],
    ['socket mcast group through the multicast route', { mode: 'socket', kind: 'mcast', address: '239.1.2.3:15561', id: 's4' }],
    ['socket udp', { mode: 'socket', kind: 'udp', address: '127.0.0.1:15562', local: '127.0.0.1:15563', id: 's5', model: 'rtl8139' }],
    ['legacy -net socket', { mode: 'socket', kind: 'listen', address: ':15564' }, true],
    ['vhost-user, QEMU listens', { mode: 'vhost-user', path: sock('vu0.sock'), server: true, id: 'v0' }],
    ['vhost-user, the backend listens, 4 queue pairs', { mode: 'vhost-user', path: sock('vu1.sock'), server: false, queues: 4, id: 'v1' }],
    ['vhost-user client with reconnect', { mode: 'vhost-user', path: sock('vu2.sock'), server: false, reconnect: 5, id: 'v2' }],
    ['vDPA (absent device: checked alone)', { mode: 'vdpa', device: '/dev/vhost-vdpa-0', queues: 2, id: 'd0' }],
  ];
  for (const [name, spec, legacy] of cases) {
    test(name, () => {
      const g = gen(spec, legacy);
      const r = qemuAcceptsNetArgs(g.args, g.redirects, [], ns.name);
      assert.ok(r.ok, `QEMU rejected ${g.args.join(' ')}:\n${r.stderr}`);
    });
  }

  // The generator's refusals are claims that QEMU fails: each is confirmed with QEMU itself.
  test('a mcast group outside 224.0.0.0/4: refused, as QEMU refuses it', () => {
    assert.throws(() => gen({ mode: 'socket', kind: 'mcast', address: '192.0.0.1:5558' }), /not an IPv4 multicast group/);
    const r = qemuAccepts(['-netdev', 'socket,id=m,mcast=192.0.0.1:5558'], [], [], ns.name);
    assert.equal(r.ok, false);
    assert.match(r.stderr, /does not contain a multicast address/);
  });
  test('udp without the local address: refused, as QEMU refuses it', () => {
    assert.throws(() => gen({ mode: 'socket', kind: 'udp', address: '127.0.0.1:5555' }), /localaddr= is mandatory/);
    const r = qemuAccepts(['-netdev', 'socket,id=u,udp=127.0.0.1:5555'], [], [], ns.name);
    assert.equal(r.ok, false);
    assert.match(r.stderr, /localaddr= is mandatory/);
  });
  test('vhost-user on a non-virtio NIC: refused, as QEMU refuses it', () => {
    assert.throws(() => gen({ mode: 'vhost-user', path: sock('vu3.sock'), server: true, model: 'e1000' }), /virtio NICs only/);
    const args = ['-chardev', `socket,id=c,path=${sock('vu3.sock')},server=on,wait=off`, '-netdev', 'vhost-user,id=v,chardev=c', '-device', 'e1000,netdev=v'];
    const r = qemuAcceptsNetArgs(args, [], [], ns.name);
    assert.equal(r.ok, false);
    assert.match(r.stderr, /vhost-user requires frontend driver virtio-net-\*/);
  });
});
