/**
 * The SR-IOV lab VM (test/support/labGuest.ts), reduced to what readiness needs: Debian's generic kernel
 * (IOMMU drivers) under QEMU's emulated Intel IOMMU with interrupt remapping and an
 * SR-IOV-capable NVMe controller; a busybox initramfs loads nvme and vfio, creates two VFs,
 * runs the project's own discovery script and writes its output to a second serial port.
 * No ssh and no network: the guest talks to nothing. Kernel, module order, initramfs packing and the QEMU
 * machine are test/support/labGuest.ts's (shared with the ssh lab VM, one unpacked kernel in .cache/labvm).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DISCOVERY_SCRIPT } from '../../../src/core/host/discoveryScript';
import { busyboxTree, guestKernel, installModules, LAB_CACHE, moduleFiles, packInitramfs, requireCommand, SRIOV_LAB_KERNEL_ARGS, SRIOV_LAB_QEMU_ARGS, writeInit, type GuestKernel } from '../../support/labGuest';

const MODULES = ['nvme', 'vfio', 'vfio_iommu_type1', 'vfio_pci', 'tun', 'vhost_net', 'macvtap', 'bridge'];

function initramfs(work: string, k: GuestKernel): string {
  const tree = path.join(work, 'tree');
  for (const d of ['proc', 'sys', 'dev', 'tmp']) mkdirSync(path.join(tree, d), { recursive: true });
  busyboxTree(tree);
  symlinkSync('busybox', path.join(tree, 'bin/sh'));
  const order = installModules(k, tree, moduleFiles(k, MODULES));
  writeFileSync(path.join(tree, 'discover.sh'), DISCOVERY_SCRIPT);
  writeInit(
    tree,
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
  return packInitramfs(tree, path.join(work, 'initrd.gz'));
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
  const qemu = requireCommand('qemu-system-x86_64', 'qemu-system-x86');
  const k = guestKernel('amd64');
  // Per process: two test runs at once must not share a half-written initramfs.
  const work = path.join(LAB_CACHE, `readiness-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const initrd = initramfs(work, k);
  const console = path.join(work, 'console.log');
  const facts = path.join(work, 'discovery.txt');
  const r = spawnSync(
    qemu,
    [
      ...SRIOV_LAB_QEMU_ARGS, '-m', '512',
      '-kernel', k.vmlinuz, '-initrd', initrd,
      '-append', `${SRIOV_LAB_KERNEL_ARGS} iommu=pt ${extraKernelArgs}`.trim(),
      '-serial', `file:${console}`, '-serial', `file:${facts}`,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  const log = existsSync(console) ? readFileSync(console, 'utf8') : '';
  assert.equal(r.status, 0, `lab VM failed (${r.signal ?? r.status}): ${r.stderr}\n${log.slice(-2000)}`);
  const text = readFileSync(facts, 'utf8').replace(/\r\n/g, '\n');
  rmSync(work, { recursive: true, force: true });
  assert.match(text, /KVMNET-LAB-DONE/, `the guest did not finish discovery:\n${log.slice(-2000)}`);
  return {
    preamble: text.slice(0, text.indexOf('KVMNET-LAB-PREAMBLE-END')),
    discovery: text.slice(text.indexOf('KVMNET-DISCOVERY'), text.indexOf('KVMNET-LAB-DONE')),
    bind: text.slice(text.indexOf('KVMNET-LAB-DONE'), text.indexOf('KVMNET-LAB-BIND-END')),
  };
}
