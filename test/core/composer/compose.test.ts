import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compose, virtualFunctions } from '../../../src/core/composer/compose';
import { randomMac } from '../../../src/core/composer/mac';
import { MODE_NOTES } from '../../../src/core/composer/notes';
import { COMPOSER_MODES, defaultFormState, type FormState } from '../../../src/core/composer/state';
import { demoSnapshot } from '../../../src/core/host/demo';

const base = defaultFormState();
const st = (patch: Partial<FormState>): FormState => ({ ...base, ...patch });
const demo = demoSnapshot();
const vf = virtualFunctions(demo)[0]!;

describe('compose: each mode gives XML and arguments from the shared generators', () => {
  test('user with port forwards: passt portForward in XML, hostfwd in QEMU, same MAC', () => {
    const r = compose(st({ mac: '52:54:00:01:02:03', user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '127.0.0.1', hostPort: '2222', guestPort: '22' }, { proto: 'udp', hostAddress: '', hostPort: '5353', guestPort: '53' }] } }));
    assert.deepEqual(r.errors, []);
    assert.match(r.xml, /^<interface type='user'>/);
    assert.match(r.xml, /<mac address='52:54:00:01:02:03'\/>/);
    assert.match(r.xml, /<backend type='passt'\/>/);
    assert.match(r.xml, /<portForward proto='tcp' address='127.0.0.1'>\n\s+<range start='2222' to='22'\/>/);
    assert.match(r.xml, /<portForward proto='udp'>\n\s+<range start='5353' to='53'\/>/);
    assert.deepEqual(r.qemuArgs, ['-netdev', 'user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-:53', '-device', 'virtio-net-pci,netdev=net0,mac=52:54:00:01:02:03']);
    assert.equal(r.spec?.mode, 'user');
  });

  test('user without forwards: no passt backend; restrict noted as QEMU-only', () => {
    const r = compose(st({ user: { portForwards: [], restrict: true } }));
    assert.doesNotMatch(r.xml, /passt|portForward/);
    assert.match(r.qemuArgs[1]!, /restrict=on/);
    assert.ok(r.notes.some((n) => /restrict=on has no libvirt equivalent/.test(n)));
  });

  test('empty MAC: both sides get the same stable generated MAC', () => {
    const r = compose(st({ mac: '' }));
    const mac = /mac=([0-9a-f:]+)/.exec(r.qemuArgs[3]!)![1]!;
    assert.match(mac, /^52:54:00:/);
    assert.ok(r.xml.includes(`<mac address='${mac}'/>`));
    assert.equal((r.spec as { mac?: string }).mac, mac, 'the launch script gets the previewed MAC');
  });

  for (const vhost of [true, false]) {
    test(`bridge, vhost ${vhost ? 'on' : 'off'}`, () => {
      const r = compose(st({ mode: 'bridge', bridge: { bridge: 'br1', tap: 'tap7', vhost } }));
      assert.deepEqual(r.errors, []);
      assert.match(r.xml, /<interface type='bridge'>/);
      assert.match(r.xml, /<source bridge='br1'\/>/);
      assert.match(r.xml, /<target dev='tap7'\/>/);
      assert.match(r.xml, new RegExp(`<driver name='${vhost ? 'vhost' : 'qemu'}'/>`));
      assert.equal(r.qemuArgs[1]!.includes('vhost=on'), vhost);
      assert.match(r.qemuArgs[1]!, /^tap,id=net0,ifname=tap7,script=no,downscript=no/);
      assert.ok(r.prelude.some((l) => l.includes('master br1')));
    });
  }

  for (const mode of ['vepa', 'bridge', 'private', 'passthrough'] as const) {
    test(`macvtap mode ${mode}`, () => {
      const r = compose(st({ mode: 'macvtap', macvtap: { link: 'enp1s0', mode, vhost: false } }));
      assert.deepEqual(r.errors, []);
      assert.match(r.xml, new RegExp(`<source dev='enp1s0' mode='${mode}'/>`));
      assert.ok(r.prelude.some((l) => l.includes(`type macvtap mode ${mode === 'passthrough' ? 'passthru' : mode}`)), 'iproute2 spells it passthru');
      assert.match(r.qemuArgs[1]!, /^tap,id=net0,fd=3$/);
      assert.deepEqual(r.redirects, ['3<>/dev/tap$(cat /sys/class/net/macvtap-net0/ifindex)']);
      assert.ok(r.qemuText.endsWith(r.redirects[0]!));
    });
  }

  test('PCI passthrough: <hostdev> with 0x addresses, vfio-pci, no MAC or model', () => {
    const r = compose(st({ mode: 'pci', pci: { bdf: '3b:00.1' }, mac: 'not used here' }));
    assert.deepEqual(r.errors, []);
    assert.match(r.xml, /^<hostdev mode='subsystem' type='pci' managed='yes'>/);
    assert.match(r.xml, /<address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'\/>/);
    assert.deepEqual(r.qemuArgs, ['-device', 'vfio-pci,host=0000:3b:00.1,id=net0']);
  });

  test('SR-IOV VF from the snapshot: <interface type=hostdev> with MAC and VLAN; PF-side ip link step', () => {
    const r = compose(st({ mode: 'sriov', mac: '52:54:00:aa:bb:cc', sriov: { vf: vf.bdf, vlan: '42' } }), { snapshot: demo });
    assert.deepEqual(r.errors, []);
    assert.match(r.xml, /^<interface type='hostdev' managed='yes'>\n  <mac address='52:54:00:aa:bb:cc'\/>\n  <vlan>\n    <tag id='42'\/>/);
    assert.match(r.xml, /<address type='pci' /);
    assert.deepEqual(r.qemuArgs, ['-device', `vfio-pci,host=${vf.bdf},id=net0`]);
    const pf = demo.devices.find((d) => d.bdf === vf.physfn)!;
    assert.ok(r.prelude.includes(`ip link set dev ${pf.netdevs![0]} vf ${pf.virtfns!.indexOf(vf.bdf)} mac 52:54:00:aa:bb:cc vlan 42`), r.prelude.join('\n'));
  });

  test('every mode has a note on reachability, performance and privileges', () => {
    for (const mode of COMPOSER_MODES) {
      const n = MODE_NOTES[mode];
      assert.ok(n.title && n.reachability && n.performance && n.privileges, mode);
      assert.equal(compose(st({ mode, pci: { bdf: '0000:3b:00.0' }, sriov: { vf: vf.bdf, vlan: '' } }), { snapshot: demo }).note, n);
    }
  });
});

describe('compose: errors are tied to their field and nothing is emitted', () => {
  const cases: [string, FormState, string, RegExp][] = [
    ['multicast MAC', st({ mac: '01:00:5e:00:00:01' }), 'mac', /multicast/],
    ['malformed MAC', st({ mac: '52:54:00:zz' }), 'mac', /invalid MAC/],
    ['unknown model', st({ model: 'e1000x' }), 'model', /unknown NIC model/],
    ['bad id', st({ id: '9lives' }), 'id', /invalid id/],
    ['bad host port', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '', hostPort: '70000', guestPort: '22' }] } }), 'user.portForwards.0.hostPort', /0–65535/],
    ['host port 0 (libvirt refuses it)', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '', hostPort: '0', guestPort: '22' }] } }), 'user.portForwards.0.hostPort', /libvirt refuses 0/],
    ['guest port 0', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: '', hostPort: '1', guestPort: '0' }] } }), 'user.portForwards.0.guestPort', /1–65535/],
    ['bad host address', st({ user: { restrict: false, portForwards: [{ proto: 'tcp', hostAddress: 'localhost', hostPort: '1', guestPort: '2' }] } }), 'user.portForwards.0.hostAddress', /IPv4/],
    ['empty bridge', st({ mode: 'bridge', bridge: { bridge: ' ', tap: '', vhost: false } }), 'bridge.bridge', /required/],
    ['bad bridge name', st({ mode: 'bridge', bridge: { bridge: 'br 0', tap: '', vhost: false } }), 'bridge.bridge', /invalid bridge name/],
    ['tap name too long', st({ mode: 'bridge', bridge: { bridge: 'br0', tap: 'a-very-long-tap-name', vhost: false } }), 'bridge.tap', /invalid tap name/],
    ['vhost with e1000', st({ mode: 'bridge', model: 'e1000', bridge: { bridge: 'br0', tap: '', vhost: true } }), 'bridge.vhost', /virtio/],
    ['macvtap without link', st({ mode: 'macvtap', macvtap: { link: '', mode: 'bridge', vhost: false } }), 'macvtap.link', /required/],
    ['bad link', st({ mode: 'macvtap', macvtap: { link: 'eth0;reboot', mode: 'bridge', vhost: false } }), 'macvtap.link', /invalid host interface/],
    ['bad BDF', st({ mode: 'pci', pci: { bdf: '0000:03:00' } }), 'pci.bdf', /invalid PCI address/],
    ['empty BDF', st({ mode: 'pci', pci: { bdf: '' } }), 'pci.bdf', /required/],
    ['VF that is a PF', st({ mode: 'sriov', sriov: { vf: '0000:3b:00.0', vlan: '' } }), 'sriov.vf', /not a virtual function/],
    ['VLAN 4095', st({ mode: 'sriov', sriov: { vf: '', vlan: '4095' } }), 'sriov.vlan', /1–4094/],
  ];
  for (const [name, state, field, message] of cases) {
    test(name, () => {
      const r = compose(state, { snapshot: demo });
      const e = r.errors.find((x) => x.field === field);
      assert.ok(e, `expected an error on ${field}, got ${JSON.stringify(r.errors)}`);
      assert.match(e.message, message);
      assert.equal(r.xml, '');
      assert.deepEqual(r.qemuArgs, []);
      assert.equal(r.spec, undefined);
    });
  }

  test('several bad fields: one error each', () => {
    const r = compose(st({ mode: 'macvtap', mac: 'ff:ff:ff:ff:ff:ff', id: '-', macvtap: { link: '', mode: 'vepa', vhost: false } }));
    assert.deepEqual(r.errors.map((e) => e.field).sort(), ['id', 'mac', 'macvtap.link']);
  });

  test('a field of another mode does not count', () => {
    assert.deepEqual(compose(st({ mode: 'user', bridge: { bridge: '', tap: '', vhost: true }, pci: { bdf: 'x' } })).errors, []);
  });
});

test('generated MACs are 52:54:00 locally administered unicast, never QEMU\u2019s default', () => {
  for (let i = 0; i < 200; i++) {
    const mac = randomMac();
    assert.match(mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    assert.equal(first & 1, 0, 'unicast');
    assert.equal(first & 2, 2, 'locally administered');
  }
  let n = 0;
  const fixed = (b: Uint8Array): Uint8Array => (b.set(n++ === 0 ? [0x12, 0x34, 0x56] : [1, 2, 3]), b);
  assert.equal(randomMac(fixed), '52:54:00:01:02:03');
});
