import type { HostSnapshot } from '../hostSnapshot';
import { parseDiscovery } from './parse';

/**
 * The embedded demo host, in discovery format so it goes through the same parser as a
 * real host: a Xeon with an X710 dual-port SR-IOV NIC (PF0 carries the default route and
 * has 4 VFs, two of them on vfio-pci; PF1 is a bridge port), an I350 management NIC
 * carrying the ssh session, an RTX 2080 whose HDMI audio function shares its IOMMU group
 * (VGA on vfio-pci, audio not: QEMU's "group not viable"), an NVMe disk and chipset
 * functions sharing one group. Ids and names are real (pci.ids); the host is made up.
 */
export const DEMO_DISCOVERY = "KVMNET-DISCOVERY 1\n" +
  "S\thostname\tkvm-demo01\n" +
  "S\tkernel\t6.1.0-27-amd64\n" +
  "S\tcmdline\tBOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=UUID=6a1f0c2e-8d5b-4f7e-9c1a-3b2d4e5f6a7b ro quiet intel_iommu=on iommu=pt\n" +
  "S\tcpuflags\tfpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase bmi1 hle avx2 smep bmi2 erms invpcid rtm avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves\n" +
  "S\tmodules-readable\t1\n" +
  "S\tmodule\tvfio_pci\n" +
  "S\tmodule\tvfio_pci_core\n" +
  "S\tmodule\tvfio_iommu_type1\n" +
  "S\tmodule\tvfio\n" +
  "S\tmodule\tirqbypass\n" +
  "S\tmodule\tvhost_net\n" +
  "S\tmodule\tvhost\n" +
  "S\tmodule\tvhost_iotlb\n" +
  "S\tmodule\ttap\n" +
  "S\tmodule\ttun\n" +
  "S\tmodule\tbridge\n" +
  "S\tmodule\tstp\n" +
  "S\tmodule\tllc\n" +
  "S\tmodule\tmacvtap\n" +
  "S\tmodule\tmacvlan\n" +
  "S\tmodule\tkvm_intel\n" +
  "S\tmodule\tkvm\n" +
  "S\tmodule\ti40e\n" +
  "S\tmodule\tiavf\n" +
  "S\tmodule\tigb\n" +
  "S\tmodule\tnvme\n" +
  "S\tmodule\tnvme_core\n" +
  "S\tmodule\tsnd_hda_intel\n" +
  "S\tmodule\txhci_pci\n" +
  "S\tbuiltin-readable\t1\n" +
  "S\tbuiltin\t8021q\n" +
  "S\tbuiltin\tipv6\n" +
  "S\tbuiltin\tcrc32c_generic\n" +
  "S\tdevnode\trw /dev/kvm\n" +
  "S\tdevnode\trw /dev/vhost-net\n" +
  "S\tdevnode\trw /dev/net/tun\n" +
  "S\tdevnode\trw /dev/vfio/vfio\n" +
  "S\tiommu-readable\t1\n" +
  "S\tiommu\tdmar0\n" +
  "S\tiommu\tdmar1\n" +
  "S\tunsafe-interrupts\tN\n" +
  "S\tdefault-route\tenp59s0f0\n" +
  "S\troot\t1\n" +
  "S\tsudo\t1\n" +
  "S\tssh-connection\t192.0.2.10 53122 192.0.2.21 22\n" +
  "S\tssh-interface\teno1\n" +
  "S\tqemu\tQEMU emulator version 7.2.13 (Debian 1:7.2+dfsg-7+deb12u7)\n" +
  "S\tlibvirt\t9.0.0\n" +
  "S\tlibvirt-socket\t1\n" +
  "S\tlog\t[    0.012345] DMAR: IOMMU enabled\n" +
  "S\tlog\t[    0.456789] DMAR-IR: Enabled IRQ remapping in x2apic mode\n" +
  "S\tlog\t[    2.345678] i40e 0000:3b:00.0: Allocating 4 VFs.\n" +
  "D\t0000:00:00.0\tclass\t0x060000\n" +
  "D\t0000:00:00.0\tvendor\t0x8086\n" +
  "D\t0000:00:00.0\tdevice\t0x2020\n" +
  "D\t0000:00:00.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:00:00.0\tsubsystem_device\t0x0000\n" +
  "D\t0000:00:00.0\tnuma_node\t0\n" +
  "D\t0000:00:00.0\tdriver_override\t(null)\n" +
  "D\t0000:00:00.0\tiommu_group\t0\n" +
  "D\t0000:00:14.0\tclass\t0x0c0330\n" +
  "D\t0000:00:14.0\tvendor\t0x8086\n" +
  "D\t0000:00:14.0\tdevice\t0xa1af\n" +
  "D\t0000:00:14.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:00:14.0\tsubsystem_device\t0x0000\n" +
  "D\t0000:00:14.0\tnuma_node\t0\n" +
  "D\t0000:00:14.0\tdriver_override\t(null)\n" +
  "D\t0000:00:14.0\tdriver\txhci_hcd\n" +
  "D\t0000:00:14.0\tiommu_group\t1\n" +
  "D\t0000:00:1f.0\tclass\t0x060100\n" +
  "D\t0000:00:1f.0\tvendor\t0x8086\n" +
  "D\t0000:00:1f.0\tdevice\t0xa1c2\n" +
  "D\t0000:00:1f.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:00:1f.0\tsubsystem_device\t0x0000\n" +
  "D\t0000:00:1f.0\tnuma_node\t0\n" +
  "D\t0000:00:1f.0\tdriver_override\t(null)\n" +
  "D\t0000:00:1f.0\tiommu_group\t2\n" +
  "D\t0000:00:1f.2\tclass\t0x058000\n" +
  "D\t0000:00:1f.2\tvendor\t0x8086\n" +
  "D\t0000:00:1f.2\tdevice\t0xa1a1\n" +
  "D\t0000:00:1f.2\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:00:1f.2\tsubsystem_device\t0x0000\n" +
  "D\t0000:00:1f.2\tnuma_node\t0\n" +
  "D\t0000:00:1f.2\tdriver_override\t(null)\n" +
  "D\t0000:00:1f.2\tiommu_group\t2\n" +
  "D\t0000:00:1f.4\tclass\t0x0c0500\n" +
  "D\t0000:00:1f.4\tvendor\t0x8086\n" +
  "D\t0000:00:1f.4\tdevice\t0xa1a3\n" +
  "D\t0000:00:1f.4\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:00:1f.4\tsubsystem_device\t0x0000\n" +
  "D\t0000:00:1f.4\tnuma_node\t0\n" +
  "D\t0000:00:1f.4\tdriver_override\t(null)\n" +
  "D\t0000:00:1f.4\tdriver\ti801_smbus\n" +
  "D\t0000:00:1f.4\tiommu_group\t2\n" +
  "D\t0000:18:00.0\tclass\t0x020000\n" +
  "D\t0000:18:00.0\tvendor\t0x8086\n" +
  "D\t0000:18:00.0\tdevice\t0x1521\n" +
  "D\t0000:18:00.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:18:00.0\tsubsystem_device\t0x00a3\n" +
  "D\t0000:18:00.0\tnuma_node\t0\n" +
  "D\t0000:18:00.0\tsriov_totalvfs\t7\n" +
  "D\t0000:18:00.0\tsriov_numvfs\t0\n" +
  "D\t0000:18:00.0\tdriver_override\t(null)\n" +
  "D\t0000:18:00.0\tdriver\tigb\n" +
  "D\t0000:18:00.0\tiommu_group\t3\n" +
  "D\t0000:18:00.0\tnet\teno1\n" +
  "D\t0000:18:00.1\tclass\t0x020000\n" +
  "D\t0000:18:00.1\tvendor\t0x8086\n" +
  "D\t0000:18:00.1\tdevice\t0x1521\n" +
  "D\t0000:18:00.1\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:18:00.1\tsubsystem_device\t0x00a3\n" +
  "D\t0000:18:00.1\tnuma_node\t0\n" +
  "D\t0000:18:00.1\tsriov_totalvfs\t7\n" +
  "D\t0000:18:00.1\tsriov_numvfs\t0\n" +
  "D\t0000:18:00.1\tdriver_override\t(null)\n" +
  "D\t0000:18:00.1\tdriver\tigb\n" +
  "D\t0000:18:00.1\tiommu_group\t4\n" +
  "D\t0000:18:00.1\tnet\teno2\n" +
  "D\t0000:3b:00.0\tclass\t0x020000\n" +
  "D\t0000:3b:00.0\tvendor\t0x8086\n" +
  "D\t0000:3b:00.0\tdevice\t0x1572\n" +
  "D\t0000:3b:00.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:00.0\tsubsystem_device\t0x0007\n" +
  "D\t0000:3b:00.0\tnuma_node\t0\n" +
  "D\t0000:3b:00.0\tsriov_totalvfs\t64\n" +
  "D\t0000:3b:00.0\tsriov_numvfs\t4\n" +
  "D\t0000:3b:00.0\tdriver_override\t(null)\n" +
  "D\t0000:3b:00.0\tdriver\ti40e\n" +
  "D\t0000:3b:00.0\tiommu_group\t5\n" +
  "D\t0000:3b:00.0\tvirtfn0\t0000:3b:02.0\n" +
  "D\t0000:3b:00.0\tvirtfn1\t0000:3b:02.1\n" +
  "D\t0000:3b:00.0\tvirtfn2\t0000:3b:02.2\n" +
  "D\t0000:3b:00.0\tvirtfn3\t0000:3b:02.3\n" +
  "D\t0000:3b:00.0\tnet\tenp59s0f0\n" +
  "D\t0000:3b:00.1\tclass\t0x020000\n" +
  "D\t0000:3b:00.1\tvendor\t0x8086\n" +
  "D\t0000:3b:00.1\tdevice\t0x1572\n" +
  "D\t0000:3b:00.1\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:00.1\tsubsystem_device\t0x0007\n" +
  "D\t0000:3b:00.1\tnuma_node\t0\n" +
  "D\t0000:3b:00.1\tsriov_totalvfs\t64\n" +
  "D\t0000:3b:00.1\tsriov_numvfs\t0\n" +
  "D\t0000:3b:00.1\tdriver_override\t(null)\n" +
  "D\t0000:3b:00.1\tdriver\ti40e\n" +
  "D\t0000:3b:00.1\tiommu_group\t6\n" +
  "D\t0000:3b:00.1\tnet\tenp59s0f1\n" +
  "D\t0000:3b:02.0\tclass\t0x020000\n" +
  "D\t0000:3b:02.0\tvendor\t0x8086\n" +
  "D\t0000:3b:02.0\tdevice\t0x154c\n" +
  "D\t0000:3b:02.0\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:02.0\tsubsystem_device\t0x0000\n" +
  "D\t0000:3b:02.0\tnuma_node\t0\n" +
  "D\t0000:3b:02.0\tdriver_override\t(null)\n" +
  "D\t0000:3b:02.0\tdriver\tiavf\n" +
  "D\t0000:3b:02.0\tiommu_group\t7\n" +
  "D\t0000:3b:02.0\tphysfn\t0000:3b:00.0\n" +
  "D\t0000:3b:02.0\tnet\tenp59s0f0v0\n" +
  "D\t0000:3b:02.1\tclass\t0x020000\n" +
  "D\t0000:3b:02.1\tvendor\t0x8086\n" +
  "D\t0000:3b:02.1\tdevice\t0x154c\n" +
  "D\t0000:3b:02.1\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:02.1\tsubsystem_device\t0x0000\n" +
  "D\t0000:3b:02.1\tnuma_node\t0\n" +
  "D\t0000:3b:02.1\tdriver_override\t(null)\n" +
  "D\t0000:3b:02.1\tdriver\tiavf\n" +
  "D\t0000:3b:02.1\tiommu_group\t8\n" +
  "D\t0000:3b:02.1\tphysfn\t0000:3b:00.0\n" +
  "D\t0000:3b:02.1\tnet\tenp59s0f0v1\n" +
  "D\t0000:3b:02.2\tclass\t0x020000\n" +
  "D\t0000:3b:02.2\tvendor\t0x8086\n" +
  "D\t0000:3b:02.2\tdevice\t0x154c\n" +
  "D\t0000:3b:02.2\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:02.2\tsubsystem_device\t0x0000\n" +
  "D\t0000:3b:02.2\tnuma_node\t0\n" +
  "D\t0000:3b:02.2\tdriver_override\tvfio-pci\n" +
  "D\t0000:3b:02.2\tdriver\tvfio-pci\n" +
  "D\t0000:3b:02.2\tiommu_group\t9\n" +
  "D\t0000:3b:02.2\tphysfn\t0000:3b:00.0\n" +
  "D\t0000:3b:02.3\tclass\t0x020000\n" +
  "D\t0000:3b:02.3\tvendor\t0x8086\n" +
  "D\t0000:3b:02.3\tdevice\t0x154c\n" +
  "D\t0000:3b:02.3\tsubsystem_vendor\t0x8086\n" +
  "D\t0000:3b:02.3\tsubsystem_device\t0x0000\n" +
  "D\t0000:3b:02.3\tnuma_node\t0\n" +
  "D\t0000:3b:02.3\tdriver_override\tvfio-pci\n" +
  "D\t0000:3b:02.3\tdriver\tvfio-pci\n" +
  "D\t0000:3b:02.3\tiommu_group\t10\n" +
  "D\t0000:3b:02.3\tphysfn\t0000:3b:00.0\n" +
  "D\t0000:5e:00.0\tclass\t0x010802\n" +
  "D\t0000:5e:00.0\tvendor\t0x144d\n" +
  "D\t0000:5e:00.0\tdevice\t0xa808\n" +
  "D\t0000:5e:00.0\tsubsystem_vendor\t0x144d\n" +
  "D\t0000:5e:00.0\tsubsystem_device\t0xa801\n" +
  "D\t0000:5e:00.0\tnuma_node\t0\n" +
  "D\t0000:5e:00.0\tdriver_override\t(null)\n" +
  "D\t0000:5e:00.0\tdriver\tnvme\n" +
  "D\t0000:5e:00.0\tiommu_group\t11\n" +
  "D\t0000:65:00.0\tclass\t0x030000\n" +
  "D\t0000:65:00.0\tvendor\t0x10de\n" +
  "D\t0000:65:00.0\tdevice\t0x1e87\n" +
  "D\t0000:65:00.0\tsubsystem_vendor\t0x1043\n" +
  "D\t0000:65:00.0\tsubsystem_device\t0x866a\n" +
  "D\t0000:65:00.0\tnuma_node\t1\n" +
  "D\t0000:65:00.0\tdriver_override\tvfio-pci\n" +
  "D\t0000:65:00.0\tdriver\tvfio-pci\n" +
  "D\t0000:65:00.0\tiommu_group\t12\n" +
  "D\t0000:65:00.1\tclass\t0x040300\n" +
  "D\t0000:65:00.1\tvendor\t0x10de\n" +
  "D\t0000:65:00.1\tdevice\t0x10f8\n" +
  "D\t0000:65:00.1\tsubsystem_vendor\t0x1043\n" +
  "D\t0000:65:00.1\tsubsystem_device\t0x866a\n" +
  "D\t0000:65:00.1\tnuma_node\t1\n" +
  "D\t0000:65:00.1\tdriver_override\t(null)\n" +
  "D\t0000:65:00.1\tdriver\tsnd_hda_intel\n" +
  "D\t0000:65:00.1\tiommu_group\t12\n" +
  "G\t0\t0000:00:00.0\n" +
  "G\t1\t0000:00:14.0\n" +
  "G\t2\t0000:00:1f.0\n" +
  "G\t2\t0000:00:1f.2\n" +
  "G\t2\t0000:00:1f.4\n" +
  "G\t3\t0000:18:00.0\n" +
  "G\t4\t0000:18:00.1\n" +
  "G\t5\t0000:3b:00.0\n" +
  "G\t6\t0000:3b:00.1\n" +
  "G\t7\t0000:3b:02.0\n" +
  "G\t8\t0000:3b:02.1\n" +
  "G\t9\t0000:3b:02.2\n" +
  "G\t10\t0000:3b:02.3\n" +
  "G\t11\t0000:5e:00.0\n" +
  "G\t12\t0000:65:00.0\n" +
  "G\t12\t0000:65:00.1\n" +
  "S\tiommu-groups\t13\n" +
  "N\tbr0\tname\tbr0\n" +
  "N\tbr0\taddress\t3c:fd:fe:a1:b2:c4\n" +
  "N\tbr0\toperstate\tup\n" +
  "N\tbr0\tbridge\t1\n" +
  "N\tbr0\tport\tenp59s0f1\n" +
  "N\tbr0\tkind\tbridge\n" +
  "N\teno1\tname\teno1\n" +
  "N\teno1\taddress\tac:1f:6b:10:20:30\n" +
  "N\teno1\toperstate\tup\n" +
  "N\teno1\tdevice-path\t/sys/devices/pci0000:00/0000:17:00.0/0000:18:00.0\n" +
  "N\teno2\tname\teno2\n" +
  "N\teno2\taddress\tac:1f:6b:10:20:31\n" +
  "N\teno2\toperstate\tdown\n" +
  "N\teno2\tdevice-path\t/sys/devices/pci0000:00/0000:17:00.0/0000:18:00.1\n" +
  "N\tenp59s0f0\tname\tenp59s0f0\n" +
  "N\tenp59s0f0\taddress\t3c:fd:fe:a1:b2:c3\n" +
  "N\tenp59s0f0\toperstate\tup\n" +
  "N\tenp59s0f0\tdevice-path\t/sys/devices/pci0000:00/0000:3a:00.0/0000:3b:00.0\n" +
  "N\tenp59s0f0v0\tname\tenp59s0f0v0\n" +
  "N\tenp59s0f0v0\taddress\t52:54:00:6d:a1:10\n" +
  "N\tenp59s0f0v0\toperstate\tup\n" +
  "N\tenp59s0f0v0\tdevice-path\t/sys/devices/pci0000:00/0000:3a:00.0/0000:3b:02.0\n" +
  "N\tenp59s0f0v1\tname\tenp59s0f0v1\n" +
  "N\tenp59s0f0v1\taddress\t52:54:00:6d:a1:11\n" +
  "N\tenp59s0f0v1\toperstate\tdown\n" +
  "N\tenp59s0f0v1\tdevice-path\t/sys/devices/pci0000:00/0000:3a:00.0/0000:3b:02.1\n" +
  "N\tenp59s0f1\tname\tenp59s0f1\n" +
  "N\tenp59s0f1\taddress\t3c:fd:fe:a1:b2:c4\n" +
  "N\tenp59s0f1\toperstate\tup\n" +
  "N\tenp59s0f1\tmaster\tbr0\n" +
  "N\tenp59s0f1\tdevice-path\t/sys/devices/pci0000:00/0000:3a:00.0/0000:3b:00.1\n" +
  "N\tlo\tname\tlo\n" +
  "N\tlo\taddress\t00:00:00:00:00:00\n" +
  "N\tlo\toperstate\tunknown\n" +
  "L\t0000:00:00.0 \"Host bridge [0600]\" \"Intel Corporation [8086]\" \"Sky Lake-E DMI3 Registers [2020]\" -r04 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:00:14.0 \"USB controller [0c03]\" \"Intel Corporation [8086]\" \"C620 Series Chipset Family USB 3.0 xHCI Controller [a1af]\" -r09 -p30 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:00:1f.0 \"ISA bridge [0601]\" \"Intel Corporation [8086]\" \"C622 Series Chipset LPC/eSPI Controller [a1c2]\" -r09 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:00:1f.2 \"Memory controller [0580]\" \"Intel Corporation [8086]\" \"C620 Series Chipset Family Power Management Controller [a1a1]\" -r09 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:00:1f.4 \"SMBus [0c05]\" \"Intel Corporation [8086]\" \"C620 Series Chipset Family SMBus [a1a3]\" -r09 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:18:00.0 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"I350 Gigabit Network Connection [1521]\" -r01 -p00 \"Intel Corporation [8086]\" \"Device [00a3]\"\n" +
  "L\t0000:18:00.1 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"I350 Gigabit Network Connection [1521]\" -r01 -p00 \"Intel Corporation [8086]\" \"Device [00a3]\"\n" +
  "L\t0000:3b:00.0 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Controller X710 for 10GbE SFP+ [1572]\" -r02 -p00 \"Intel Corporation [8086]\" \"Ethernet Converged Network Adapter X710-2 [0007]\"\n" +
  "L\t0000:3b:00.1 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Controller X710 for 10GbE SFP+ [1572]\" -r02 -p00 \"Intel Corporation [8086]\" \"Ethernet Converged Network Adapter X710-2 [0007]\"\n" +
  "L\t0000:3b:02.0 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Virtual Function 700 Series [154c]\" -r02 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:3b:02.1 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Virtual Function 700 Series [154c]\" -r02 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:3b:02.2 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Virtual Function 700 Series [154c]\" -r02 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:3b:02.3 \"Ethernet controller [0200]\" \"Intel Corporation [8086]\" \"Ethernet Virtual Function 700 Series [154c]\" -r02 -p00 \"Intel Corporation [8086]\" \"Device [0000]\"\n" +
  "L\t0000:5e:00.0 \"Non-Volatile memory controller [0108]\" \"Samsung Electronics Co Ltd [144d]\" \"NVMe SSD Controller SM981/PM981/PM983 [a808]\" -r00 -p02 \"Samsung Electronics Co Ltd [144d]\" \"Device [a801]\"\n" +
  "L\t0000:65:00.0 \"VGA compatible controller [0300]\" \"NVIDIA Corporation [10de]\" \"TU104 [GeForce RTX 2080 Rev. A] [1e87]\" -ra1 -p00 \"NVIDIA Corporation [1043]\" \"Device [866a]\"\n" +
  "L\t0000:65:00.1 \"Audio device [0403]\" \"NVIDIA Corporation [10de]\" \"TU104 HD Audio Controller [10f8]\" -ra1 -p00 \"NVIDIA Corporation [1043]\" \"Device [866a]\"\n" +
  "END\n";

export function demoSnapshot(): HostSnapshot {
  return parseDiscovery(DEMO_DISCOVERY, { capturedAt: '2026-01-01T00:00:00.000Z' });
}
