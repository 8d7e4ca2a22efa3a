import { parseBdf, type Bdf } from './bdf';
import type { HostSnapshot, PciDevice, SystemFacts } from '../hostSnapshot';
import { deviceHolders, holderText } from '../libvirt/holders';
import type { Guest } from '../libvirt/model';
import { guestHoldsDevices, guestsByMac } from '../libvirt/model';
import { VIRSH_STDIN } from '../libvirt/definition';
import { hostdevXml } from './hostdevXml';
import { VFIO_DRIVER } from './classes';
import { deviceFlags } from './tree';

/**
 * Host-changing actions, built as exact argument arrays for confirmation and execution.
 * Sysfs writes go through a constant `sh -c` program with the value and path as
 * positional parameters, so no shell text is ever made from data; every BDF is checked
 * by parseBdf and every driver name by a strict pattern first.
 *
 * Plans fail closed: a partial snapshot, or a missing fact a plan depends on, refuses the plan.
 * Each plan records the facts it was built on (`basis`) and how to build it again (`request`), so
 * it can be rebuilt from a rediscovery right before it runs and refused if anything changed.
 */
export interface HostStep {
  /** The exact argv run on the host (rendered for confirmation by runPlan's stepInvocation, never paraphrased). */
  readonly argv: readonly string[];
  /**
   * A parameter of argv shown again as plain text under the exact line (a device's XML: quoted twice for the
   * remote shell it is hard to read there). What runs is argv alone.
   */
  readonly parameter?: { readonly label: string; readonly text: string };
}

/** Which plan, for which device: enough to build it again from a fresh snapshot. */
export type PlanRequest =
  | { readonly op: 'setNumVfs'; readonly bdf: string; readonly count: number }
  | { readonly op: 'bindVfio'; readonly bdf: string }
  | { readonly op: 'restoreDriver'; readonly bdf: string }
  | { readonly op: 'nodedev'; readonly bdf: string; readonly action: 'detach' | 'reattach' }
  | { readonly op: 'attachToGuest'; readonly bdf: string; readonly guest: string }
  /** A device definition composed in the editor (the composer's own output); `bdf` when it passes a host function through. */
  | { readonly op: 'attachXml'; readonly guest: string; readonly xml: string; readonly bdf?: string }
  | { readonly op: 'detachFromGuest'; readonly guest: string; readonly part: GuestDevicePart };

/** A guest's device to detach: a NIC by its MAC (as libvirt matches it), or a PCI hostdev by its source address. */
export type GuestDevicePart = { readonly kind: 'nic'; readonly mac: string; readonly type: string } | { readonly kind: 'hostdev'; readonly bdf: string };

/** A fact a plan was built on: rediscovered before running, and a change refuses the run. */
export interface PlanFact {
  readonly name: string;
  readonly value: string;
}

export interface ActionPlan {
  readonly title: string;
  readonly steps: readonly HostStep[];
  /** Shown before confirming (e.g. other IOMMU group members not on vfio-pci). */
  readonly warnings: readonly string[];
  readonly request: PlanRequest;
  readonly basis: readonly PlanFact[];
  /** What undoes this plan once some of its steps ran: offered after a partial failure, built from the host as it is then. */
  readonly undo?: PlanRequest;
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
  return { argv: [...sudo(p), 'sh', '-c', WRITE_PROGRAM, 'kvmnet-write', value, path] };
}

function run(p: Privilege, argv: string[]): HostStep {
  return { argv: [...sudo(p), ...argv] };
}

/** Why nothing may change this host on the strength of this snapshot, or undefined when plans may be built. */
export function hostChangeBlocked(snapshot: HostSnapshot): string | undefined {
  return snapshot.partial === undefined
    ? undefined
    : `discovery of this host did not finish (${snapshot.partial}); facts may be missing, so host actions are disabled until a refresh completes`;
}

function checkedDevice(snapshot: HostSnapshot, bdf: string): PciDevice & { bdf: Bdf } {
  const blocked = hostChangeBlocked(snapshot);
  if (blocked) throw new ActionRefused(blocked);
  const b = parseBdf(bdf);
  if (!b) throw new ActionRefused(`'${bdf}' is not a PCI address (DDDD:BB:DD.F)`);
  const d = snapshot.devices.find((x) => x.bdf === b);
  if (!d) throw new ActionRefused(`${b} is not a PCI function of this host`);
  return d;
}

/** Facts about the device itself that every plan depends on. */
function deviceBasis(snapshot: HostSnapshot, d: PciDevice): PlanFact[] {
  return [
    { name: 'host name', value: snapshot.system.hostname ?? '(unknown)' },
    { name: `${d.bdf} device`, value: `${d.vendorId}:${d.deviceId}` },
    { name: `${d.bdf} driver`, value: d.driver ?? '(none)' },
    { name: `${d.bdf} driver_override`, value: d.driverOverride ?? '(none)' },
    ...(d.sriovTotalVfs !== undefined ? [{ name: `${d.bdf} sriov_numvfs`, value: String(d.sriovNumVfs ?? '(unknown)') }] : []),
  ];
}

/** A device whose removal can cut host traffic: an Ethernet function or one with network interfaces. */
function isNetDevice(d: PciDevice): boolean {
  return d.classCode.startsWith('02') || (d.netdevs?.length ?? 0) > 0;
}

/**
 * The uplink facts a plan that takes devices away from the host needs: refuses when they are missing
 * (no default-route fact; discovery over ssh but no ssh-session interface and a network device at stake)
 * and returns them as basis facts.
 */
function uplinkBasis(snapshot: HostSnapshot, devices: readonly PciDevice[], what: string): PlanFact[] {
  const s = snapshot.system;
  if (s.defaultRouteInterfaces === undefined) throw new ActionRefused(`discovery did not report the host's default route; refusing to ${what}`);
  const net = devices.find(isNetDevice);
  if (s.sshConnection !== undefined && s.sshInterface === undefined && net) {
    throw new ActionRefused(
      `discovery came over ssh but could not tell which interface carries the session (no \`ip\` on the host?); refusing to ${what}: ${net.bdf} is a network device`,
    );
  }
  return [
    { name: 'default route interfaces', value: s.defaultRouteInterfaces.join(', ') || '(none)' },
    { name: 'ssh session interface', value: s.sshInterface ?? (s.sshConnection !== undefined ? '(unknown)' : '(not over ssh)') },
  ];
}

/** Never take away the host's uplink: the device (or a VF's PF) carrying the default route or the ssh session. */
function refuseUplink(snapshot: HostSnapshot, d: PciDevice, what: string): void {
  const f = deviceFlags(snapshot, d);
  if (f.carriesSshSession) throw new ActionRefused(`${d.bdf} carries the ssh session discovery came in on; refusing to ${what}`);
  if (f.carriesDefaultRoute) throw new ActionRefused(`${d.bdf} carries the host's default route; refusing to ${what}`);
}

/**
 * libvirt's holders of the devices a plan changes: a guest running with one (QEMU has it open) refuses the plan;
 * a defined guest or a VF pool only warns (it takes the device when it starts). The holders are a basis fact, so
 * a guest that starts or gets the device between confirmation and the run makes the plan drift.
 */
function holderCheck(snapshot: HostSnapshot, devices: readonly PciDevice[], what: string): { basis: PlanFact[]; warnings: string[] } {
  const all = deviceHolders(snapshot);
  const basis: PlanFact[] = [];
  const warnings: string[] = [];
  for (const d of devices) {
    const hs = all.get(d.bdf) ?? [];
    const running = hs.find((h) => h.kind === 'guest' && h.running);
    if (running) throw new ActionRefused(`${d.bdf} is held by the running guest ${holderText(running)}; refusing to ${what}`);
    basis.push({ name: `${d.bdf} libvirt holders`, value: snapshot.libvirt === undefined ? '(libvirt not read)' : hs.map(holderText).join('; ') || '(none)' });
    for (const h of hs) warnings.push(h.kind === 'guest' ? `${d.bdf} is assigned to the guest ${holderText(h)}: it takes the device when it starts.` : `${d.bdf} is in the ${holderText(h)}: libvirt hands it to guests of that network.`);
  }
  return { basis, warnings };
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
  // Writing a count over a non-zero one fails, and "0 first" would remove VFs nobody was told about.
  if (d.sriovNumVfs === undefined) throw new ActionRefused(`discovery did not report the current VF count of ${d.bdf} (sriov_numvfs); refusing to change it`);
  const current = d.sriovNumVfs;
  const request: PlanRequest = { op: 'setNumVfs', bdf: d.bdf, count };
  const vfs = snapshot.devices.filter((v) => v.physfn === d.bdf);
  const removes = current > 0 && count !== current;
  const basis = [...deviceBasis(snapshot, d), ...uplinkBasis(snapshot, removes ? vfs : [], 'change its VFs')];
  const warnings: string[] = [];
  if (removes) {
    for (const v of vfs) refuseUplink(snapshot, v, `remove the VFs of ${d.bdf}`);
    const held = holderCheck(snapshot, vfs, `remove the VFs of ${d.bdf}`);
    basis.push(...held.basis);
    warnings.push(...held.warnings);
    // VFs in use vanish with the count: say which.
    const used = vfs.filter((v) => v.driver === VFIO_DRIVER);
    if (used.length) warnings.push(`Removing the current ${current} VFs also removes ${used.map((v) => v.bdf).join(', ')} (bound to vfio-pci).`);
  }
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
  return {
    title: `Set ${d.bdf} to ${count} virtual functions (now ${current})`,
    steps,
    warnings,
    request,
    basis,
    ...(steps.length ? { undo: { op: 'setNumVfs', bdf: d.bdf, count: current } as const } : {}),
  };
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
  const basis = [...deviceBasis(snapshot, d), ...uplinkBasis(snapshot, [d], 'bind it to vfio-pci')];
  refuseUplink(snapshot, d, 'bind it to vfio-pci');
  if (d.driver === VFIO_DRIVER) throw new ActionRefused(`${d.bdf} is already bound to vfio-pci`);
  const held = holderCheck(snapshot, [d], 'bind it to vfio-pci');
  basis.push(...held.basis);
  const p = { isRoot: snapshot.system.isRoot };
  const steps: HostStep[] = [run(p, ['modprobe', 'vfio-pci']), write(p, VFIO_DRIVER, sysfs(d.bdf, 'driver_override'))];
  if (d.driver) steps.push(write(p, d.bdf, sysfs(d.bdf, 'driver/unbind')));
  steps.push(write(p, d.bdf, '/sys/bus/pci/drivers_probe'));
  return {
    title: `Bind ${d.bdf} to vfio-pci${d.driver ? ` (now ${d.driver})` : ''}`,
    steps,
    warnings: [...held.warnings, ...groupWarnings(snapshot, d)],
    request: { op: 'bindVfio', bdf: d.bdf },
    basis,
    undo: { op: 'restoreDriver', bdf: d.bdf },
  };
}

/**
 * Undo planBindVfio: clear driver_override, unbind from vfio-pci, reprobe (the kernel picks the native driver).
 * Only vfio-pci is unbound: a device already on a host driver keeps it (after a bind that failed midway only
 * the override has to go), so this never takes a working host driver away.
 */
export function planRestoreDriver(snapshot: HostSnapshot, bdf: string): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  // A running guest's device given back to the host is pulled from under QEMU.
  const held = holderCheck(snapshot, [d], 'give it back to the host');
  const p = { isRoot: snapshot.system.isRoot };
  const steps: HostStep[] = [write(p, '', sysfs(d.bdf, 'driver_override'))];
  if (d.driver === VFIO_DRIVER) steps.push(write(p, d.bdf, sysfs(d.bdf, 'driver/unbind')));
  steps.push(write(p, d.bdf, '/sys/bus/pci/drivers_probe'));
  return {
    title: `Give ${d.bdf} back to its native driver`,
    steps,
    warnings: held.warnings,
    request: { op: 'restoreDriver', bdf: d.bdf },
    basis: [...deviceBasis(snapshot, d), ...held.basis],
    ...(d.driver === VFIO_DRIVER ? { undo: { op: 'bindVfio', bdf: d.bdf } as const } : {}),
  };
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
  const basis = deviceBasis(snapshot, d);
  if (op === 'detach') {
    basis.push(...uplinkBasis(snapshot, [d], 'detach it from the host'));
    refuseUplink(snapshot, d, 'detach it from the host');
  }
  const held = holderCheck(snapshot, [d], op === 'detach' ? 'detach it from the host' : 'reattach it to the host');
  basis.push(...held.basis);
  const unavailable = libvirtUnavailable(snapshot.system);
  if (unavailable) throw new ActionRefused(unavailable);
  const name = `pci_${d.bdf.replace(/[:.]/g, '_')}`;
  const p = { isRoot: snapshot.system.isRoot };
  const virsh = run(p, ['virsh', '-c', 'qemu:///system', `nodedev-${op}`, name]);
  return {
    title: `virsh nodedev-${op} ${name}`,
    steps: op === 'detach' ? [run(p, ['modprobe', 'vfio-pci']), virsh] : [virsh],
    warnings: [...held.warnings, ...(op === 'detach' ? groupWarnings(snapshot, d) : [])],
    request: { op: 'nodedev', bdf: d.bdf, action: op },
    basis,
    undo: { op: 'nodedev', bdf: d.bdf, action: op === 'detach' ? 'reattach' : 'detach' },
  };
}

/**
 * The constant attach/detach program: the device XML and the guest's UUID are positional parameters, the XML
 * reaches virsh on stdin (no file on the host, no shell text made from data). `$3` adds --live for a running guest.
 */
export const VIRSH_DEVICE_PROGRAM = `printf "%s\\n" "$1" | virsh -c qemu:///system "$4" "$2" ${VIRSH_STDIN} --config $3`;

function targetGuest(snapshot: HostSnapshot, uuid: string): Guest {
  const unavailable = libvirtUnavailable(snapshot.system);
  if (unavailable) throw new ActionRefused(unavailable);
  if (snapshot.libvirt === undefined) throw new ActionRefused('discovery did not read libvirt on this host; refusing to change a guest');
  const g = snapshot.libvirt.guests.find((x) => x.uuid === uuid);
  if (!g) throw new ActionRefused(`no guest with UUID ${uuid} on this host (refresh the host)`);
  if (g.error) throw new ActionRefused(`the definition of ${g.name} could not be read whole (${g.error}); refusing to change it`);
  return g;
}

function deviceStep(p: Privilege, g: Guest, xml: string, verb: 'attach-device' | 'detach-device'): HostStep {
  // A `$3` left empty adds nothing: --config alone for a guest that is not running.
  const step = run(p, ['sh', '-c', VIRSH_DEVICE_PROGRAM, `kvmnet-${verb}`, xml, g.uuid, guestHoldsDevices(g) ? '--live' : '', verb]);
  return { ...step, parameter: { label: `The device definition virsh ${verb === 'attach-device' ? 'attaches' : 'detaches'} ($1, on its standard input)`, text: xml } };
}

/**
 * Attach a host PCI function to a guest: a VF as `<interface type='hostdev'>`, anything else as a managed
 * `<hostdev>`; `--config`, plus `--live` when the guest runs. Refused when another guest or a VF pool holds the
 * function, or it carries the host's ssh session or default route.
 */
export function planAttachToGuest(snapshot: HostSnapshot, bdf: string, guestUuid: string): ActionPlan {
  const d = checkedDevice(snapshot, bdf);
  return attachPlan(snapshot, guestUuid, hostdevXml(d), d, { op: 'attachToGuest', bdf: d.bdf, guest: guestUuid });
}

/** The MAC and interface type of a device definition the composer wrote (its own, fixed form). */
function composedNic(xml: string): { mac?: string; type?: string } {
  const mac = /<mac address='([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})'\/>/.exec(xml)?.[1]?.toLowerCase();
  const type = /^\s*<interface type='([a-z]+)'>/.exec(xml)?.[1];
  return { ...(mac ? { mac } : {}), ...(type ? { type } : {}) };
}

/**
 * Attach a device definition composed in the editor to a guest. One passing a host function through gets the
 * checks of "Attach to Guest…" (holders, uplink, IOMMU group); a NIC whose MAC another guest of this host
 * already uses is refused (both would answer for one address).
 */
export function planAttachXml(snapshot: HostSnapshot, guestUuid: string, xml: string, bdf?: string): ActionPlan {
  if (!/^\s*<(?:interface|hostdev)\b[^]*<\/(?:interface|hostdev)>\s*$/.test(xml)) throw new ActionRefused('only an <interface> or <hostdev> definition can be attached');
  const request: PlanRequest = { op: 'attachXml', guest: guestUuid, xml, ...(bdf !== undefined ? { bdf } : {}) };
  return attachPlan(snapshot, guestUuid, xml, bdf !== undefined ? checkedDevice(snapshot, bdf) : undefined, request);
}

function attachPlan(snapshot: HostSnapshot, guestUuid: string, xml: string, d: (PciDevice & { bdf: Bdf }) | undefined, request: PlanRequest): ActionPlan {
  const g = targetGuest(snapshot, guestUuid);
  const what = `give it to ${g.name}`;
  const basis: PlanFact[] = [];
  if (d) {
    basis.push(...deviceBasis(snapshot, d), ...uplinkBasis(snapshot, [d], what));
    refuseUplink(snapshot, d, what);
    const holders = deviceHolders(snapshot).get(d.bdf) ?? [];
    if (holders.length > 0) throw new ActionRefused(`${d.bdf} is already held by ${holders.map(holderText).join('; ')}; refusing to ${what} (a second guest would not start)`);
    basis.push({ name: `${d.bdf} libvirt holders`, value: '(none)' });
  }
  const nic = composedNic(xml);
  if (nic.mac) {
    const users = [...(guestsByMac(snapshot.libvirt?.guests ?? []).get(nic.mac) ?? [])];
    if (users.length > 0) throw new ActionRefused(`MAC ${nic.mac} is already used on this host by ${users.join(', ')}; refusing to ${what} (compose it with another MAC)`);
    basis.push({ name: `MAC ${nic.mac} users`, value: '(none)' });
  }
  basis.push({ name: `${g.name} state`, value: g.state ?? '(unknown)' });
  const p = { isRoot: snapshot.system.isRoot };
  const undoPart: GuestDevicePart | undefined = d && !nic.type ? { kind: 'hostdev', bdf: d.bdf } : nic.mac && nic.type ? { kind: 'nic', mac: nic.mac, type: nic.type } : undefined;
  return {
    title: `Attach ${d ? d.bdf : nic.type ? `a ${nic.type} NIC${nic.mac ? ` (${nic.mac})` : ''}` : 'a device'} to ${g.name}`,
    steps: [deviceStep(p, g, xml, 'attach-device')],
    warnings: d ? groupWarnings(snapshot, d) : [],
    request,
    basis,
    ...(undoPart ? { undo: { op: 'detachFromGuest', guest: g.uuid, part: undoPart } } : {}),
  };
}

/** Detach a NIC (matched by MAC) or a PCI hostdev (by source address) from a guest: `--config`, plus `--live` when it runs. */
export function planDetachFromGuest(snapshot: HostSnapshot, guestUuid: string, part: GuestDevicePart): ActionPlan {
  const blocked = hostChangeBlocked(snapshot);
  if (blocked) throw new ActionRefused(blocked);
  const g = targetGuest(snapshot, guestUuid);
  const p = { isRoot: snapshot.system.isRoot };
  let xml: string;
  let label: string;
  if (part.kind === 'nic') {
    const mac = part.mac.toLowerCase();
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new ActionRefused(`'${part.mac}' is not a MAC address`);
    if (!/^[a-z]+$/.test(part.type)) throw new ActionRefused(`'${part.type}' is not an interface type`);
    if (!g.nics.some((n) => n.mac?.toLowerCase() === mac)) throw new ActionRefused(`${g.name} has no NIC with MAC ${mac} (refresh the host)`);
    xml = `<interface type='${part.type}'><mac address='${mac}'/></interface>`;
    label = `NIC ${mac}`;
  } else {
    const b = parseBdf(part.bdf);
    if (!b || !g.hostdevs.some((h) => h.address === b)) throw new ActionRefused(`${g.name} has no PCI hostdev ${part.bdf} (refresh the host)`);
    xml = hostdevXml({ bdf: b });
    label = b;
  }
  return {
    title: `Detach ${label} from ${g.name}`,
    steps: [deviceStep(p, g, xml, 'detach-device')],
    warnings: [],
    request: { op: 'detachFromGuest', guest: g.uuid, part },
    basis: [
      { name: 'host name', value: snapshot.system.hostname ?? '(unknown)' },
      { name: `${g.name} state`, value: g.state ?? '(unknown)' },
    ],
  };
}

/** Builds (or builds again, from a fresh snapshot) the plan a request names. */
export function buildPlan(snapshot: HostSnapshot, request: PlanRequest): ActionPlan {
  switch (request.op) {
    case 'setNumVfs':
      return planSetNumVfs(snapshot, request.bdf, request.count);
    case 'bindVfio':
      return planBindVfio(snapshot, request.bdf);
    case 'restoreDriver':
      return planRestoreDriver(snapshot, request.bdf);
    case 'nodedev':
      return planNodedev(snapshot, request.bdf, request.action);
    case 'attachToGuest':
      return planAttachToGuest(snapshot, request.bdf, request.guest);
    case 'attachXml':
      return planAttachXml(snapshot, request.guest, request.xml, request.bdf);
    case 'detachFromGuest':
      return planDetachFromGuest(snapshot, request.guest, request.part);
  }
}

/**
 * What changed between the plan a person confirmed and the same request built from a rediscovery:
 * each basis fact that differs, and whether the commands or the warnings differ. Empty: safe to run.
 */
export function planDrift(confirmed: ActionPlan, fresh: ActionPlan): string[] {
  const now = new Map(fresh.basis.map((f) => [f.name, f.value]));
  const out = confirmed.basis.filter((f) => now.get(f.name) !== f.value).map((f) => `${f.name}: ${f.value} when confirmed, ${now.get(f.name) ?? '(not reported)'} now`);
  const same = (a: readonly unknown[], b: readonly unknown[]) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(confirmed.steps.map((s) => s.argv), fresh.steps.map((s) => s.argv))) out.push('the commands to run are no longer the ones confirmed');
  if (!same(confirmed.warnings, fresh.warnings)) out.push('the warnings are no longer the ones confirmed');
  return out;
}

/** The device a plan acts on, as a snapshot shows it (the "host is now in" line after a failure). */
export function deviceState(snapshot: HostSnapshot, bdf: string): string {
  const b = parseBdf(bdf);
  const d = b && snapshot.devices.find((x) => x.bdf === b);
  if (!d) return `${bdf}: not present`;
  return [
    `${d.bdf}: driver ${d.driver ?? '(none)'}`,
    `driver_override ${d.driverOverride ?? '(none)'}`,
    ...(d.sriovTotalVfs !== undefined ? [`${d.sriovNumVfs ?? '?'} of ${d.sriovTotalVfs} VFs`] : []),
  ].join(', ');
}
