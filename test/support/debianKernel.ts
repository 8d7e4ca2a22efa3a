import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A Debian kernel .deb for the test VMs, downloaded once into `dir`. The package is resolved through the
 * meta package (linux-image-amd64 / linux-image-cloud-amd64) rather than pinned: Debian drops an old ABI's
 * linux-image-6.1.0-N-* from the archive when the next one lands, and a pin would then fail to download.
 */
export function debianKernelDeb(dir: string, flavour: 'amd64' | 'cloud-amd64'): string {
  mkdirSync(dir, { recursive: true });
  const pattern = new RegExp(`^linux-image-\\d+\\.\\d+\\.\\d+-\\d+-${flavour}_.*\\.deb$`);
  const cached = () => readdirSync(dir).find((f) => pattern.test(f));
  if (!cached()) {
    const depends = spawnSync('apt-cache', ['depends', `linux-image-${flavour}`], { encoding: 'utf8' });
    assert.equal(depends.error, undefined, `apt-cache is missing (Debian apt): ${depends.error?.message}`);
    const pkg = new RegExp(`Depends: (linux-image-\\S+-${flavour})\\b`).exec(depends.stdout)?.[1];
    assert.ok(pkg, `apt-cache cannot resolve linux-image-${flavour}: run apt-get update (Debian package lists needed)`);
    const download = spawnSync('apt-get', ['download', pkg], { cwd: dir, encoding: 'utf8' });
    assert.equal(download.status, 0, `apt-get download ${pkg} failed: ${download.error?.message ?? ''}${download.stderr}`);
  }
  const deb = cached();
  assert.ok(deb, `no ${flavour} kernel .deb in ${dir} after download`);
  return path.join(dir, deb);
}
