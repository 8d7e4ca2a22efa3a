import type { HostSnapshot, NetInterface, PciDevice, SystemFacts } from '../../../src/core/hostSnapshot';

/** A snapshot with only what a test states; every other fact is "could not be read". */
export function snap(system: SystemFacts, rest: Partial<Omit<HostSnapshot, 'system'>> = {}): HostSnapshot {
  return { formatVersion: 1, system, devices: [], interfaces: [], iommuGroups: [], warnings: [], ...rest };
}

/** A healthy Intel host with VT-d, interrupt remapping, vfio, vhost-net, a bridge and an SR-IOV NIC. */
export const READY_INTEL: HostSnapshot = snap(
  {
    hostname: 'lab',
    kernelCmdline: 'BOOT_IMAGE=/vmlinuz-6.1.0 root=/dev/sda1 ro quiet intel_iommu=on iommu=pt',
    cpuFlags: ['fpu', 'vmx', 'sse2'],
    modules: ['kvm_intel', 'kvm', 'vfio_pci', 'vfio_iommu_type1', 'vfio', 'vhost_net', 'tun', 'macvtap', 'bridge'],
    builtinModules: ['kernel/drivers/pci/pci-stub.ko'],
    devNodes: { '/dev/kvm': true, '/dev/vhost-net': true, '/dev/net/tun': true, '/dev/vfio/vfio': true },
    iommuClasses: ['dmar0', 'dmar1'],
    iommuGroupCount: 42,
    allowUnsafeInterrupts: false,
    kernelLog: ['[    0.123] DMAR: IOMMU enabled', '[    0.456] DMAR-IR: Enabled IRQ remapping in x2apic mode'],
    qemuVersion: 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)',
    libvirtVersion: '9.0.0',
    isRoot: true,
  },
  {
    interfaces: [
      { name: 'br0', isBridge: true, kind: 'bridge', bridgePorts: ['eno1'] },
      { name: 'eno1', master: 'br0' },
    ] satisfies NetInterface[],
    devices: [
      { bdf: '0000:09:00.0', classCode: '020000', vendorId: '8086', deviceId: '1521', sriovTotalVfs: 7, sriovNumVfs: 2 },
    ] as unknown as PciDevice[],
  },
);

/** Nothing readable at all. */
export const BLIND: HostSnapshot = snap({});
