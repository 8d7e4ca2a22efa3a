/**
 * "The tree resolves children lazily" (issue #6 §8): on a 4,096-function host, expanding the host
 * computes that one level; each PF's VF rows are computed when (and only when) that PF is expanded,
 * once; what a collapsed row shows (collapsible or not, flags, icon) needs no child computation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bdf } from '../../../src/core/pci/bdf';
import type { HostSnapshot, NetInterface, PciDevice } from '../../../src/core/hostSnapshot';
import { deviceFlags, deviceForest, DeviceTreeModel, iommuGroupView } from '../../../src/core/pci/tree';

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
const PFS = 64;
const VFS_PER_PF = 63;

/** 64 SR-IOV PFs with 63 VFs each: 4,096 functions, every one in its own IOMMU group, every PF with a netdev. */
function bigSnapshot(): HostSnapshot {
  const devices: PciDevice[] = [];
  const interfaces: NetInterface[] = [];
  for (let p = 0; p < PFS; p++) {
    const bus = hex(p + 1, 2);
    const pf = `0000:${bus}:00.0` as Bdf;
    const vfs = Array.from({ length: VFS_PER_PF }, (_, i) => `0000:${bus}:${hex(1 + (i >> 3), 2)}.${i & 7}` as Bdf);
    devices.push({ bdf: pf, classCode: '020000', vendorId: '8086', deviceId: '1572', driver: 'i40e', sriovTotalVfs: 64, sriovNumVfs: VFS_PER_PF, virtfns: vfs, netdevs: [`enp${p + 1}s0`] });
    interfaces.push({ name: `enp${p + 1}s0`, mac: `3c:fd:fe:00:00:${hex(p, 2)}`, state: 'up' } as NetInterface);
    for (const vf of vfs) devices.push({ bdf: vf, classCode: '020000', vendorId: '8086', deviceId: '154c', driver: 'iavf', physfn: pf });
  }
  const withGroups = devices.map((d, i) => ({ ...d, iommuGroup: i }));
  return { formatVersion: 1, system: {}, devices: withGroups, interfaces, iommuGroups: withGroups.map((d, i) => ({ id: i, devices: [d.bdf] })), warnings: [] };
}

const big = bigSnapshot();

test('a 4,096-function snapshot', () => {
  assert.equal(big.devices.length, 4096);
});

test('expanding the host computes only the host level: 64 PF rows, none of their 4,032 VF rows', () => {
  const model = new DeviceTreeModel(big);
  assert.equal(model.resolvedLevels, 0, 'nothing before the host is expanded');
  const roots = model.children();
  assert.equal(roots.length, PFS);
  assert.equal(model.resolvedLevels, 1);
  // What a collapsed row needs (getTreeItem: collapsible state, flags for icon and context menu).
  for (const r of roots) {
    assert.equal(r.kind === 'device' && r.vfCount, VFS_PER_PF);
    if (r.kind === 'device') deviceFlags(big, r.device);
    assert.equal(model.isResolved(r), false);
  }
  assert.equal(model.resolvedLevels, 1, 'rendering the collapsed PF rows built no subtree');
});

test('expanding one PF computes its VF level once and no other', () => {
  const model = new DeviceTreeModel(big);
  const roots = model.children();
  const pf = roots[5]!;
  const vfs = model.children(pf);
  assert.equal(vfs.length, VFS_PER_PF);
  assert.deepEqual(vfs.slice(0, 2).map((v) => v.kind === 'device' && v.device.bdf), ['0000:06:01.0', '0000:06:01.1']);
  assert.ok(vfs.every((v) => v.kind === 'device' && v.vfCount === 0), 'VFs are leaves');
  assert.equal(model.resolvedLevels, 2);
  assert.equal(roots.filter((r) => model.isResolved(r)).length, 1, 'only the expanded PF');
  assert.equal(model.children(pf), vfs, 'asked again (a re-render): the same level, not recomputed');
  assert.equal(model.children(), roots);
  assert.equal(model.resolvedLevels, 2);
});

test('grouped by IOMMU group: the host level lists groups; members are computed per expanded group', () => {
  const model = new DeviceTreeModel(big, { groupByIommu: true });
  const groups = model.children();
  assert.equal(groups.length, 4096);
  assert.equal(model.resolvedLevels, 1);
  const members = model.children(groups[100]!);
  assert.deepEqual(members.map((m) => m.kind === 'device' && m.device.bdf), [big.devices[100]!.bdf]);
  assert.equal(model.resolvedLevels, 2);
});

test('fully expanded, the lazy model is the eager forest (the CLI view)', () => {
  const forest = deviceForest(big);
  assert.equal(forest.length, PFS);
  assert.equal(forest.reduce((n, f) => n + 1 + f.vfs.length, 0), 4096);
  assert.equal(iommuGroupView(big).length, 4096);
});
