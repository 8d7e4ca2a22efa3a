/**
 * Real message texts for the messages this machine cannot provoke (no VT-d, no
 * vfio devices, no macvtap driver, no libvirt daemon state). Each is verbatim
 * output as printed by the tool named, format strings filled in with example values.
 */
export const REAL_MESSAGES: ReadonlyArray<{ readonly entry: string; readonly origin: string; readonly text: string }> = [
  // The seed guide's troubleshooting section (7.1–7.4), verbatim.
  { entry: 'kvm-disabled-by-bios', origin: 'seed guide 7.1 (kernel)', text: 'kvm: disabled by bios' },
  { entry: 'no-iommu-found', origin: 'seed guide 7.2 (kernel)', text: 'No IOMMU found.  Unable to assign device "(null)"' },
  {
    entry: 'no-interrupt-remapping',
    origin: 'seed guide 7.2 (kernel)',
    text: 'kvm_iommu_map_guest: No interrupt remapping support, disallowing device assignment. \\\nRe-enble with "allow_unsafe_assigned_interrupts=1" module option.',
  },
  { entry: 'rtnetlink-not-supported', origin: 'seed guide 7.3 (iproute2)', text: 'RTNETLINK answers: Operation not supported' },
  { entry: 'tap-could-not-be-initialized', origin: 'seed guide 7.4 (qemu 1.x)', text: "Device 'tap' could not be initialized" },
  // Kernel.
  { entry: 'kvm-disabled-by-bios', origin: 'kernel 6.x kvm_intel', text: 'kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 0' },
  {
    entry: 'no-interrupt-remapping',
    origin: 'kernel vfio_iommu_type1',
    text: 'vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param "allow_unsafe_interrupts" to enable VFIO IOMMU support on this platform',
  },
  // QEMU messages that need hardware this machine lacks.
  { entry: 'kvm-unavailable', origin: 'qemu 7.2 accel/kvm', text: 'Could not access KVM kernel module: No such file or directory\nqemu-system-x86_64: failed to initialize kvm: No such file or directory' },
  { entry: 'kvm-permission', origin: 'qemu 7.2 accel/kvm', text: 'Could not access KVM kernel module: Permission denied\nqemu-system-x86_64: failed to initialize kvm: Permission denied' },
  { entry: 'no-iommu-found', origin: 'qemu vfio', text: 'qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: no iommu_group found: Invalid argument' },
  {
    entry: 'no-interrupt-remapping',
    origin: 'qemu vfio',
    text: 'qemu-system-x86_64: -device vfio-pci,host=0000:03:00.0: vfio 0000:03:00.0: failed to setup container for group 15: Failed to set iommu for container: Operation not permitted',
  },
  {
    entry: 'failed-to-assign-device',
    origin: 'qemu-kvm 1.x pci-assign',
    text: 'Failed to assign device "hostdev0" : Operation not permitted\nqemu-kvm: -device pci-assign,host=01:00.0,id=hostdev0: Device \'pci-assign\' could not be initialized',
  },
  {
    entry: 'vfio-group-not-viable',
    origin: 'qemu 7.2 vfio',
    text: 'qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: group 1 is not viable\nPlease ensure all devices within the iommu_group are bound to their vfio bus driver.',
  },
  { entry: 'vfio-group-not-viable', origin: 'qemu 2.x vfio', text: 'vfio: error, group 12 is not viable, please ensure all devices within the iommu_group are bound to their vfio bus driver.' },
  {
    entry: 'vfio-group-open',
    origin: 'qemu-kvm under libvirt (public bug report, cgroup_device_acl)',
    text: 'qemu-kvm: -device vfio-pci,host=0e:00.0,id=hostdev0,bus=pci.2,addr=0x6: vfio: failed to open /dev/vfio/vfio: Operation not permitted',
  },
  { entry: 'vfio-dma-map-enomem', origin: 'qemu vfio', text: 'qemu-system-x86_64: VFIO_MAP_DMA failed: Cannot allocate memory' },
  { entry: 'vfio-dma-map-enomem', origin: 'qemu vfio', text: 'qemu-system-x86_64: vfio_dma_map(0x55d5c3a4b4d0, 0x0, 0x80000000, 0x7f2c5fe00000) = -12 (Cannot allocate memory)' },
  { entry: 'tun-missing', origin: 'qemu net/tap-linux', text: 'qemu-system-x86_64: -netdev tap,id=n0,ifname=tap0: could not open /dev/net/tun: No such file or directory' },
  { entry: 'tap-permission', origin: 'qemu-bridge-helper', text: 'failed to create tun device: Operation not permitted' },
  { entry: 'bridge-missing', origin: 'qemu-bridge-helper', text: "failed to get mtu of bridge `br0': No such device" },
  { entry: 'bridge-helper-acl', origin: 'qemu-bridge-helper', text: 'access denied by acl file\nqemu-system-x86_64: -netdev bridge,id=n0,br=br0: bridge helper failed' },
  // iproute2 on a kernel without the driver (also provoked for `type dummy` in the namespace test).
  { entry: 'rtnetlink-not-supported', origin: 'iproute2 6.1', text: 'Error: Unknown device type.' },
  // libvirt.
  { entry: 'kvm-unavailable', origin: 'libvirt', text: 'error: invalid argument: could not find capabilities for domaintype=kvm ' },
  {
    entry: 'kvm-unavailable',
    origin: 'libvirt',
    text: 'error: unsupported configuration: Domain requires KVM, but it is not available. Check that virtualization is enabled in the host BIOS, and host configuration is setup to load the kvm modules.',
  },
  { entry: 'no-iommu-found', origin: 'libvirt', text: "error: unsupported configuration: host doesn't support passthrough of host PCI devices" },
  { entry: 'vhost-net-unavailable', origin: 'libvirt', text: 'error: unsupported configuration: vhost-net was requested for an interface, but is unavailable' },
  { entry: 'tap-permission', origin: 'libvirt', text: 'error: Unable to create tap device vnet0: Operation not permitted' },
  { entry: 'bridge-missing', origin: 'libvirt', text: "error: Cannot get interface MTU on 'br0': No such device" },
  { entry: 'bridge-missing', origin: 'libvirt', text: 'error: Unable to add bridge br0 port vnet0: No such device' },
  { entry: 'libvirt-macvtap', origin: 'libvirt', text: 'error: error creating macvtap interface macvtap0@eth0 (52:54:00:1e:07:9c): Device or resource busy' },
  { entry: 'libvirt-macvtap', origin: 'libvirt', text: "error: Cannot get interface flags on 'eth9': No such device" },
  { entry: 'libvirt-hostdev-in-use', origin: 'libvirt', text: 'error: Requested operation is not valid: PCI device 0000:03:10.0 is in use by driver QEMU, domain vm1' },
  { entry: 'libvirt-hostdev-reset', origin: 'libvirt', text: 'error: internal error: Unable to reset PCI device 0000:00:19.0: no FLR, PM reset or bus reset available' },
  { entry: 'libvirt-hostdev-stub', origin: 'libvirt', text: 'error: internal error: Failed to load PCI stub module vfio-pci' },
  { entry: 'libvirt-network-inactive', origin: 'libvirt', text: "error: Requested operation is not valid: network 'default' is not active" },
];
