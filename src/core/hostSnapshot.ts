import type { LibvirtInventory } from './libvirt/model';
import type { Bdf } from './pci/bdf';

/**
 * What discovery learns about a host in one round trip (sysfs, /proc, /dev).
 * Produced by the discovery parser from untrusted host output; consumed by the
 * device explorer, the readiness checks, the CLI and the composer.
 */

export interface NetInterface {
  readonly name: string;
  readonly mac?: string;
  /** operstate: up, down, unknown … */
  readonly state?: string;
  /** Bridge (or bond) this interface is enslaved to. */
  readonly master?: string;
  readonly isBridge?: boolean;
  /** Names of the ports when this is a bridge. */
  readonly bridgePorts?: readonly string[];
  /** macvtap / tap / veth / bridge … from uevent DEVTYPE or kind. */
  readonly kind?: string;
  /** Carries the default route: never take it away from the host. */
  readonly carriesDefaultRoute?: boolean;
  /** Carries the ssh session discovery came in on: never take it away either. */
  readonly carriesSshSession?: boolean;
}

export interface PciDevice {
  readonly bdf: Bdf;
  /** 24-bit class code as 6 hex digits, e.g. `020000` (Ethernet). */
  readonly classCode: string;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly subsystemVendorId?: string;
  readonly subsystemDeviceId?: string;
  readonly vendorName?: string;
  readonly deviceName?: string;
  readonly className?: string;
  readonly driver?: string;
  readonly driverOverride?: string;
  readonly iommuGroup?: number;
  readonly numaNode?: number;
  readonly sriovTotalVfs?: number;
  readonly sriovNumVfs?: number;
  /** For a VF: its PF. */
  readonly physfn?: Bdf;
  /** For a PF: its VFs in virtfn index order. */
  readonly virtfns?: readonly Bdf[];
  /** Network interfaces of this function (names from /sys/bus/pci/devices/BDF/net). */
  readonly netdevs?: readonly string[];
}

export interface IommuGroup {
  readonly id: number;
  readonly devices: readonly Bdf[];
}

/** Host-wide facts the readiness checks read. Undefined means "could not be read", never "absent". */
export interface SystemFacts {
  readonly hostname?: string;
  readonly kernelRelease?: string;
  readonly kernelCmdline?: string;
  /** CPU flags of the first processor (vmx, svm …). */
  readonly cpuFlags?: readonly string[];
  /** Loaded modules (from /proc/modules). */
  readonly modules?: readonly string[];
  /** Built-in modules (from modules.builtin), when readable. */
  readonly builtinModules?: readonly string[];
  /** Existence of device nodes such as /dev/kvm, /dev/vhost-net, /dev/net/tun, /dev/vfio/vfio. */
  readonly devNodes?: Readonly<Record<string, boolean>>;
  /** Device nodes the discovering user can read and write (present ones only). */
  readonly devNodesUsable?: Readonly<Record<string, boolean>>;
  /** Entries of /sys/class/iommu (non-empty when an IOMMU is active). */
  readonly iommuClasses?: readonly string[];
  readonly iommuGroupCount?: number;
  /** vfio_iommu_type1 allow_unsafe_interrupts parameter (Y/N) when the module is loaded. */
  readonly allowUnsafeInterrupts?: boolean;
  /** Kernel log lines that matter (kvm disabled by bios, DMAR/IR messages), when dmesg is readable. */
  readonly kernelLog?: readonly string[];
  readonly qemuVersion?: string;
  readonly libvirtVersion?: string;
  /** A libvirt daemon socket exists (libvirtd's /run/libvirt/libvirt-sock or virtqemud's); false: looked, none. */
  readonly libvirtSocket?: boolean;
  readonly isRoot?: boolean;
  readonly sudoNonInteractive?: boolean;
  /** Interfaces of the IPv4/IPv6 default routes (from /proc/net/route, ipv6_route). */
  readonly defaultRouteInterfaces?: readonly string[];
  /** SSH_CONNECTION of the discovery session ("client port server port"), when it came over ssh. */
  readonly sshConnection?: string;
  /** Interface holding the ssh session's server address, when `ip` could tell. */
  readonly sshInterface?: string;
}

export interface HostSnapshot {
  /** Format version of the discovery output this was parsed from. */
  readonly formatVersion: number;
  readonly capturedAt?: string;
  readonly system: SystemFacts;
  readonly devices: readonly PciDevice[];
  readonly interfaces: readonly NetInterface[];
  readonly iommuGroups: readonly IommuGroup[];
  /** libvirt's guests and networks, when a libvirt daemon runs there (core/libvirt). */
  readonly libvirt?: LibvirtInventory;
  /** Lines of the discovery output that could not be understood, with their line numbers (for the log). */
  readonly warnings: readonly string[];
  /**
   * Set when discovery did not finish (no END line, ssh failed midway, output over the limit): why, in one
   * sentence. Facts may be missing, so nothing may change the host on the strength of a partial snapshot.
   */
  readonly partial?: string;
}
