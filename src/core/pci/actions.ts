import { parseBdf, type Bdf, type HostSnapshot, type PciDevice, type SystemFacts } from '../host/model';
import { VFIO_DRIVER } from './classes';
import { deviceFlags } from './tree';

/**
 * Host-changing actions, built as exact argument arrays for confirmation and execution.
 * Sysfs writes go through a constant `sh -c` program with the value and path as
 * positional parameters, so no shell text is ever made from data; every BDF is checked
 * by parseBdf and every driver name by a strict pattern first.
 */
export interface HostStep {
  readonly argv: readonly string[];
  /** What a person would type: shown in the confirmation dialog. */
  readonly display: string;
}

export interface ActionPlan {
  readonly title: string;
  readonly steps: readonly HostStep[];
  /** Shown before confirming (e.g. other IOMMU group members not on vfio-pci). */
  readonly warnings: readonly string[];
}

export class ActionRefused extends Error {}

/** The constant writer: `sh -c WRITE kvmnet-write VALUE PATH`. */
export const WRITE_PROGRAM = 'printf "%s\\n" "$1" > "$2"';

interface Privilege {
  /** Discovery saw uid 0; otherwise steps are prefixed with `sudo -n` (non-interactive: it fails instead of prompting). */
  readonly isRoot?: boolean;
}

function sudo(p: Privilege): string[] {
  return p.isRoot === true ? [] : ['sudo', '-n'];
}

function write(p: Privilege, value: string, path: string): HostStep {
  return { argv: [...sudo(p), 'sh', '-c', WRITE_PROGRAM, 'kvmnet-write', value, path], display: `${p.isRoot ? '' : 'sudo '}sh -c 'echo ${value === '' ? '' : `${value} `}> ${path}'` };
}

function run(p: Privilege, argv: string[]): HostStep {
  const full = [...sudo(p), ...argv];
  return { argv: full, display: full.join(' ') };
}

function checkedDevice(snapshot: HostSnapshot, bdf: string): PciDevice & { bdf: Bdf } {
  const b = parseBdf(bdf);
  if (!b) throw new ActionRefused(`'${bdf}' is not a PCI address (DDDD:BB:DD.F)`);
  const d = snapshot.devices.find((x) => x.bdf === b);
  if (!d) throw new ActionRefused(`${b} is not a PCI function of this host`);
  return d;
}

/** Never take away the host's uplink: the device (or a VF's PF) carrying the default route or the ssh session. */
function refuseUplink(snapshot: HostSnapshot, d: PciDevice, what: string): void {
  const f = deviceFlags(snapshot, d);
  if (f.carriesSshSession) throw new ActionRefused(`${d.bdf} carries the ssh session discovery came in on; refusing to ${what}`);
  if (f.carriesDefaultRoute) throw new ActionRefused(`${d.bdf} carries the host's default route; refusing to ${what}`);
}

function sysfs(bdf: Bdf, file: string): string {
  return `/sys/bus/pci/devices/${bdf}/${file}`;
}

/** Set the number of VFs of a PF; the kernel only accepts a new non-zero count from 0, so a change goes through 0. */
export function planSetNumVfs(snapshot: HostSnapshot, bdf: string, count: number): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  if (!d.sriovTotalVfs) throw new ActionRefused(`${d.bdf} is not SR-IOV capable (no sriov_totalvfs)`);
  if (!Number.isInteger(count) || count < 0 || count > d.sriovTotalVfs) {
    throw new ActionRefused(`VF count must be 0..${d.sriovTotalVfs} for ${d.bdf}, got ${count}`);
  }
  const current = d.sriovNumVfs ?? 0;
  const warnings: string[] = [];
  // VFs in use vanish with the count: say which.
  const vfs = snapshot.devices.filter((v) => v.physfn === d.bdf && (v.driver === VFIO_DRIVER || deviceFlags(snapshot, v).carriesDefaultRoute || deviceFlags(snapshot, v).carriesSshSession));
  if (current > 0 && vfs.length) warnings.push(`Removing the current ${current} VFs also removes ${vfs.map((v) => v.bdf).join(', ')} (bound to vfio-pci or carrying traffic).`);
  const f = deviceFlags(snapshot, d);
  if (f.carriesDefaultRoute || f.carriesSshSession) {
    warnings.push(`${d.bdf} carries the ${f.carriesSshSession ? 'ssh session' : 'default route'}: some drivers reset the link while VFs change, which can briefly cut it.`);
  }
  const path = sysfs(d.bdf, 'sriov_numvfs');
  const p = { isRoot: snapshot.system.isRoot };
  const steps: HostStep[] = [];
  if (count !== current) {
    if (current > 0 && count > 0) steps.push(write(p, '0', path));
    steps.push(write(p, String(count), path));
  }
  return { title: `Set ${d.bdf} to ${count} virtual functions (now ${current})`, steps, warnings };
}

function groupWarnings(snapshot: HostSnapshot, d: PciDevice): string[] {
  if (d.iommuGroup === undefined) return [`${d.bdf} has no IOMMU group: the host has no active IOMMU, so vfio-pci cannot use it.`];
  const others = snapshot.devices.filter((x) => x.iommuGroup === d.iommuGroup && x.bdf !== d.bdf && x.driver !== VFIO_DRIVER && x.driver !== undefined && x.driver !== 'pcieport');
  return others.length
    ? [
        `IOMMU group ${d.iommuGroup} also holds ${others.map((o) => `${o.bdf} (${o.driver})`).join(', ')}: QEMU refuses the device ("group ${d.iommuGroup} is not viable") until every member is bound to vfio-pci or has no driver.`,
      ]
    : [];
}

/** Bind to vfio-pci through driver_override + drivers_probe (persists until the override is cleared). */
export function planBindVfio(snapshot: HostSnapshot, bdf: string): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  refuseUplink(snapshot, d, 'bind it to vfio-pci');
  if (d.driver === VFIO_DRIVER) throw new ActionRefused(`${d.bdf} is already bound to vfio-pci`);
  const p = { isRoot: snapshot.system.isRoot };
  const steps: HostStep[] = [run(p, ['modprobe', 'vfio-pci']), write(p, VFIO_DRIVER, sysfs(d.bdf, 'driver_override'))];
  if (d.driver) steps.push(write(p, d.bdf, sysfs(d.bdf, 'driver/unbind')));
  steps.push(write(p, d.bdf, '/sys/bus/pci/drivers_probe'));
  return { title: `Bind ${d.bdf} to vfio-pci${d.driver ? ` (now ${d.driver})` : ''}`, steps, warnings: groupWarnings(snapshot, d) };
}

/** Undo planBindVfio: clear driver_override, unbind from vfio-pci, reprobe (the kernel picks the native driver, e.g. the one it had). */
export function planRestoreDriver(snapshot: HostSnapshot, bdf: string): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  const p = { isRoot: snapshot.system.isRoot };
  const steps: HostStep[] = [write(p, '', sysfs(d.bdf, 'driver_override'))];
  if (d.driver) steps.push(write(p, d.bdf, sysfs(d.bdf, 'driver/unbind')));
  steps.push(write(p, d.bdf, '/sys/bus/pci/drivers_probe'));
  return { title: `Give ${d.bdf} back to its native driver`, steps, warnings: [] };
}

/**
 * Why libvirt's node-device actions cannot run on this host, or undefined when they can: the plan runs
 * `virsh` there, and virsh needs a daemon to talk to (libvirt-clients alone has no socket).
 */
export function libvirtUnavailable(system: SystemFacts): string | undefined {
  if (system.libvirtVersion === undefined) return 'virsh was not found on this host (Debian package libvirt-clients)';
  if (system.libvirtSocket !== true) return 'no libvirt daemon socket on this host (/run/libvirt/libvirt-sock or virtqemud-sock): start libvirtd or virtqemud';
  return undefined;
}

/** The nodedev-detach/reattach actions are offered only where libvirt runs. */
export function libvirtOnHost(snapshot: HostSnapshot): boolean {
  return libvirtUnavailable(snapshot.system) === undefined;
}

/**
 * libvirt's equivalent of bind/restore: `virsh nodedev-detach pci_DDDD_BB_DD_F` (and reattach). Detach first
 * loads vfio-pci: libvirt refuses with "VFIO device assignment is currently not supported on this system"
 * while /dev/vfio/vfio is missing, and does not load the module itself (seen with libvirt 9.0).
 */
export function planNodedev(snapshot: HostSnapshot, bdf: string, op: 'detach' | 'reattach'): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  if (op === 'detach') refuseUplink(snapshot, d, 'detach it from the host');
  const unavailable = libvirtUnavailable(snapshot.system);
  if (unavailable) throw new ActionRefused(unavailable);
  const name = `pci_${d.bdf.replace(/[:.]/g, '_')}`;
  const p = { isRoot: snapshot.system.isRoot };
  const virsh = run(p, ['virsh', '-c', 'qemu:///system', `nodedev-${op}`, name]);
  return {
    title: `virsh nodedev-${op} ${name}`,
    steps: op === 'detach' ? [run(p, ['modprobe', 'vfio-pci']), virsh] : [virsh],
    warnings: op === 'detach' ? groupWarnings(snapshot, d) : [],
  };
}

/** The confirmation text: every exact command, one per line. */
export function renderPlan(plan: ActionPlan): string {
  return [plan.title, '', ...plan.steps.map((s) => `  ${s.display}`), ...(plan.warnings.length ? ['', ...plan.warnings.map((w) => `⚠ ${w}`)] : [])].join('\n');
}
