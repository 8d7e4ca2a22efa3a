/** Readiness over real discovery: this machine (read live) and the embedded demo host. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { demoSnapshot } from '../../../src/core/host/demo';
import { discover } from '../../../src/core/host/discover';
import { runReadinessChecks } from '../../../src/core/readiness/checks';
import { CheckId, summarizeByMode } from '../../../src/core/readiness/model';

test('this machine: /dev/vhost-net, /dev/kvm and /dev/net/tun are reported as they really are', async () => {
  const checks = runReadinessChecks(await discover({ kind: 'local' }));
  const status = (id: CheckId) => checks.find((c) => c.id === id)?.status;
  // CI machines here have no /dev/vhost-net (and may lack /dev/kvm): the checks must agree with the file system.
  assert.equal(status(CheckId.VhostNet), existsSync('/dev/vhost-net') ? 'pass' : 'fail');
  assert.equal(status(CheckId.Tun), existsSync('/dev/net/tun') ? 'pass' : 'fail');
  assert.notEqual(status(CheckId.KvmDevice), existsSync('/dev/kvm') ? 'fail' : 'pass');
  if (!existsSync('/dev/kvm')) assert.equal(status(CheckId.KvmDevice), 'fail');
  const iommu = existsSync('/sys/kernel/iommu_groups/0');
  assert.equal(status(CheckId.IommuActive), iommu ? 'pass' : 'fail');
});

test('demo host: an SR-IOV host with VT-d and vhost-net passes every networking mode', () => {
  const checks = runReadinessChecks(demoSnapshot());
  for (const c of checks.filter((x) => x.modes.length > 0)) assert.equal(c.status, 'pass', `${c.id}: ${c.detail}`);
  assert.ok(Object.values(summarizeByMode(checks)).every((s) => s === 'pass'));
});
