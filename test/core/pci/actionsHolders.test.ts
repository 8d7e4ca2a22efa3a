/** Host actions and libvirt's holders: a running guest's device is refused, a defined guest's or a VF pool's warned about. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionRefused, planBindVfio, planDrift, planNodedev, planRestoreDriver, planSetNumVfs } from '../../../src/core/pci/actions';
import { addr, guest, PF, snapshot, VF1, VF2 } from '../libvirt/fixture';

/** The fixture host with the system facts host actions need (root, a default route elsewhere, a libvirt daemon). */
const host = (...extra: string[]) =>
  snapshot(['S\troot\t1', 'S\tdefault-route\teth0', 'S\tlibvirt\t9.0.0', 'S\tlibvirt-socket\t1', `D\t${PF}\tsriov_totalvfs\t8`, `D\t${PF}\tsriov_numvfs\t2`, ...extra]);
const hostdev = (bdf: string) => `<hostdev mode='subsystem' type='pci'><source>${addr(bdf)}</source></hostdev>`;
const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ActionRefused && re.test(e.message));

test('a device a running guest holds: bind, detach, restore and reattach are refused, naming the guest', () => {
  const s = host(...guest(6, 'hot', 'running', hostdev(VF2)));
  assert.deepEqual(s.warnings, []);
  refused(() => planBindVfio(s, VF2), /^0000:3b:10\.2 is held by the running guest hot \(running, hostdev\); refusing to bind it to vfio-pci$/);
  refused(() => planNodedev(s, VF2, 'detach'), /running guest hot .*refusing to detach it from the host/);
  // VF1 is on vfio-pci in the running guest web: giving it back to the host pulls it from under QEMU.
  refused(() => planRestoreDriver(s, VF1), /running guest web .*refusing to give it back to the host/);
  refused(() => planNodedev(s, VF1, 'reattach'), /running guest web .*refusing to reattach it to the host/);
  // A paused guest still has the device open.
  refused(() => planBindVfio(host(...guest(6, 'hot', 'paused', hostdev(VF2))), VF2), /running guest hot/);
});

test('removing VFs a running guest holds is refused', () => {
  refused(() => planSetNumVfs(host(), PF, 0), /0000:3b:10\.0 is held by the running guest web .*refusing to remove the VFs of 0000:3b:00\.0/);
});

test('a device a defined guest or a VF pool holds: the plan runs but warns, and names the holders as a basis fact', () => {
  const s = host(...guest(7, 'cold', 'shut off', hostdev(PF)));
  for (const plan of [planBindVfio(s, PF), planNodedev(s, PF, 'detach')]) {
    assert.ok(plan.warnings.includes('0000:3b:00.0 is assigned to the guest cold (not running, hostdev): it takes the device when it starts.'), plan.warnings.join('\n'));
    assert.deepEqual(plan.basis.find((f) => f.name === `${PF} libvirt holders`)?.value, 'cold (not running, hostdev)');
  }
  const pool = planBindVfio(s, VF2);
  assert.ok(pool.warnings.some((w) => /^0000:3b:10\.2 is in the VF pool of network pool \(inactive\): libvirt hands it to guests/.test(w)), pool.warnings.join('\n'));
  const free = planBindVfio(host(), PF);
  assert.equal(free.basis.find((f) => f.name === `${PF} libvirt holders`)?.value, '(none)');
  assert.ok(!free.warnings.some((w) => /guest|pool/.test(w)));
});

test('a guest defined with the device between confirmation and the run makes the plan drift; started, it refuses', () => {
  const confirmed = planBindVfio(host(), PF);
  assert.deepEqual(planDrift(confirmed, planBindVfio(host(...guest(7, 'cold', 'shut off', hostdev(PF))), PF)).filter((d) => /libvirt holders/.test(d)), [
    `${PF} libvirt holders: (none) when confirmed, cold (not running, hostdev) now`,
  ]);
  refused(() => planBindVfio(host(...guest(7, 'cold', 'running', hostdev(PF))), PF), /running guest cold/);
});

test('without a libvirt inventory the holders fact says so and nothing is refused', () => {
  const bare = host();
  const noLibvirt = { ...bare, libvirt: undefined };
  assert.equal(planBindVfio(noLibvirt, VF2).basis.find((f) => f.name === `${VF2} libvirt holders`)?.value, '(libvirt not read)');
});
