import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/core/host/discover';
import { which } from '../core/host/sshd';
import { CORPUS, corpusMissing } from './pci-corpus';

/** modalias `pci:vVVVVVVVVdDDDDDDDDsvSSSSSSSSsdTTTTTTTTbcBBscSSiII`: the kernel's own second encoding of the ids. */
function modalias(text: string) {
  const m = /^pci:v0000([0-9A-F]{4})d0000([0-9A-F]{4})sv0000([0-9A-F]{4})sd0000([0-9A-F]{4})bc([0-9A-F]{2})sc([0-9A-F]{2})i([0-9A-F]{2})$/.exec(text.trim());
  assert.ok(m, `modalias ${text}`);
  const [, v, d, sv, sd, bc, sc, i] = m.map((x) => x.toLowerCase());
  return { vendorId: v, deviceId: d, subsystemVendorId: sv, subsystemDeviceId: sd, classCode: `${bc}${sc}${i}` };
}

const SNAPSHOTS = ['ghw__linux-amd64-61797caf7c0b6bca1725ad7975ed4773.tar.gz', 'ghw__linux-amd64-8581cf3a529e5d8b97ea876eade2f60d.tar.gz'];

for (const name of SNAPSHOTS) {
  test(`discovery script over the real sysfs snapshot ${name} agrees with modalias and the net class links`, async (t) => {
    const missing = corpusMissing('sysfs', name);
    if (missing) return t.skip(missing);
    const tar = which('tar', 'tar');
    const root = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-ghw-'));
    try {
      const r = spawnSync(tar, ['-xzf', path.join(CORPUS, 'sysfs', name), '-C', root], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const s = await discover({ kind: 'local' }, { rootPrefix: root });
      assert.deepEqual(s.warnings, []);
      const pci = path.join(root, 'sys/bus/pci/devices');
      const bdfs = readdirSync(pci).sort();
      assert.deepEqual(s.devices.map((d) => d.bdf), bdfs);
      let compared = 0;
      for (const d of s.devices) {
        const alias = path.join(pci, d.bdf, 'modalias');
        if (!existsSync(alias)) continue;
        const m = modalias(readFileSync(alias, 'utf8'));
        assert.equal(d.vendorId, m.vendorId, d.bdf);
        assert.equal(d.deviceId, m.deviceId, d.bdf);
        assert.equal(d.classCode, m.classCode, d.bdf);
        if (d.subsystemVendorId) assert.equal(d.subsystemVendorId, m.subsystemVendorId, d.bdf);
        compared++;
      }
      assert.ok(compared >= bdfs.length / 2, `${compared} of ${bdfs.length} compared`);
      // /sys/class/net/X links to …/BDF/net/X: that function must list X.
      const net = path.join(root, 'sys/class/net');
      for (const ifc of existsSync(net) ? readdirSync(net) : []) {
        const owner = /([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\/net\//.exec(readlinkSync(path.join(net, ifc)))?.[1];
        if (!owner) continue;
        assert.ok(s.devices.find((d) => d.bdf === owner)?.netdevs?.includes(ifc), `${ifc} on ${owner}`);
        assert.ok(s.interfaces.some((i) => i.name === ifc), ifc);
      }
      const numa = s.devices.filter((d) => d.numaNode !== undefined).length;
      assert.ok(numa > 0 || !bdfs.some((b) => readFileSync(path.join(pci, b, 'numa_node'), 'utf8').trim() !== '-1'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
