import type { CpuVendor } from './facts';
import type { FixStep } from './model';

/**
 * Copyable remedies. They never embed host-supplied text (interface or module
 * names read from a host), so a hostile host cannot smuggle shell syntax into
 * a command the user pastes.
 */

export function iommuCmdlineArgs(vendor: CpuVendor): string {
  return vendor === 'amd' ? 'amd_iommu=on iommu=pt' : 'intel_iommu=on iommu=pt';
}

/** The boot-loader line plus the command that appends the arguments to it. */
export function kernelCmdlineFixes(args: string): FixStep[] {
  return [
    {
      title: `Add "${args}" to the kernel command line (Debian/Ubuntu GRUB), then reboot`,
      command: `sudo sed -i -E 's/^(GRUB_CMDLINE_LINUX="[^"]*)"/\\1 ${args}"/' /etc/default/grub && sudo update-grub`,
      file: '/etc/default/grub',
      line: `GRUB_CMDLINE_LINUX="… ${args}"`,
      needsReboot: true,
    },
    {
      title: `Add "${args}" to every kernel (Fedora/RHEL grubby), then reboot`,
      command: `sudo grubby --update-kernel=ALL --args="${args}"`,
      needsReboot: true,
    },
  ];
}

/** Firmware settings cannot be changed from a shell: the command confirms the change after the reboot. */
export function firmwareFix(what: 'virtualization' | 'iommu', vendor: CpuVendor): FixStep {
  const name =
    what === 'virtualization'
      ? { intel: 'Intel VT-x', amd: 'AMD-V (SVM)', none: 'Intel VT-x / AMD-V (SVM)' }
      : { intel: 'Intel VT-d', amd: 'AMD-Vi (IOMMU)', none: 'Intel VT-d / AMD-Vi (IOMMU)' };
  return {
    title: `Enable ${name[vendor ?? 'none']} in the firmware (BIOS/UEFI) setup, then cold-boot; this command confirms it afterwards`,
    command: what === 'virtualization' ? `grep -c -E -w 'vmx|svm' /proc/cpuinfo` : 'ls /sys/class/iommu /sys/kernel/iommu_groups',
    needsReboot: true,
  };
}

export function kvmModuleFix(vendor: CpuVendor): FixStep {
  const mod = vendor === 'amd' ? 'kvm_amd' : vendor === 'intel' ? 'kvm_intel' : undefined;
  return {
    title: 'Load the KVM modules',
    command: mod ? `sudo modprobe ${mod}` : 'sudo modprobe kvm_intel || sudo modprobe kvm_amd',
  };
}

export const VFIO_MODULES_FIX: FixStep = {
  title: 'Load vfio, vfio_iommu_type1 and vfio-pci now and at every boot',
  command:
    "sudo modprobe -a vfio vfio_iommu_type1 vfio_pci && printf '%s\\n' vfio vfio_iommu_type1 vfio_pci | sudo tee /etc/modules-load.d/vfio.conf",
  file: '/etc/modules-load.d/vfio.conf',
  line: 'vfio_pci',
};

export const UNSAFE_INTERRUPTS_FIXES: readonly FixStep[] = [
  {
    title: 'Allow vfio without interrupt remapping (persistent; only on a host whose guests you trust)',
    command: "echo 'options vfio_iommu_type1 allow_unsafe_interrupts=1' | sudo tee /etc/modprobe.d/vfio.conf",
    file: '/etc/modprobe.d/vfio.conf',
    line: 'options vfio_iommu_type1 allow_unsafe_interrupts=1',
  },
  {
    title: 'Allow it now, without reloading the module',
    command: 'echo 1 | sudo tee /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts',
  },
];

export const VHOST_NET_FIX: FixStep = {
  title: 'Load vhost_net now and at every boot',
  command: 'sudo modprobe vhost_net && echo vhost_net | sudo tee /etc/modules-load.d/vhost-net.conf',
  file: '/etc/modules-load.d/vhost-net.conf',
  line: 'vhost_net',
};

export const TUN_FIXES: readonly FixStep[] = [
  { title: 'Load the tun driver', command: 'sudo modprobe tun' },
  {
    title: 'Create the device node if the driver is built in but /dev/net/tun is missing (containers)',
    command: 'sudo mkdir -p /dev/net && sudo mknod -m 0666 /dev/net/tun c 10 200',
  },
];

export const BRIDGE_FIXES: readonly FixStep[] = [
  { title: 'Create a bridge br0 and bring it up', command: 'sudo ip link add name br0 type bridge && sudo ip link set dev br0 up' },
  {
    title:
      'Add an uplink port (replace eth1; moving the interface that carries the host address cuts the host off unless that address moves to br0)',
    command: 'sudo ip link set dev eth1 master br0',
  },
];

export const MACVTAP_FIX: FixStep = { title: 'Load the macvtap driver', command: 'sudo modprobe macvtap' };

export const QEMU_FIXES: readonly FixStep[] = [
  { title: 'Install QEMU (Debian/Ubuntu)', command: 'sudo apt-get install qemu-system-x86' },
  { title: 'Install QEMU (Fedora/RHEL)', command: 'sudo dnf install qemu-kvm' },
];

export const LIBVIRT_FIX: FixStep = {
  title: 'Install libvirt (Debian/Ubuntu)',
  command: 'sudo apt-get install libvirt-daemon-system libvirt-clients',
};
