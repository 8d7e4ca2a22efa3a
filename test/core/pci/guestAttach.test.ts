/** Attach a host function to a guest, detach a guest's NIC or hostdev: exact argv, --live only for a running guest, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionRefused, buildPlan, planAttachToGuest, planAttachXml, planDetachFromGuest, VIRSH_DEVICE_PROGRAM } from '../../../src/core/pci/actions';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { renderConfirmation } from '../../../src/core/host/runPlan';
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

test('attach a composed definition: the XML as given; a MAC another guest of the host uses is refused; a passthrough one gets the device checks', () => {
  const xml = "<interface type='bridge'>\n  <mac address='52:54:00:12:00:07'/>\n  <source bridge='br0'/>\n  <model type='virtio'/>\n</interface>";
  const p = planAttachXml(host(), DB, xml);
  assert.equal(p.title, 'Attach a bridge NIC (52:54:00:12:00:07) to db');
  assert.deepEqual(p.steps[0]!.argv.slice(3), ['kvmnet-attach-device', xml, DB, '', 'attach-device']);
  assert.deepEqual(p.undo, { op: 'detachFromGuest', guest: DB, part: { kind: 'nic', mac: '52:54:00:12:00:07', type: 'bridge' } });
  assert.deepEqual(buildPlan(host(), p.request).steps, p.steps);
  // web and db already have NICs with 52:54:00:00:00:01 (the target guest counts too: two NICs, one address).
  refused(() => planAttachXml(host(), DB, xml.replace('52:54:00:12:00:07', '52:54:00:00:00:01')), /MAC 52:54:00:00:00:01 is already used on this host by db, web/);
  refused(() => planAttachXml(host(), DB, '<disk/>'), /only an <interface> or <hostdev>/);
  const vf = "<interface type='hostdev' managed='yes'>\n  <mac address='52:54:00:12:00:08'/>\n  <source>\n    <address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/>\n  </source>\n</interface>";
  refused(() => planAttachXml(host(), DB, vf, VF1), /already held by .*web/);
  const free = "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <address domain='0x0000' bus='0x5e' slot='0x00' function='0x0'/>\n  </source>\n</hostdev>";
  const hd = planAttachXml(host(), DB, free, FREE);
  assert.ok(hd.basis.some((f) => f.name === `${FREE} libvirt holders`), JSON.stringify(hd.basis));
  assert.deepEqual(hd.undo, { op: 'detachFromGuest', guest: DB, part: { kind: 'hostdev', bdf: FREE } });
});

test('the confirmation shows the device definition as plain XML under the exact (twice-quoted) command line', () => {
  const xml = "<interface type='bridge'>\n  <mac address='52:54:00:12:00:07'/>\n  <source bridge='br0'/>\n</interface>";
  const spec = parseHostSpec('ssh://root@lab.example:22');
  assert.ok(spec);
  const { detail } = renderConfirmation(spec, planAttachXml(host(), DB, xml));
  const lines = detail.split('\n');
  const at = lines.indexOf('The device definition virsh attaches ($1, on its standard input):');
  assert.ok(at > 0, detail);
  assert.deepEqual(lines.slice(at + 1, at + 5), ["    <interface type='bridge'>", "      <mac address='52:54:00:12:00:07'/>", "      <source bridge='br0'/>", '    </interface>']);
  assert.ok(/^ssh .* kvmnet-attach-device /m.test(detail.slice(0, detail.indexOf('The device definition'))), 'the exact line comes first');
});
