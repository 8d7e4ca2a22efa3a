/**
 * Readiness over real machines' /proc and /sys (jaypipes/ghw snapshots in ../shared/corpus/sysfs,
 * read in place and unpacked to a temp dir), through the real discovery script with a root prefix.
 * They carry real /proc/cpuinfo but no cmdline, kernel log or IOMMU directories: those checks must
 * come out unknown, never pass or fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { discover } from '../../../src/core/host/discover';
import { runReadinessChecks } from '../../../src/core/readiness/checks';
import { CheckId } from '../../../src/core/readiness/model';

const corpus = path.resolve(import.meta.dirname, '../../../../shared/corpus/sysfs');
const snapshots: ReadonlyArray<[string, RegExp]> = [
  ['ghw__linux-amd64-61797caf7c0b6bca1725ad7975ed4773.tar.gz', /AMD-V \(svm\)/], // AMD Ryzen 5 1600
  ['ghw__linux-amd64-8581cf3a529e5d8b97ea876eade2f60d.tar.gz', /Intel VT-x \(vmx\)/], // Xeon L5640
];

describe('readiness over real sysfs/proc snapshots (../shared/corpus/sysfs)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  for (const [file, cpu] of snapshots) {
    test(file, async (t) => {
      const tarball = path.join(corpus, file);
      if (!existsSync(tarball)) {
        t.skip(`corpus absent: ${tarball}`);
        return;
      }
      const root = mkdtempSync(path.join(tmpdir(), 'kvmnet-ghw-'));
      dirs.push(root);
      const r = spawnSync('tar', ['xzf', tarball, '-C', root], { encoding: 'utf8' });
      assert.equal(r.status, 0, `tar: ${r.stderr}`);
      const checks = runReadinessChecks(await discover({ kind: 'local' }, { rootPrefix: root }));
      const get = (id: CheckId) => checks.find((c) => c.id === id)!;
      assert.equal(get(CheckId.CpuVirt).status, 'pass');
      assert.match(get(CheckId.CpuVirt).detail, cpu);
      // Not in the snapshot: honest unknowns.
      for (const id of [CheckId.KvmBios, CheckId.IommuCmdline, CheckId.VfioModules, CheckId.Macvtap, CheckId.VfioUnsafeInterrupts]) {
        assert.equal(get(id).status, 'unknown', `${id}: ${get(id).detail}`);
      }
    });
  }
});
