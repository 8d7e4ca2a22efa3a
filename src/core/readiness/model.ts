/**
 * Host readiness: what each networking mode needs from a host, as pure data.
 * Statuses are honest: `unknown` whenever the fact behind a check could not be
 * read, so the user never sees a pass or fail nobody observed.
 */
import { codeIds, defineCodes, type CodeId } from '../rulekit';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** The networking modes the guide covers (user, bridge/tap, macvtap, vhost-net, PCI passthrough, SR-IOV). */
export type NetMode = 'user' | 'bridge' | 'macvtap' | 'vhost-net' | 'vfio' | 'sriov';

export const NET_MODES: readonly NetMode[] = ['user', 'bridge', 'macvtap', 'vhost-net', 'vfio', 'sriov'];

export const NET_MODE_LABELS: Readonly<Record<NetMode, string>> = {
  user: 'user (slirp)',
  bridge: 'bridge/tap',
  macvtap: 'macvtap',
  'vhost-net': 'vhost-net',
  vfio: 'vfio passthrough',
  sriov: 'SR-IOV',
};

/** One copyable remedy. `command` is a complete shell command line; `line` is a config line when the fix edits a file. */
export interface FixStep {
  readonly title: string;
  readonly command: string;
  /** File the fix changes, e.g. /etc/default/grub or /etc/modprobe.d/vfio.conf. */
  readonly file?: string;
  /** The line that must end up in `file`. */
  readonly line?: string;
  /** Takes effect only after a reboot (kernel command line, firmware). */
  readonly needsReboot?: boolean;
}

/**
 * Check codes: stable ids, used by the CLI's JSON, the view and the knowledge base ("how to confirm"), each with
 * its one-line doc.
 */
export const CHECK_CODES = defineCodes({
  CpuVirt: { id: 'cpu-virt', doc: 'CPU advertises hardware virtualization (vmx = Intel VT-x, svm = AMD-V).' },
  KvmDevice: { id: 'kvm-device', doc: '/dev/kvm exists (kvm and kvm_intel/kvm_amd loaded).' },
  KvmBios: { id: 'kvm-bios', doc: 'The kernel log does not say "kvm: disabled by bios".' },
  IommuActive: { id: 'iommu-active', doc: 'An IOMMU is active: /sys/class/iommu entries and non-empty /sys/kernel/iommu_groups.' },
  IommuCmdline: { id: 'iommu-cmdline', doc: 'The kernel command line enables the IOMMU (intel_iommu=on, amd_iommu, iommu=pt) and does not disable it.' },
  InterruptRemapping: { id: 'interrupt-remapping', doc: 'Interrupt remapping is enabled (kernel log DMAR-IR / AMD-Vi messages, cmdline hints).' },
  VfioModules: { id: 'vfio-modules', doc: 'vfio, vfio_pci and vfio_iommu_type1 are loaded or built in.' },
  VfioUnsafeInterrupts: { id: 'vfio-unsafe-interrupts', doc: 'vfio_iommu_type1 allow_unsafe_interrupts matches what interrupt remapping requires.' },
  SriovDevices: { id: 'sriov-devices', doc: 'A PCI device reports SR-IOV virtual functions (sriov_totalvfs > 0).' },
  VhostNet: { id: 'vhost-net', doc: '/dev/vhost-net exists (vhost_net loaded).' },
  Tun: { id: 'tun', doc: '/dev/net/tun exists (tun loaded).' },
  Bridges: { id: 'bridges', doc: 'At least one Linux bridge exists, and it has ports.' },
  Macvtap: { id: 'macvtap', doc: 'The macvtap driver is loaded or built in.' },
  Qemu: { id: 'qemu', doc: 'A QEMU system emulator is installed and recent enough for -netdev/-nic and vfio-pci.' },
  Libvirt: { id: 'libvirt', doc: 'libvirt is installed (optional: needed only for libvirt-managed guests).' },
});

/** The ids alone (`CheckId.Tun === 'tun'`). */
export const CheckId = codeIds(CHECK_CODES);
export type CheckId = CodeId<typeof CHECK_CODES>;

export interface ReadinessCheck {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** Networking modes that need this check to pass. Empty for optional components. */
  readonly modes: readonly NetMode[];
  /** What was observed (or why nothing could be). */
  readonly detail: string;
  /** Remedies, most direct first; empty when the check passes or nothing can be done from a shell. */
  readonly fixes: readonly FixStep[];
}

const rank: Readonly<Record<CheckStatus, number>> = { pass: 0, unknown: 1, warn: 2, fail: 3 };

/** The worst of several statuses (fail > warn > unknown > pass). */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'pass';
  for (const s of statuses) if (rank[s] > rank[worst]) worst = s;
  return worst;
}

/** Per networking mode, the worst status of the checks it needs. */
export function summarizeByMode(checks: readonly ReadinessCheck[]): Record<NetMode, CheckStatus> {
  const out = {} as Record<NetMode, CheckStatus>;
  for (const mode of NET_MODES) out[mode] = worstStatus(checks.filter((c) => c.modes.includes(mode)).map((c) => c.status));
  return out;
}
