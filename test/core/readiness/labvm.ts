/**
 * The SR-IOV lab VM of recipe §5, reduced to what readiness needs: Debian's generic kernel
 * (IOMMU drivers) under QEMU's emulated Intel IOMMU with interrupt remapping and an
 * SR-IOV-capable NVMe controller; a busybox initramfs loads nvme and vfio, creates two VFs,
 * runs the project's own discovery script and writes its output to a second serial port.
 * No ssh and no network: the guest talks to nothing. Artifacts are cached in .cache/ (gitignored).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DISCOVERY_SCRIPT } from '../../../src/core/host/discoveryScript';
import { debianKernelDeb } from '../../support/debianKernel';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

function sh(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.error?.message ?? ''}${r.stderr}`);
  return r.stdout;
}

function requireTool(cmd: string, pkg: string): void {
  assert.equal(spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]).status, 0, `${cmd} is missing: install the Debian package ${pkg}`);
}

/** Modules to load, each after its dependencies (from depmod's modules.dep). */
function loadOrder(modulesDir: string, wanted: readonly string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of readFileSync(path.join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod && rest !== undefined) deps.set(mod, rest.trim() === '' ? [] : rest.trim().split(/\s+/));
  }
  const byName = new Map([...deps.keys()].map((k) => [path.basename(k).replace(/\.ko.*$/, '').replace(/-/g, '_'), k]));
  const order: string[] = [];
  const visit = (mod: string) => {
    if (order.includes(mod)) return;
    for (const d of deps.get(mod) ?? []) visit(d);
    order.push(mod);
  };
  for (const w of wanted) {
    const mod = byName.get(w.replace(/-/g, '_'));
    assert.ok(mod, `module ${w} not in the kernel package`);
    visit(mod);
  }
  return order;
}

/**
 * The kernel package the ssh lab VM (test/core/host/labVm.ts) pins: its .deb in .cache/labvm/debs is
 * shared, so both lab VMs cost one 70 MB download; this one unpacks its own copy.
 */

/** Downloads and unpacks Debian's generic kernel once; returns its directory and version. */
function kernel(cache: string): { root: string; version: string } {
  const root = path.join(cache, 'kernel');
  if (!existsSync(path.join(root, 'done'))) {
    requireTool('apt-get', 'apt');
    requireTool('dpkg', 'dpkg');
    requireTool('depmod', 'kmod');
    const deb = debianKernelDeb(path.join(repoRoot, '.cache', 'labvm', 'debs'), 'amd64');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    sh('dpkg', ['-x', deb, 'x'], root);
    const version = readdirSync(path.join(root, 'x/lib/modules'))[0]!;
    sh('depmod', ['-b', path.join(root, 'x'), version]);
    writeFileSync(path.join(root, 'done'), version);
  }
  return { root: path.join(root, 'x'), version: readFileSync(path.join(root, 'done'), 'utf8') };
}

const MODULES = ['nvme', 'vfio', 'vfio_iommu_type1', 'vfio_pci', 'tun', 'vhost_net', 'macvtap', 'bridge'];

function initramfs(cache: string, k: { root: string; version: string }): string {
  // Per process: two test runs at once must not share a half-written initramfs.
  const out = path.join(cache, `initrd-${process.pid}.cpio`);
  const tree = path.join(cache, `initramfs-${process.pid}`);
  rmSync(tree, { recursive: true, force: true });
  const modDir = path.join(k.root, 'lib/modules', k.version);
  const order = loadOrder(modDir, MODULES);
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', `lib/modules/${k.version}`]) mkdirSync(path.join(tree, d), { recursive: true });
  copyFileSync('/bin/busybox', path.join(tree, 'bin/busybox'));
  symlinkSync('busybox', path.join(tree, 'bin/sh'));
  for (const m of order) {
    mkdirSync(path.dirname(path.join(tree, 'lib/modules', k.version, m)), { recursive: true });
    copyFileSync(path.join(modDir, m), path.join(tree, 'lib/modules', k.version, m));
  }
  copyFileSync(path.join(modDir, 'modules.builtin'), path.join(tree, 'lib/modules', k.version, 'modules.builtin'));
  writeFileSync(path.join(tree, 'discover.sh'), DISCOVERY_SCRIPT);
  writeFileSync(
    path.join(tree, 'init'),
    `#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
# Before any module is loaded (and with no modprobe to autoload one): the seed guide's 7.3 message.
ip link add link lo name mvt0 type macvtap mode bridge > /dev/ttyS1 2>&1
echo KVMNET-LAB-PREAMBLE-END > /dev/ttyS1
for m in ${order.join(' ')}; do insmod /lib/modules/${k.version}/$m; done
for d in /sys/bus/pci/devices/*; do [ -e "$d/sriov_totalvfs" ] && echo 2 > "$d/sriov_numvfs"; done
ip link add name br0 type bridge
sh /discover.sh > /dev/ttyS1 2>&1
echo KVMNET-LAB-DONE > /dev/ttyS1
# Hand each VF to vfio-pci (works with an IOMMU; "probe … failed with error -22" without one).
for d in /sys/bus/pci/devices/*; do
  [ -e "$d/physfn" ] || continue
  echo vfio-pci > "$d/driver_override"; [ -e "$d/driver" ] && echo "\${d##*/}" > "$d/driver/unbind"; echo "\${d##*/}" > /sys/bus/pci/drivers_probe
done
dmesg | grep -i vfio > /dev/ttyS1
echo KVMNET-LAB-BIND-END > /dev/ttyS1
poweroff -f
`,
  );
  chmodSync(path.join(tree, 'init'), 0o755);
  const list = sh('sh', ['-c', 'find . | sort'], tree);
  const r = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: tree, input: list, maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, `cpio: ${r.stderr}`);
  writeFileSync(out, r.stdout);
  rmSync(tree, { recursive: true, force: true });
  return out;
}

export interface LabOutput {
  /** What the guest printed before loading modules (`ip link add … type macvtap` without the driver). */
  readonly preamble: string;
  /** The discovery script's output from the guest's own kernel. */
  readonly discovery: string;
  /** Kernel log lines about vfio after the VFs were handed to vfio-pci. */
  readonly bind: string;
}

/** Boots the lab VM (extra kernel arguments appended) and returns what its own kernel produced. */
export function bootLab(extraKernelArgs = ''): LabOutput {
  requireTool('qemu-system-x86_64', 'qemu-system-x86');
  requireTool('cpio', 'cpio');
  assert.ok(existsSync('/bin/busybox'), '/bin/busybox is missing: install the Debian package busybox-static');
  const cache = path.join(repoRoot, '.cache', 'labvm-readiness');
  mkdirSync(cache, { recursive: true });
  const k = kernel(cache);
  const initrd = initramfs(cache, k);
  const console = path.join(cache, `console-${process.pid}.log`);
  const facts = path.join(cache, `discovery-${process.pid}.txt`);
  rmSync(facts, { force: true });
  const r = spawnSync(
    'qemu-system-x86_64',
    [
      '-M', 'q35,kernel-irqchip=split', '-accel', 'tcg', '-m', '512', '-nodefaults', '-display', 'none', '-no-reboot',
      '-kernel', path.join(k.root, 'boot', `vmlinuz-${k.version}`), '-initrd', initrd,
      // no_timer_check: under TCG the IO-APIC timer check through remapped interrupts can panic at random.
      '-append', `console=ttyS0 quiet no_timer_check intel_iommu=on iommu=pt ${extraKernelArgs}`.trim(),
      '-device', 'intel-iommu,intremap=on',
      '-device', 'nvme-subsys,id=subsys0',
      '-device', 'nvme,serial=deadbeef,subsys=subsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=10,msix_qsize=8',
      '-serial', `file:${console}`, '-serial', `file:${facts}`,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  assert.equal(r.status, 0, `lab VM failed (${r.signal ?? r.status}): ${r.stderr}\n${existsSync(console) ? readFileSync(console, 'utf8').slice(-2000) : ''}`);
  const text = readFileSync(facts, 'utf8').replace(/\r\n/g, '\n');
  const log = readFileSync(console, 'utf8');
  for (const f of [initrd, console, facts]) rmSync(f, { force: true });
  assert.match(text, /KVMNET-LAB-DONE/, `the guest did not finish discovery:\n${log.slice(-2000)}`);
  return {
    preamble: text.slice(0, text.indexOf('KVMNET-LAB-PREAMBLE-END')),
    discovery: text.slice(text.indexOf('KVMNET-DISCOVERY'), text.indexOf('KVMNET-LAB-DONE')),
    bind: text.slice(text.indexOf('KVMNET-LAB-DONE'), text.indexOf('KVMNET-LAB-BIND-END')),
  };
}
