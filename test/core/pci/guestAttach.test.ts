/** Attach a host function to a guest, detach a guest's NIC or hostdev: exact argv, --live only for a running guest, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionRefused, buildPlan, planAttachToGuest, planDetachFromGuest, VIRSH_DEVICE_PROGRAM } from '../../../src/core/pci/actions';
import { dev, PF, snapshot, VF1, VF2 } from '../libvirt/fixture';

const FREE = '0000:5e:00.0';
const host = (...extra: string[]) => snapshot(['S\troot\t1', 'S\tdefault-route\teth0', 'S\tlibvirt\t9.0.0', 'S\tlibvirt-socket\t1', ...dev(FREE, 9), ...extra]);
const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ActionRefused && re.test(e.message));
const WEB = '00000000-0000-0000-0000-000000000001'; // running
const DB = '00000000-0000-0000-0000-000000000002'; // shut off

test('attach: a free function to a stopped guest is --config only; to a running guest also --live; the XML is a positional parameter', () => {
  const cold = planAttachToGuest(host(), FREE, DB);
  assert.equal(cold.title, `Attach ${FREE} to db`);
  assert.deepEqual(cold.steps.map((s) => s.argv), [
    ['sh', '-c', VIRSH_DEVICE_PROGRAM, 'kvmnet-attach-device', `<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <address domain='0x0000' bus='0x5e' slot='0x00' function='0x0'/>\n  </source>\n</hostdev>`, DB, '', 'attach-device'],
  ]);
  assert.equal(planAttachToGuest(host(), FREE, WEB).steps[0]!.argv[6], '--live');
  assert.deepEqual(cold.undo, { op: 'detachFromGuest', guest: DB, part: { kind: 'hostdev', bdf: FREE } });
  // Rebuilt from the request for the run, the same plan.
  assert.deepEqual(buildPlan(host(), cold.request).steps, cold.steps);
});

test('attach is refused for a function another guest or a VF pool holds, the uplink, a missing guest, or without libvirt', () => {
  refused(() => planAttachToGuest(host(), VF1, DB), /already held by .*web \(running, hostdev\).*a second guest would not start/);
  refused(() => planAttachToGuest(host(), VF2, DB), /already held by VF pool of network pool/);
  refused(() => planAttachToGuest(host('N\teth0\taddress\t52:54:00:aa:bb:cc', `D\t${FREE}\tnet\teth0`), FREE, DB), /carries the host's default route/);
  refused(() => planAttachToGuest(host(), FREE, '00000000-0000-0000-0000-000000000099'), /no guest with UUID/);
  refused(() => planAttachToGuest(snapshot([...dev(FREE, 9), 'S\tdefault-route\teth0']), FREE, DB), /virsh|libvirt/);
  refused(() => planAttachToGuest(host(), 'nope', DB), /not a PCI address/);
});

test('detach: a NIC by its MAC, a hostdev by its address; unknown ones and malformed values refused', () => {
  const nic = planDetachFromGuest(host(), WEB, { kind: 'nic', mac: '52:54:00:00:00:01', type: 'bridge' });
  assert.deepEqual(nic.steps[0]!.argv.slice(3), ['kvmnet-detach-device', "<interface type='bridge'><mac address='52:54:00:00:00:01'/></interface>", WEB, '--live', 'detach-device']);
  const hd = planDetachFromGuest(host(), WEB, { kind: 'hostdev', bdf: VF1 });
  assert.match(hd.steps[0]!.argv[4]!, /<address domain='0x0000' bus='0x3b' slot='0x10' function='0x0'\/>/);
  refused(() => planDetachFromGuest(host(), WEB, { kind: 'nic', mac: '52:54:00:00:00:99', type: 'bridge' }), /no NIC with MAC/);
  refused(() => planDetachFromGuest(host(), WEB, { kind: 'nic', mac: "x'/><evil", type: 'bridge' }), /not a MAC address/);
  refused(() => planDetachFromGuest(host(), WEB, { kind: 'nic', mac: '52:54:00:00:00:01', type: "bridge'" }), /not an interface type/);
  refused(() => planDetachFromGuest(host(), WEB, { kind: 'hostdev', bdf: PF }), /no PCI hostdev/);
});
