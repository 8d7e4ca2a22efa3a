// Lab: a private libvirtd reached over a real sshd. A host PCI function is attached to a stopped guest (--config: the
// device stays on the host) and detached again; a running TCG guest (with ACPI, for hotplug) loses a NIC --live
// --config. Plans come from a real discovery and run through runConfirmedPlan (rediscovery, drift check).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover } from '../../../src/core/host/discover';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { runConfirmedPlan } from '../../../src/core/host/runPlan';
import { deviceHolders } from '../../../src/core/libvirt/holders';
import { buildPlan } from '../../../src/core/pci/actions';
import type { Bdf } from '../../../src/core/pci/bdf';
import { startPrivateLibvirt, type PrivateLibvirt } from './libvirtd';

let lv: PrivateLibvirt;
const options = () => ({ sshOptions: lv.sshd.clientOptions, controlDir: false as const, connectTimeoutSeconds: 10 });
const spec = () => parseHostSpec(lv.sshd.hostSpec);
/** A PCI function of this machine that is no network device (nothing a test may take from the host: --config only). */
const FUNCTION = readdirSync('/sys/bus/pci/devices').sort().find((b) => !readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02'))! as Bdf;

function define(name: string, devices: string, extra = ''): string {
  const file = path.join(lv.dir, `${name}.xml`);
  writeFileSync(file, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>${extra}<devices>${devices}</devices></domain>`);
  assert.equal(lv.virsh('define', file).status, 0);
  return lv.virsh('domuuid', name).output.trim();
}

before(async () => {
  lv = await startPrivateLibvirt();
});
after(() => lv?.stop());

test('attach a host function to a stopped guest (--config), the holder shows in discovery; detach it again', async () => {
  const uuid = define('kvmnet-cold', '');
  const snapshot = await discover(spec(), options());
  const plan = buildPlan(snapshot, { op: 'attachToGuest', bdf: FUNCTION, guest: uuid });
  assert.equal(plan.steps[0]!.argv.at(-2), '', 'no --live for a guest that is not running');
  const run = await runConfirmedPlan(spec(), plan, options());
  assert.ok(run.ok, `${run.error ?? ''} ${run.refused ?? ''}`);
  const [domain, bus, slotFn] = FUNCTION.split(':');
  assert.match(lv.virsh('dumpxml', '--inactive', 'kvmnet-cold').output, new RegExp(`<address domain='0x${domain}' bus='0x${bus}' slot='0x${slotFn!.split('.')[0]}' function='0x${slotFn!.split('.')[1]}'/>`));
  const other = define('kvmnet-other', '');
  const after = await discover(spec(), options());
  assert.deepEqual(deviceHolders(after).get(FUNCTION)?.map((h) => (h.kind === 'guest' ? h.guest : h.network)), ['kvmnet-cold']);
  // Attaching it to a second guest is refused: it would not start.
  assert.throws(() => buildPlan(after, { op: 'attachToGuest', bdf: FUNCTION, guest: other }), /already held by kvmnet-cold/);
  const detach = await runConfirmedPlan(spec(), buildPlan(after, { op: 'detachFromGuest', guest: uuid, part: { kind: 'hostdev', bdf: FUNCTION } }), options());
  assert.ok(detach.ok, detach.error);
  assert.doesNotMatch(lv.virsh('dumpxml', '--inactive', 'kvmnet-cold').output, /<hostdev/);
});

test('detach a NIC from a running guest: --live and --config, gone from both', async () => {
  const uuid = define('kvmnet-hot', "<interface type='user'><mac address='52:54:00:ab:00:01'/><model type='virtio'/></interface><interface type='user'><mac address='52:54:00:ab:00:02'/><model type='virtio'/></interface>", '<features><acpi/></features>');
  assert.equal(lv.virsh('start', 'kvmnet-hot').status, 0);
  const snapshot = await discover(spec(), options());
  const plan = buildPlan(snapshot, { op: 'detachFromGuest', guest: uuid, part: { kind: 'nic', mac: '52:54:00:ab:00:02', type: 'user' } });
  assert.equal(plan.steps[0]!.argv.at(-2), '--live');
  const run = await runConfirmedPlan(spec(), plan, options());
  assert.ok(run.ok, `${run.error ?? ''} ${run.results.map((r) => r.output).join(' ')}`);
  assert.doesNotMatch(lv.virsh('dumpxml', '--inactive', 'kvmnet-hot').output, /52:54:00:ab:00:02/);
  // The guest unplugs a NIC only if it cooperates (ACPI); TCG with no OS may leave the live device until it does.
  assert.match(lv.virsh('dumpxml', '--inactive', 'kvmnet-hot').output, /52:54:00:ab:00:01/);
});
