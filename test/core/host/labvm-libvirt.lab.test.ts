/**
 * "Detach from Host (virsh nodedev-detach)" / "Reattach" against a real libvirt daemon: the SR-IOV lab VM
 * with this machine's own Debian userland (root file system over 9p, chrooted into by every ssh session,
 * see labVm.ts hostRoot) runs this machine's libvirtd on the VM's kernel, so virsh acts on real sysfs,
 * real IOMMU groups and real VFs. VFs come from the extension's Set number of VFs plan, and the nodedev
 * plans run through runPlan over ssh, as the editor runs them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { discover, type DiscoveryOptions } from '../../../src/core/host/discover';
import { parseHostSpec, type HostSpec } from '../../../src/core/host/hostSpec';
import type { HostSnapshot } from '../../../src/core/hostSnapshot';
import { deviceHolders } from '../../../src/core/libvirt/holders';
import { parseBdf } from '../../../src/core/pci/bdf';
import { ActionRefused, libvirtOnHost, planAttachToGuest, planNodedev, planSetNumVfs, type ActionPlan } from '../../../src/core/pci/actions';
import { applyPlan, defineLabGuest, LAB_PF, type LabVm, onlineNvmeVf, requireLibvirtLabTools, startLabVm, startLibvirtd, sysfsDriver as driverOf } from './labVm';

const VF = '0000:00:01.2';
let vm: LabVm;
let spec: HostSpec;
let opts: DiscoveryOptions;
before(async () => {
  requireLibvirtLabTools();
  vm = await startLabVm({ hostRoot: true, memoryMiB: 1024 });
  spec = parseHostSpec(vm.hostSpec);
  opts = { sshOptions: vm.clientOptions, connectTimeoutSeconds: 10, runTimeoutSeconds: 120 };
});
after(() => vm?.stop());

const dev = (s: HostSnapshot, bdf: string) => s.devices.find((d) => d.bdf === bdf);
const sysfsDriver = (bdf: string) => driverOf(vm, bdf);

const apply = (plan: ActionPlan): Promise<HostSnapshot> => applyPlan(spec, plan, opts);

test('virsh without a running daemon: discovery says so and the nodedev actions are not offered', async () => {
  const s = await discover(spec, opts);
  assert.deepEqual(s.warnings, []);
  assert.match(s.system.libvirtVersion ?? '', /^\d+\.\d+/, 'virsh --version from the Debian userland');
  assert.equal(s.system.libvirtSocket, false);
  assert.equal(libvirtOnHost(s), false);
  assert.throws(() => planNodedev(s, LAB_PF, 'detach'), (e) => e instanceof ActionRefused && /no libvirt daemon socket/.test(e.message));
});

test('with libvirtd: nodedev-detach puts a VF on vfio-pci, nodedev-reattach gives it back to nvme', async () => {
  // VFs first: libvirtd started later sees them (startLibvirtd).
  let s = await apply(planSetNumVfs(await discover(spec, opts), LAB_PF, 2));
  assert.deepEqual(dev(s, LAB_PF)?.virtfns, ['0000:00:01.1', VF]);
  onlineNvmeVf(vm, VF, 2);
  assert.match(startLibvirtd(vm), /^pci_0000_00_01_2$/m, 'libvirt sees the VF');

  s = await discover(spec, opts);
  assert.equal(s.system.libvirtSocket, true);
  assert.ok(libvirtOnHost(s), 'libvirt is on the host now');
  assert.throws(() => planNodedev(s, '0000:00:02.0', 'detach'), /ssh session/, 'the NIC carrying the session is never detached');
  assert.equal(sysfsDriver(VF), 'nvme');

  // Why the plan loads vfio-pci first: libvirt alone refuses while /dev/vfio/vfio is missing.
  const bare = vm.exec('virsh -c qemu:///system nodedev-detach pci_0000_00_01_2');
  assert.notEqual(bare.status, 0);
  assert.match(bare.output, /VFIO device assignment is currently not supported on this system/);
  assert.equal(sysfsDriver(VF), 'nvme', 'the refused detach left the VF alone');

  const detach = planNodedev(s, VF, 'detach');
  assert.deepEqual(detach.steps.map((st) => st.argv), [['modprobe', 'vfio-pci'], ['virsh', '-c', 'qemu:///system', 'nodedev-detach', 'pci_0000_00_01_2']]);
  s = await apply(detach);
  assert.equal(sysfsDriver(VF), 'vfio-pci');
  assert.equal(dev(s, VF)?.driver, 'vfio-pci', 'discovery agrees');
  const group = dev(s, VF)?.iommuGroup;
  assert.ok(group !== undefined && vm.exec(`test -c /dev/vfio/${group}`).status === 0, `/dev/vfio/${group} exists: the group is ready for QEMU`);

  s = await apply(planNodedev(s, VF, 'reattach'));
  assert.equal(sysfsDriver(VF), 'nvme');
  assert.equal(dev(s, VF)?.driver, 'nvme', 'libvirt reprobed the native driver');
  assert.equal(dev(s, VF)?.driverOverride, undefined, 'libvirt cleared its driver_override');
});

test('a guest defined in the lab VM holds a VF after Attach to Guest: discovery names it, a second guest is refused', async () => {
  const VF1 = '0000:00:01.1';
  const first = defineLabGuest(vm, 'lab-a');
  const second = defineLabGuest(vm, 'lab-b');
  let s = await discover(spec, opts);
  assert.deepEqual(s.libvirt?.guests.map((g) => [g.name, g.state, g.persistent]).sort(), [['lab-a', 'shut off', true], ['lab-b', 'shut off', true]]);
  const plan = planAttachToGuest(s, VF1, first);
  assert.equal(plan.steps.at(-1)?.argv.at(-2), '', 'a stopped guest: --config alone');
  assert.match(plan.steps.at(-1)?.parameter?.text ?? '', /^<interface type='hostdev' managed='yes'>/, 'a VF goes in as interface type=hostdev');
  s = await apply(plan);

  const stored = vm.exec('virsh -c qemu:///system dumpxml --inactive lab-a');
  assert.match(stored.output, /<interface type='hostdev' managed='yes'>[^]*<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'\/>/, stored.output);
  assert.deepEqual(deviceHolders(s).get(parseBdf(VF1)!), [{ kind: 'guest', guest: 'lab-a', running: false, via: 'interface' }]);
  assert.throws(() => planAttachToGuest(s, VF1, second), (e) => e instanceof ActionRefused && /already held by lab-a .*a second guest would not start/.test(e.message));
});
