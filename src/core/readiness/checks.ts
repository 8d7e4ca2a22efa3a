import type { HostSnapshot } from '../hostSnapshot';
import { cmdlineParams, cpuVendor, devNode, iommuActive, modulePresence, type ModulePresence } from './facts';
import {
  BRIDGE_FIXES,
  firmwareFix,
  iommuCmdlineArgs,
  kernelCmdlineFixes,
  kvmModuleFix,
  LIBVIRT_FIX,
  MACVTAP_FIX,
  QEMU_FIXES,
  TUN_FIXES,
  UNSAFE_INTERRUPTS_FIXES,
  VFIO_MODULES_FIX,
  VHOST_NET_FIX,
} from './fixes';
import { CheckId, NET_MODES, type CheckStatus, type FixStep, type NetMode, type ReadinessCheck } from './model';

type Rule = (s: HostSnapshot) => ReadinessCheck;

const ASSIGN: readonly NetMode[] = ['vfio', 'sriov'];

function check(
  id: CheckId,
  title: string,
  modes: readonly NetMode[],
  status: CheckStatus,
  detail: string,
  fixes: readonly FixStep[] = [],
): ReadinessCheck {
  // A passing check offers no remedy: there is nothing to copy.
  return { id, title, modes, status, detail, fixes: status === 'pass' ? [] : fixes };
}

const BIOS_DISABLED = /kvm: disabled by bios|VMX not enabled \(by BIOS\)|VMX \(outside TXT\) disabled by BIOS|SVM disabled \(by BIOS\)/i;

export const cpuVirt: Rule = (s) => {
  const title = 'CPU virtualization (vmx/svm)';
  const flags = s.system.cpuFlags;
  if (!flags) return check(CheckId.CpuVirt, title, ASSIGN, 'unknown', 'CPU flags could not be read (/proc/cpuinfo).');
  if (flags.includes('vmx')) return check(CheckId.CpuVirt, title, ASSIGN, 'pass', 'Intel VT-x (vmx) is advertised.');
  if (flags.includes('svm')) return check(CheckId.CpuVirt, title, ASSIGN, 'pass', 'AMD-V (svm) is advertised.');
  if (devNode(s.system, '/dev/kvm') === true) {
    return check(
      CheckId.CpuVirt,
      title,
      ASSIGN,
      'warn',
      'Neither vmx nor svm is advertised, yet /dev/kvm exists: KVM is provided another way (nested or paravirtualized, e.g. PVM). Device assignment to guests is unlikely to work.',
    );
  }
  return check(
    CheckId.CpuVirt,
    title,
    ASSIGN,
    'fail',
    `Neither vmx nor svm is among the CPU flags${flags.includes('hypervisor') ? ' (this host is itself a virtual machine: enable nested virtualization on its host)' : ''}; KVM cannot run.`,
    [firmwareFix('virtualization', cpuVendor(s.system))],
  );
};

export const kvmDevice: Rule = (s) => {
  const title = '/dev/kvm';
  const present = devNode(s.system, '/dev/kvm');
  if (present === undefined) return check(CheckId.KvmDevice, title, ASSIGN, 'unknown', 'Whether /dev/kvm exists could not be read.');
  if (present) {
    const usable = s.system.devNodesUsable?.['/dev/kvm'];
    if (usable === false) {
      return check(CheckId.KvmDevice, title, ASSIGN, 'warn', '/dev/kvm exists but the discovering user cannot open it read-write ("Could not access KVM kernel module: Permission denied").', [
        { title: 'Add your user to the kvm group, then log in again', command: 'sudo usermod -aG kvm "$USER"' },
      ]);
    }
    return check(CheckId.KvmDevice, title, ASSIGN, 'pass', usable ? '/dev/kvm exists and is usable by the discovering user.' : '/dev/kvm exists.');
  }
  const bios = s.system.kernelLog?.some((l) => BIOS_DISABLED.test(l));
  return check(
    CheckId.KvmDevice,
    title,
    ASSIGN,
    'fail',
    `/dev/kvm does not exist: QEMU can only emulate (TCG, -accel tcg), and device assignment is impossible.${bios ? ' The kernel log says virtualization is disabled by the BIOS.' : ''}`,
    bios ? [firmwareFix('virtualization', cpuVendor(s.system))] : [kvmModuleFix(cpuVendor(s.system))],
  );
};

export const kvmBios: Rule = (s) => {
  const title = 'Virtualization enabled in firmware';
  const log = s.system.kernelLog;
  if (!log) return check(CheckId.KvmBios, title, ASSIGN, 'unknown', 'The kernel log could not be read (dmesg needs root or kernel.dmesg_restrict=0).');
  const hit = log.find((l) => BIOS_DISABLED.test(l));
  if (hit) return check(CheckId.KvmBios, title, ASSIGN, 'fail', `The kernel log says: ${hit.trim()}`, [firmwareFix('virtualization', cpuVendor(s.system))]);
  return check(CheckId.KvmBios, title, ASSIGN, 'pass', 'The kernel log has no "kvm: disabled by bios".');
};

export const iommuActiveCheck: Rule = (s) => {
  const title = 'IOMMU active';
  const active = iommuActive(s);
  const vendor = cpuVendor(s.system);
  if (active === undefined) return check(CheckId.IommuActive, title, ASSIGN, 'unknown', '/sys/class/iommu and /sys/kernel/iommu_groups could not be read.');
  if (active) {
    const groups = s.system.iommuGroupCount ?? s.iommuGroups.length;
    const units = s.system.iommuClasses?.length ?? 0;
    return check(CheckId.IommuActive, title, ASSIGN, 'pass', `${units} IOMMU unit(s) in /sys/class/iommu, ${groups} IOMMU group(s).`);
  }
  return check(
    CheckId.IommuActive,
    title,
    ASSIGN,
    'fail',
    'No IOMMU is active (/sys/class/iommu is empty, no IOMMU groups): vfio cannot assign devices ("No IOMMU found").',
    [firmwareFix('iommu', vendor), ...kernelCmdlineFixes(iommuCmdlineArgs(vendor))],
  );
};

export const iommuCmdline: Rule = (s) => {
  const title = 'IOMMU on the kernel command line';
  const line = s.system.kernelCmdline;
  const vendor = cpuVendor(s.system);
  const fixes = kernelCmdlineFixes(iommuCmdlineArgs(vendor));
  if (line === undefined) return check(CheckId.IommuCmdline, title, ASSIGN, 'unknown', '/proc/cmdline could not be read.');
  const p = cmdlineParams(line);
  const intel = p.get('intel_iommu');
  const amd = p.get('amd_iommu');
  const pt = p.get('iommu') === 'pt' ? ' iommu=pt is set (host devices skip IOMMU translation).' : ' iommu=pt is not set (optional: avoids translation overhead for host devices).';
  const off = [intel?.split(',').includes('off') && 'intel_iommu=off', amd === 'off' && 'amd_iommu=off', p.get('iommu') === 'off' && 'iommu=off'].filter(Boolean);
  if (off.length > 0) return check(CheckId.IommuCmdline, title, ASSIGN, 'fail', `The kernel command line disables the IOMMU (${off.join(', ')}).`, fixes);
  if (intel?.split(',').includes('on')) return check(CheckId.IommuCmdline, title, ASSIGN, 'pass', `intel_iommu=on is set.${pt}`);
  if (amd !== undefined || vendor === 'amd') return check(CheckId.IommuCmdline, title, ASSIGN, 'pass', `AMD-Vi is enabled by default when the firmware exposes it.${pt}`);
  const active = iommuActive(s);
  if (active) return check(CheckId.IommuCmdline, title, ASSIGN, 'pass', `intel_iommu=on is not set but the IOMMU is active (kernel default CONFIG_INTEL_IOMMU_DEFAULT_ON).${pt}`);
  if (active === false) return check(CheckId.IommuCmdline, title, ASSIGN, 'fail', 'intel_iommu=on is not set and no IOMMU is active.', fixes);
  return check(CheckId.IommuCmdline, title, ASSIGN, 'warn', 'intel_iommu=on is not set; whether the kernel enables the IOMMU by default could not be read.', fixes);
};

const IR_ON = /DMAR-IR: Enabled IRQ remapping|AMD-Vi: Interrupt remapping enabled|Enabled IRQ remapping in x2apic mode/i;
const IR_OFF = /(?:interrupt|irq) remapping (?:is being |has been |was )?disabled|No interrupt remapping support|Failed to enable irq remapping|Not enabling interrupt remapping|IRQ remapping doesn't support/i;

/** true / false from the kernel log or command line; undefined when nothing says either way. */
export function interruptRemapping(s: HostSnapshot): { enabled: boolean | undefined; why: string } {
  const p = s.system.kernelCmdline === undefined ? undefined : cmdlineParams(s.system.kernelCmdline);
  if (p?.get('intremap') === 'off' || p?.has('nointremap')) return { enabled: false, why: 'the kernel command line disables it (intremap=off)' };
  const log = s.system.kernelLog;
  const off = log?.find((l) => IR_OFF.test(l));
  if (off) return { enabled: false, why: `the kernel log says: ${off.trim()}` };
  const on = log?.find((l) => IR_ON.test(l));
  if (on) return { enabled: true, why: `the kernel log says: ${on.trim()}` };
  // No inference from an inactive IOMMU: with intel_iommu=off a real kernel keeps IRQ remapping on (lab VM test).
  if (!log) return { enabled: undefined, why: 'the kernel log could not be read' };
  return { enabled: undefined, why: 'the readable kernel log has no interrupt-remapping message (it may have rotated out)' };
}

export const interruptRemappingCheck: Rule = (s) => {
  const title = 'Interrupt remapping';
  const ir = interruptRemapping(s);
  if (ir.enabled === undefined) return check(CheckId.InterruptRemapping, title, ASSIGN, 'unknown', `Unknown: ${ir.why}.`);
  if (ir.enabled) return check(CheckId.InterruptRemapping, title, ASSIGN, 'pass', `Enabled: ${ir.why}.`);
  if (s.system.allowUnsafeInterrupts === true) {
    return check(
      CheckId.InterruptRemapping,
      title,
      ASSIGN,
      'warn',
      `Not available (${ir.why}); vfio_iommu_type1 allow_unsafe_interrupts=Y lets assignment work without it, at the cost of MSI isolation between guests.`,
    );
  }
  return check(
    CheckId.InterruptRemapping,
    title,
    ASSIGN,
    'fail',
    `Not available (${ir.why}): vfio refuses to assign devices ("No interrupt remapping support") unless allow_unsafe_interrupts is set.`,
    UNSAFE_INTERRUPTS_FIXES,
  );
};

const VFIO_NAMES = ['vfio', 'vfio_pci', 'vfio_iommu_type1'] as const;

export const vfioModules: Rule = (s) => {
  const title = 'vfio, vfio-pci, vfio_iommu_type1';
  const seen = VFIO_NAMES.map((m) => [m, modulePresence(s.system, m)] as const);
  const describe = (p: ModulePresence) => ({ loaded: 'loaded', builtin: 'built in', absent: 'neither loaded nor built in', 'not-loaded': 'not loaded', unknown: 'unknown' })[p];
  const detail = seen.map(([m, p]) => `${m}: ${describe(p)}`).join(', ');
  const missing = seen.filter(([, p]) => p !== 'loaded' && p !== 'builtin');
  if (missing.length === 0) return check(CheckId.VfioModules, title, ASSIGN, 'pass', `${detail}.`);
  if (missing.every(([, p]) => p === 'unknown')) {
    const node = devNode(s.system, '/dev/vfio/vfio') ? ' /dev/vfio/vfio exists, so vfio itself is present.' : '';
    return check(CheckId.VfioModules, title, ASSIGN, 'unknown', `Loaded and built-in modules could not be read.${node}`);
  }
  // Not loaded is fixable with modprobe (and libvirt's managed='yes' loads vfio-pci itself): a warning, not a failure.
  return check(CheckId.VfioModules, title, ASSIGN, 'warn', `${detail}.`, [VFIO_MODULES_FIX]);
};

export const vfioUnsafeInterrupts: Rule = (s) => {
  const title = 'vfio_iommu_type1 allow_unsafe_interrupts';
  const allowed = s.system.allowUnsafeInterrupts;
  const ir = interruptRemapping(s).enabled;
  if (allowed === undefined) {
    return check(CheckId.VfioUnsafeInterrupts, title, ASSIGN, 'unknown', 'The parameter could not be read (vfio_iommu_type1 not loaded?).', ir === false ? UNSAFE_INTERRUPTS_FIXES : []);
  }
  if (allowed) {
    return check(
      CheckId.VfioUnsafeInterrupts,
      title,
      ASSIGN,
      ir === true ? 'warn' : 'pass',
      ir === true
        ? 'Set to Y although interrupt remapping is available: it only weakens isolation here; remove the option from /etc/modprobe.d.'
        : 'Set to Y: device assignment works without interrupt remapping (guests are less isolated from each other).',
    );
  }
  if (ir === true) return check(CheckId.VfioUnsafeInterrupts, title, ASSIGN, 'pass', 'Not set, and not needed: interrupt remapping is enabled.');
  if (ir === false) {
    return check(CheckId.VfioUnsafeInterrupts, title, ASSIGN, 'fail', 'Not set, and interrupt remapping is unavailable: vfio will refuse device assignment.', UNSAFE_INTERRUPTS_FIXES);
  }
  return check(CheckId.VfioUnsafeInterrupts, title, ASSIGN, 'warn', 'Not set; whether interrupt remapping is available is unknown.', UNSAFE_INTERRUPTS_FIXES);
};

export const vhostNet: Rule = (s) => {
  const title = '/dev/vhost-net';
  const present = devNode(s.system, '/dev/vhost-net');
  if (present === undefined) return check(CheckId.VhostNet, title, ['vhost-net'], 'unknown', 'Whether /dev/vhost-net exists could not be read.');
  if (present) return check(CheckId.VhostNet, title, ['vhost-net'], 'pass', '/dev/vhost-net exists.');
  return check(
    CheckId.VhostNet,
    title,
    ['vhost-net'],
    'fail',
    '/dev/vhost-net does not exist: tap with vhost=on fails ("Device \'tap\' could not be initialized", "open vhost char device failed").',
    [VHOST_NET_FIX],
  );
};

export const tun: Rule = (s) => {
  const title = '/dev/net/tun';
  const modes: NetMode[] = ['bridge', 'vhost-net'];
  const present = devNode(s.system, '/dev/net/tun');
  if (present === undefined) return check(CheckId.Tun, title, modes, 'unknown', 'Whether /dev/net/tun exists could not be read.');
  if (present) return check(CheckId.Tun, title, modes, 'pass', '/dev/net/tun exists.');
  return check(CheckId.Tun, title, modes, 'fail', '/dev/net/tun does not exist: QEMU cannot create tap devices.', TUN_FIXES);
};

export const bridges: Rule = (s) => {
  const title = 'Bridges';
  if (s.interfaces.length === 0) return check(CheckId.Bridges, title, ['bridge'], 'unknown', 'Network interfaces could not be read.');
  const found = s.interfaces.filter((i) => i.isBridge || i.kind === 'bridge');
  if (found.length === 0) return check(CheckId.Bridges, title, ['bridge'], 'warn', 'No Linux bridge exists: bridged guests need one (-netdev bridge,br=… or a tap enslaved to it).', BRIDGE_FIXES);
  const ports = (name: string, own?: readonly string[]) => own ?? s.interfaces.filter((i) => i.master === name).map((i) => i.name);
  const described = found.map((b) => {
    const p = ports(b.name, b.bridgePorts);
    return { name: b.name, ports: p, text: `${b.name} (${p.length > 0 ? `ports: ${p.join(', ')}` : 'no ports'})` };
  });
  const detail = `Bridges: ${described.map((d) => d.text).join('; ')}.`;
  if (described.every((d) => d.ports.length === 0)) {
    return check(CheckId.Bridges, title, ['bridge'], 'warn', `${detail} Guests on a bridge without an uplink port reach only each other and the host.`, BRIDGE_FIXES.slice(1));
  }
  return check(CheckId.Bridges, title, ['bridge'], 'pass', detail);
};

export const macvtap: Rule = (s) => {
  const title = 'macvtap driver';
  const p = modulePresence(s.system, 'macvtap');
  const inUse = s.interfaces.some((i) => i.kind === 'macvtap');
  if (p === 'loaded' || p === 'builtin' || inUse) {
    return check(CheckId.Macvtap, title, ['macvtap'], 'pass', inUse ? 'A macvtap interface exists.' : `macvtap is ${p === 'loaded' ? 'loaded' : 'built in'}.`);
  }
  if (p === 'unknown') return check(CheckId.Macvtap, title, ['macvtap'], 'unknown', 'Loaded and built-in modules could not be read.');
  // modprobe-able in most distribution kernels; `ip link add … type macvtap` loads it on demand too.
  return check(
    CheckId.Macvtap,
    title,
    ['macvtap'],
    'warn',
    `macvtap is ${p === 'absent' ? 'neither loaded nor built in' : 'not loaded'}: creating a macvtap may fail with "RTNETLINK answers: Operation not supported".`,
    [MACVTAP_FIX],
  );
};

const MIN_QEMU: readonly [number, number] = [2, 12];

export const qemu: Rule = (s) => {
  const title = 'QEMU';
  const v = s.system.qemuVersion;
  if (v === undefined) return check(CheckId.Qemu, title, NET_MODES, 'unknown', 'The QEMU version could not be read (qemu-system-x86_64 --version).', QEMU_FIXES);
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return check(CheckId.Qemu, title, NET_MODES, 'warn', `Unrecognised QEMU version string: ${v.slice(0, 120)}`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_QEMU[0] || (major === MIN_QEMU[0] && minor < MIN_QEMU[1])) {
    return check(CheckId.Qemu, title, NET_MODES, 'warn', `QEMU ${m[0]} predates 2.12: no -nic option; legacy -net/pci-assign era.`, QEMU_FIXES);
  }
  return check(CheckId.Qemu, title, NET_MODES, 'pass', `QEMU ${m[0]}.`);
};

export const libvirt: Rule = (s) => {
  const title = 'libvirt (optional)';
  const v = s.system.libvirtVersion;
  const socket = s.system.libvirtSocket ? ' A libvirt daemon socket (libvirtd or virtqemud) exists.' : '';
  if (v === undefined) {
    if (socket) return check(CheckId.Libvirt, title, [], 'pass', 'A libvirt daemon socket (libvirtd or virtqemud) exists (virsh was not found to read the version).');
    return check(CheckId.Libvirt, title, [], 'unknown', 'libvirt was not found or its version could not be read; only needed for libvirt-managed guests.', [LIBVIRT_FIX]);
  }
  return check(CheckId.Libvirt, title, [], 'pass', `libvirt ${v.slice(0, 120)}.${socket}`);
};

export const sriovDevices: Rule = (s) => {
  const title = 'SR-IOV capable devices';
  if (s.devices.length === 0) return check(CheckId.SriovDevices, title, ['sriov'], 'unknown', 'No PCI devices could be read.');
  const pfs = s.devices.filter((d) => (d.sriovTotalVfs ?? 0) > 0);
  if (pfs.length === 0) return check(CheckId.SriovDevices, title, ['sriov'], 'warn', 'No PCI device reports sriov_totalvfs > 0.');
  return check(
    CheckId.SriovDevices,
    title,
    ['sriov'],
    'pass',
    pfs.map((d) => `${d.bdf}: ${d.sriovNumVfs ?? 0}/${d.sriovTotalVfs} VFs`).join(', '),
  );
};

/** Every rule, in display order. */
export const READINESS_RULES: readonly Rule[] = [
  cpuVirt,
  kvmDevice,
  kvmBios,
  iommuActiveCheck,
  iommuCmdline,
  interruptRemappingCheck,
  vfioModules,
  vfioUnsafeInterrupts,
  sriovDevices,
  vhostNet,
  tun,
  bridges,
  macvtap,
  qemu,
  libvirt,
];

/** Runs every readiness rule over one host snapshot. Pure: no I/O. */
export function runReadinessChecks(snapshot: HostSnapshot): ReadinessCheck[] {
  return READINESS_RULES.map((rule) => rule(snapshot));
}
