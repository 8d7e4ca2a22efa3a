import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { demoSnapshot } from '../../../src/core/host/demo';
import type { HostSnapshot } from '../../../src/core/hostSnapshot';
import { ActionRefused, buildPlan, libvirtOnHost, libvirtUnavailable, planBindVfio, planDrift, planNodedev, planRestoreDriver, planSetNumVfs, WRITE_PROGRAM } from '../../../src/core/pci/actions';

const demo = demoSnapshot();
const asUser = (s: HostSnapshot): HostSnapshot => ({ ...s, system: { ...s.system, isRoot: false } });

test('set VFs goes through 0 when changing a non-zero count, writes directly from 0', () => {
  const change = planSetNumVfs(demo, '0000:3b:00.0', 8);
  assert.deepEqual(change.steps.map((s) => s.argv), [
    ['sh', '-c', WRITE_PROGRAM, 'kvmnet-write', '0', '/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs'],
    ['sh', '-c', WRITE_PROGRAM, 'kvmnet-write', '8', '/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs'],
  ]);
  assert.match(change.warnings.join('\n'), /0000:3b:02\.2, 0000:3b:02\.3/, 'names the vfio-bound VFs that vanish');
  assert.match(change.warnings.join('\n'), /default route/);
  const fromZero = planSetNumVfs(demo, '3b:00.1', 2);
  assert.deepEqual(fromZero.steps.map((s) => s.argv.at(-2)), ['2']);
  assert.deepEqual(planSetNumVfs(demo, '0000:3b:00.0', 0).steps.map((s) => s.argv.at(-2)), ['0']);
  assert.deepEqual(planSetNumVfs(demo, '0000:3b:00.0', 4).steps, []);
  assert.throws(() => planSetNumVfs(demo, '0000:3b:00.0', 65), ActionRefused);
  assert.throws(() => planSetNumVfs(demo, '0000:5e:00.0', 1), /not SR-IOV capable/);
});

test('sudo -n when discovery did not run as root', () => {
  const plan = planSetNumVfs(asUser(demo), '0000:3b:00.1', 2);
  assert.deepEqual(plan.steps[0]!.argv.slice(0, 3), ['sudo', '-n', 'sh']);
  assert.deepEqual(planNodedev(asUser(demo), '0000:3b:02.0', 'detach').steps.map((s) => s.argv), [
    ['sudo', '-n', 'modprobe', 'vfio-pci'],
    ['sudo', '-n', 'virsh', '-c', 'qemu:///system', 'nodedev-detach', 'pci_0000_3b_02_0'],
  ]);
});

test('virsh nodedev-detach/reattach: vfio-pci loaded first (libvirt does not), offered only where virsh and a daemon socket are', () => {
  const detach = planNodedev(demo, '0000:3b:02.0', 'detach');
  assert.equal(detach.title, 'virsh nodedev-detach pci_0000_3b_02_0');
  assert.deepEqual(detach.steps.map((s) => s.argv), [['modprobe', 'vfio-pci'], ['virsh', '-c', 'qemu:///system', 'nodedev-detach', 'pci_0000_3b_02_0']]);
  assert.deepEqual(planNodedev(demo, '0000:3b:02.2', 'reattach').steps.map((s) => s.argv), [['virsh', '-c', 'qemu:///system', 'nodedev-reattach', 'pci_0000_3b_02_2']]);
  assert.equal(libvirtOnHost(demo), true);
  assert.equal(libvirtUnavailable(demo.system), undefined);
  const without = (system: Partial<HostSnapshot['system']>): HostSnapshot => ({ ...demo, system: { ...demo.system, ...system } });
  for (const [s, why] of [
    [without({ libvirtVersion: undefined }), /virsh was not found.*libvirt-clients/],
    [without({ libvirtSocket: false }), /no libvirt daemon socket/],
    [without({ libvirtSocket: undefined }), /no libvirt daemon socket/],
  ] as const) {
    assert.equal(libvirtOnHost(s), false);
    assert.throws(() => planNodedev(s, '0000:3b:02.0', 'detach'), (e) => e instanceof ActionRefused && why.test(e.message));
    assert.throws(() => planNodedev(s, '0000:3b:02.0', 'reattach'), ActionRefused);
  }
});

test('bind to vfio-pci: override, unbind, probe; restore reverses it', () => {
  const plan = planBindVfio(demo, '0000:3b:02.0');
  assert.deepEqual(plan.steps.map((s) => s.argv.slice(-2)), [
    ['modprobe', 'vfio-pci'],
    ['vfio-pci', '/sys/bus/pci/devices/0000:3b:02.0/driver_override'],
    ['0000:3b:02.0', '/sys/bus/pci/devices/0000:3b:02.0/driver/unbind'],
    ['0000:3b:02.0', '/sys/bus/pci/drivers_probe'],
  ]);
  assert.equal(plan.title, 'Bind 0000:3b:02.0 to vfio-pci (now iavf)');
  const restore = planRestoreDriver(demo, '0000:3b:02.2');
  assert.deepEqual(restore.steps.map((s) => s.argv.slice(-2)), [
    ['', '/sys/bus/pci/devices/0000:3b:02.2/driver_override'],
    ['0000:3b:02.2', '/sys/bus/pci/devices/0000:3b:02.2/driver/unbind'],
    ['0000:3b:02.2', '/sys/bus/pci/drivers_probe'],
  ]);
  assert.throws(() => planBindVfio(demo, '0000:3b:02.2'), /already bound/);
});

test('refuses devices carrying the default route or the ssh session', () => {
  assert.throws(() => planBindVfio(demo, '0000:3b:00.0'), /default route/);
  assert.throws(() => planBindVfio(demo, '0000:18:00.0'), /ssh session/);
  assert.throws(() => planNodedev(demo, '0000:18:00.0', 'detach'), /ssh session/);
});

test('warns when other IOMMU group members are not on vfio-pci (group not viable)', () => {
  const plan = planNodedev(demo, '0000:65:00.0', 'detach');
  assert.match(plan.warnings.join(), /IOMMU group 12 also holds 0000:65:00\.1 \(snd_hda_intel\).*not viable/);
  assert.deepEqual(planBindVfio(demo, '0000:3b:02.0').warnings, []);
});

test('BDFs are checked by parseBdf before any use in a path or command', () => {
  for (const bad of ['../../etc/passwd', '0000:3b:00.0/../x', '0000:3b:00.0; reboot', '-rf', '0000:3b:20.0', '3b:00.8', '']) {
    assert.throws(() => planBindVfio(demo, bad), ActionRefused, bad);
    assert.throws(() => planSetNumVfs(demo, bad, 1), ActionRefused, bad);
  }
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        for (const step of planRestoreDriver(demo, s).steps) for (const a of step.argv) assert.doesNotMatch(a, /\.\.|;|\$\(/);
      } catch (e) {
        assert.ok(e instanceof ActionRefused);
      }
    }),
  );
});

test('the constant sysfs writer takes data only as positional parameters (real sh)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-write-'));
  try {
    const target = path.join(dir, 'sriov_numvfs');
    const hostile = '$(touch pwned); `touch pwned2` "x\' \\';
    const r = spawnSync('sh', ['-c', WRITE_PROGRAM, 'kvmnet-write', hostile, target], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(target, 'utf8'), `${hostile}\n`);
    assert.equal(existsSync(path.join(dir, 'pwned')) || existsSync(path.join(dir, 'pwned2')), false);
    writeFileSync(target, 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fail closed: every plan refuses on a partial snapshot, naming why', () => {
  const partial: HostSnapshot = { ...demo, partial: 'ssh exited with status 255' };
  for (const build of [
    () => planSetNumVfs(partial, '0000:3b:00.1', 2),
    () => planBindVfio(partial, '0000:3b:02.0'),
    () => planRestoreDriver(partial, '0000:3b:02.2'),
    () => planNodedev(partial, '0000:3b:02.0', 'detach'),
    () => planNodedev(partial, '0000:3b:02.2', 'reattach'),
  ]) {
    assert.throws(build, (e) => e instanceof ActionRefused && /did not finish \(ssh exited with status 255\)/.test(e.message));
  }
});

test('a plan needing a fact refuses when discovery did not report it', () => {
  const without = (system: Partial<HostSnapshot['system']>): HostSnapshot => ({ ...demo, system: { ...demo.system, ...system } });
  // Default-route device: unknown routes refuse taking any device away (bind, detach, removing VFs).
  const noRoutes = without({ defaultRouteInterfaces: undefined });
  assert.throws(() => planBindVfio(noRoutes, '0000:3b:02.0'), /did not report the host's default route/);
  assert.throws(() => planNodedev(noRoutes, '0000:3b:02.0', 'detach'), /did not report the host's default route/);
  assert.throws(() => planSetNumVfs(noRoutes, '0000:3b:00.0', 0), /did not report the host's default route/);
  // ssh-session interface: discovery came over ssh but could not tell the interface: no network device is unbound.
  const noSshIf = without({ sshConnection: '10.0.0.1 5000 10.0.0.2 22', sshInterface: undefined });
  assert.throws(() => planBindVfio(noSshIf, '0000:3b:02.0'), /could not tell which interface carries the session.*0000:3b:02\.0 is a network device/);
  assert.throws(() => planNodedev(noSshIf, '0000:3b:02.0', 'detach'), /could not tell which interface/);
  assert.throws(() => planSetNumVfs(noSshIf, '0000:3b:00.0', 0), /could not tell which interface/);
  // …while a non-network function (the NVMe drive) may still go to vfio-pci, and locally (no ssh) nothing is needed.
  assert.ok(planBindVfio(noSshIf, '0000:5e:00.0').steps.length > 0);
  assert.ok(planBindVfio(without({ sshConnection: undefined, sshInterface: undefined }), '0000:3b:02.0').steps.length > 0);
  // VF count: a PF whose sriov_numvfs was not read is never changed (a change from an unknown count goes wrong either way).
  const noCount: HostSnapshot = { ...demo, devices: demo.devices.map((d) => (d.bdf === '0000:3b:00.1' ? { ...d, sriovNumVfs: undefined } : d)) };
  assert.throws(() => planSetNumVfs(noCount, '0000:3b:00.1', 2), /did not report the current VF count of 0000:3b:00\.1/);
  // Current driver: the device itself missing from the answer (record cut or dropped) refuses.
  const noDevice: HostSnapshot = { ...demo, devices: demo.devices.filter((d) => d.bdf !== '0000:3b:02.0') };
  assert.throws(() => planBindVfio(noDevice, '0000:3b:02.0'), /not a PCI function of this host/);
  assert.throws(() => planRestoreDriver(noDevice, '0000:3b:02.0'), /not a PCI function of this host/);
});

test('removing VFs never removes one carrying the ssh session or the default route', () => {
  const vfUplink: HostSnapshot = {
    ...demo,
    devices: demo.devices.map((d) => (d.bdf === '0000:3b:02.1' ? { ...d, netdevs: ['uplinkvf'] } : d)),
    interfaces: [...demo.interfaces, { name: 'uplinkvf', carriesSshSession: true }],
  };
  assert.throws(() => planSetNumVfs(vfUplink, '0000:3b:00.0', 0), /0000:3b:02\.1 carries the ssh session.*remove the VFs of 0000:3b:00\.0/);
  assert.deepEqual(planSetNumVfs(vfUplink, '0000:3b:00.0', 4).steps, [], 'no change, nothing removed');
});

test('a plan is built again from a rediscovery and compared: same facts, no drift; a changed driver or count is named', () => {
  const bind = planBindVfio(demo, '0000:3b:02.0');
  assert.deepEqual(bind.request, { op: 'bindVfio', bdf: '0000:3b:02.0' });
  assert.deepEqual(planDrift(bind, buildPlan(demoSnapshot(), bind.request)), []);
  const rebound: HostSnapshot = { ...demo, devices: demo.devices.map((d) => (d.bdf === '0000:3b:02.0' ? { ...d, driver: 'ixgbevf' } : d)) };
  assert.match(planDrift(bind, buildPlan(rebound, bind.request)).join('\n'), /^0000:3b:02\.0 driver: iavf when confirmed, ixgbevf now$/m);
  const vfs = planSetNumVfs(demo, '0000:3b:00.0', 8);
  const moreVfs: HostSnapshot = { ...demo, devices: demo.devices.map((d) => (d.bdf === '0000:3b:00.0' ? { ...d, sriovNumVfs: 6 } : d)) };
  const drift = planDrift(vfs, buildPlan(moreVfs, vfs.request));
  assert.match(drift.join('\n'), /0000:3b:00\.0 sriov_numvfs: 4 when confirmed, 6 now/);
  const otherRoutes: HostSnapshot = { ...demo, system: { ...demo.system, isRoot: false } };
  assert.match(planDrift(bind, buildPlan(otherRoutes, bind.request)).join('\n'), /commands to run are no longer the ones confirmed/, 'sudo -n appeared');
});

test('each plan names its undo; restore only unbinds vfio-pci (a host driver left by a failed bind stays)', () => {
  assert.deepEqual(planBindVfio(demo, '0000:3b:02.0').undo, { op: 'restoreDriver', bdf: '0000:3b:02.0' });
  assert.deepEqual(planSetNumVfs(demo, '0000:3b:00.0', 8).undo, { op: 'setNumVfs', bdf: '0000:3b:00.0', count: 4 });
  assert.deepEqual(planNodedev(demo, '0000:3b:02.0', 'detach').undo, { op: 'nodedev', bdf: '0000:3b:02.0', action: 'reattach' });
  assert.deepEqual(planRestoreDriver(demo, '0000:3b:02.2').undo, { op: 'bindVfio', bdf: '0000:3b:02.2' });
  // After a bind that wrote the override but failed to unbind iavf: restore clears the override and reprobes, iavf stays.
  const halfBound: HostSnapshot = { ...demo, devices: demo.devices.map((d) => (d.bdf === '0000:3b:02.0' ? { ...d, driverOverride: 'vfio-pci' } : d)) };
  assert.deepEqual(planRestoreDriver(halfBound, '0000:3b:02.0').steps.map((s) => s.argv.slice(-2)), [
    ['', '/sys/bus/pci/devices/0000:3b:02.0/driver_override'],
    ['0000:3b:02.0', '/sys/bus/pci/drivers_probe'],
  ]);
});
