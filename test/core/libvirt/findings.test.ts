import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiscovery } from '../../../src/core/host/parse';
import { deviceHolders, holderText } from '../../../src/core/libvirt/holders';
import { libvirtFindings } from '../../../src/core/libvirt/findings';
import { PF, snapshot, VF1, VF2 } from './fixture';

test('holders: hostdev, interface type=hostdev and a network VF pool, with running state', () => {
  const s = snapshot();
  assert.deepEqual(s.warnings, []);
  const h = deviceHolders(s);
  assert.deepEqual(h.get(VF1 as never)?.map(holderText), [
    "db (not running, interface type='hostdev')",
    'web (running, hostdev)',
    'VF pool of network pool (inactive)',
  ]);
  assert.deepEqual(h.get(VF2 as never)?.map(holderText), ['VF pool of network pool (inactive)'], 'pool from the PF netdev');
  assert.equal(h.get(PF as never), undefined);
});

test('findings: shared MAC, shared VF, IOMMU group with a host-driver member, missing bridge, pool on a missing device', () => {
  const f = libvirtFindings(snapshot());
  const by = (code: string) => f.filter((x) => x.code === code).map((x) => x.message);
  assert.deepEqual(by('mac-shared'), ['MAC 52:54:00:00:00:01 is used by db, web']);
  assert.equal(by('device-shared').length, 1);
  assert.match(by('device-shared')[0]!, /^0000:3b:10\.0 is assigned more than once: db/);
  assert.deepEqual(by('iommu-group-split'), ['0000:00:1f.6 (nas) shares IOMMU group 4 with 0000:00:1f.0, still on the host driver lpc_ich']);
  assert.deepEqual(by('missing-link'), ['db: interface uses bridge br9, which this host does not have']);
  assert.deepEqual(by('pool-missing-pf'), ['network mv: macvtap pool on eth7, missing on this host']);
});

test('no libvirt: no holders, no findings', () => {
  const s = parseDiscovery('KVMNET-DISCOVERY 1\nEND\n');
  assert.equal(deviceHolders(s).size, 0);
  assert.deepEqual(libvirtFindings(s), []);
});
