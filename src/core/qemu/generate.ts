import path from 'node:path';
import { isMulticastMac, isValidMac } from '../mac';
import { invalidBdfMessage, parseBdf, qemuHostProp } from '../pci/bdf';
import { stableMac } from '../util/stableMac';
import { slirpAddressProblem } from './slirpNet';

/**
 * Generators for QEMU network arguments, one per mode of the networking guide. They emit the modern
 * `-netdev` + `-device` forms (legacy `-net nic -net …` only when asked), MACs that are locally administered
 * unicast 52:54:00:xx:xx:xx and stable for the same script + NIC, and the host steps each mode needs.
 */

export const NIC_MODELS = ['virtio-net-pci', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'ne2k_pci', 'pcnet', 'i82559er'] as const;
export type NicModel = (typeof NIC_MODELS)[number];
export const MACVTAP_MODES = ['bridge', 'vepa', 'private', 'passthru'] as const;
export type MacvtapMode = (typeof MACVTAP_MODES)[number];

interface NicSpec {
  readonly id?: string;
  readonly model?: NicModel;
  readonly mac?: string;
}

export interface UserSpec extends NicSpec {
  readonly mode: 'user';
  /** `[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport` rules. */
  readonly hostfwd?: readonly string[];
  readonly restrict?: boolean;
  readonly net?: string;
  readonly host?: string;
  readonly dns?: string;
}

export interface TapSpec extends NicSpec {
  readonly mode: 'tap';
  readonly bridge?: string;
  readonly ifname?: string;
  /** 'no' (default): the tap is prepared beforehand; 'generate': qemu-ifup/-ifdown scripts are written; else a path. */
  readonly script?: string;
  readonly vhost?: boolean;
}

export interface MacvtapSpec extends NicSpec {
  readonly mode: 'macvtap';
  /** The host interface the macvtap sits on. */
  readonly link: string;
  readonly name?: string;
  readonly macvtapMode?: MacvtapMode;
  readonly fd?: number;
  readonly vhost?: boolean;
}

export interface VfioSpec {
  readonly mode: 'vfio';
  readonly bdf: string;
  readonly id?: string;
}

export const SOCKET_KINDS = ['listen', 'connect', 'mcast', 'udp'] as const;
export type SocketKind = (typeof SOCKET_KINDS)[number];

/** A NIC whose frames go over a socket to another QEMU (libvirt's server/client/mcast/udp interfaces). */
export interface SocketSpec extends NicSpec {
  readonly mode: 'socket';
  readonly kind: SocketKind;
  /** HOST:PORT: where to listen (HOST may be empty: every address), connect, the multicast group, or the UDP peer. */
  readonly address: string;
  /** udp: the local HOST:PORT (required); mcast: the local interface's address. */
  readonly local?: string;
}

/** A virtio NIC served by a vhost-user backend (OVS-DPDK, VPP, snabb) over a unix socket. */
export interface VhostUserSpec extends NicSpec {
  readonly mode: 'vhost-user';
  readonly path: string;
  /** QEMU listens on the socket (libvirt's mode='server'); otherwise the backend does and QEMU connects. */
  readonly server: boolean;
  readonly queues?: number;
  /** Client mode: seconds between attempts to reconnect to a backend that went away. */
  readonly reconnect?: number;
}

/** A virtio NIC on a vDPA device (/dev/vhost-vdpa-N): the data path runs in the host NIC or driver. */
export interface VdpaSpec extends NicSpec {
  readonly mode: 'vdpa';
  readonly device: string;
  readonly queues?: number;
}

export type NetworkSpec = UserSpec | TapSpec | MacvtapSpec | VfioSpec | SocketSpec | VhostUserSpec | VdpaSpec;
export type NetworkMode = NetworkSpec['mode'];

export interface GenerateContext {
  /** The launch script's path: seeds stable MACs and places generated helper scripts. */
  readonly scriptPath: string;
  readonly existingIds?: ReadonlySet<string>;
  readonly existingMacs?: ReadonlySet<string>;
  /** Emit `-net nic … -net …` (hub) forms instead of -netdev/-device. */
  readonly legacy?: boolean;
  /** The guest RAM is already shared (a domain's shared memory backend): vhost-user needs no advice about it. */
  readonly sharedMemory?: boolean;
}

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export interface Generated {
  /** QEMU arguments, unquoted. */
  readonly args: readonly string[];
  /** Shell redirections for the invocation, verbatim (e.g. `3<>/dev/tap$(cat …/ifindex)`). */
  readonly redirects: readonly string[];
  /** Shell lines to put before the invocation: comments and host commands. */
  readonly prelude: readonly string[];
  readonly files: readonly GeneratedFile[];
  readonly id: string;
  readonly mac?: string;
}

export class SpecError extends Error {}

const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** A dotted-quad IPv4 address. */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}
const IPV4_NET = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:[12]?\d|3[0-2]))?$/;
const ID = /^[A-Za-z][A-Za-z0-9_.-]*$/;


/**
 * Per id set and prefix, how many of prefix0, prefix1 … were found taken: the linter asks one growing set for a
 * fresh id per converted -net pair, and rescanning from 0 each time made it quadratic. The answer is checked
 * against the set every time, so it stays unique even if a caller removed ids (it may then not be the lowest).
 */
const takenPrefix = new WeakMap<ReadonlySet<string>, Map<string, number>>();

export function uniqueId(prefix: string, taken: ReadonlySet<string> = new Set()): string {
  let memo = takenPrefix.get(taken);
  if (!memo) takenPrefix.set(taken, (memo = new Map()));
  let n = memo.get(prefix) ?? 0;
  while (taken.has(`${prefix}${n}`)) n++;
  memo.set(prefix, n);
  return `${prefix}${n}`;
}

/** Checks a host-forward rule step by step as QEMU's slirp_hostfwd does; returns QEMU's reason when it would reject it. */
export function checkHostfwd(rule: string): string | undefined {
  let rest = rule;
  const take = (sep: string): string | undefined => {
    const i = rest.indexOf(sep);
    if (i < 0) return undefined;
    const part = rest.slice(0, i);
    rest = rest.slice(i + 1);
    return part;
  };
  const port = (s: string): number => (/^(?:0x[0-9a-f]+|\d+)$/i.test(s) ? Number(s) : NaN);
  const proto = take(':');
  if (proto === undefined) return 'No : separators';
  if (proto !== '' && proto !== 'tcp' && proto !== 'udp') return 'Bad protocol name';
  const haddr = take(':');
  if (haddr === undefined) return 'Missing : separator';
  if (haddr !== '' && !IPV4.test(haddr)) return 'Bad host address';
  const hport = take('-');
  if (hport === undefined) return 'Bad host port separator';
  if (!(port(hport) >= 0 && port(hport) <= 65535)) return 'Bad host port';
  const gaddr = take(':');
  if (gaddr === undefined) return 'Missing guest address separator';
  if (gaddr !== '' && !IPV4.test(gaddr)) return 'Bad guest address';
  if (!(port(rest) >= 1 && port(rest) <= 65535)) return 'Bad guest port';
  return undefined;
}

/** Accepts QEMU's rule syntax or the short `HOSTPORT:GUESTPORT` / `udp:HOSTPORT:GUESTPORT`. */
export function normalizeHostfwd(rule: string): string {
  const short = /^(?:(tcp|udp):)?(\d+):(\d+)$/.exec(rule);
  const full = short ? `${short[1] ?? 'tcp'}::${short[2]}-:${short[3]}` : rule;
  const why = checkHostfwd(full);
  if (why) throw new SpecError(`invalid host forward '${rule}' (${why}); expected tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT or HOSTPORT:GUESTPORT`);
  return full;
}

function need(ok: boolean, message: string): void {
  if (!ok) throw new SpecError(message);
}

function nicOf(spec: NicSpec, id: string, ctx: GenerateContext): { model: NicModel; mac: string } {
  const model = spec.model ?? 'virtio-net-pci';
  need((NIC_MODELS as readonly string[]).includes(model), `unknown NIC model '${model}' (one of ${NIC_MODELS.join(', ')})`);
  if (spec.mac !== undefined) {
    need(isValidMac(spec.mac), `invalid MAC '${spec.mac}': expected six hex pairs separated by ':'`);
    need(!isMulticastMac(spec.mac), `MAC '${spec.mac}' is multicast; a NIC needs a unicast address`);
  }
  return { model, mac: (spec.mac ?? stableMac(ctx.scriptPath, id, ctx.existingMacs)).toLowerCase() };
}

/** Legacy `-net nic,model=` names for the modern device models. */
const LEGACY_MODEL: Partial<Record<NicModel, string>> = { 'virtio-net-pci': 'virtio', pcnet: 'pcnet', 'ne2k_pci': 'ne2k_pci' };

function nicArgs(backend: string, id: string, model: NicModel, mac: string, ctx: GenerateContext): string[] {
  if (ctx.legacy) {
    return ['-net', `nic,model=${LEGACY_MODEL[model] ?? model},macaddr=${mac}`, '-net', backend.replace(/,id=[^,]*/, '')];
  }
  return ['-netdev', backend, '-device', `${model},netdev=${id},mac=${mac}`];
}

function user(spec: UserSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  const { model, mac } = nicOf(spec, id, ctx);
  let backend = `user,id=${id}`;
  if (spec.restrict) backend += ',restrict=on';
  for (const [key, v] of [['net', spec.net], ['host', spec.host], ['dns', spec.dns]] as const) {
    if (v === undefined) continue;
    need(key === 'net' ? IPV4_NET.test(v) : IPV4.test(v), `invalid --${key} '${v}': expected an IPv4 address${key === 'net' ? '[/prefix]' : ''}`);
    backend += `,${key}=${v}`;
  }
  const addressProblem = slirpAddressProblem(spec.net, spec.host, spec.dns);
  if (addressProblem) throw new SpecError(addressProblem);
  for (const rule of spec.hostfwd ?? []) backend += `,hostfwd=${normalizeHostfwd(rule)}`;
  return { args: nicArgs(backend, id, model, mac, ctx), redirects: [], prelude: [], files: [], id, mac };
}

export function ifupScript(bridge: string): string {
  return `#!/bin/sh
# qemu-ifup: QEMU runs this with the tap interface name as $1 once it has created the tap.
set -e
ip link set dev "$1" master ${bridge}
ip link set dev "$1" up
`;
}

export function ifdownScript(): string {
  return `#!/bin/sh
# qemu-ifdown: QEMU runs this with the tap interface name as $1 when the guest stops.
ip link set dev "$1" nomaster || true
ip link set dev "$1" down || true
`;
}

function tap(spec: TapSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  const bridge = spec.bridge ?? 'br0';
  need(IFNAME.test(bridge), `invalid bridge name '${bridge}'`);
  const ifname = spec.ifname ?? `tap-${id}`.slice(0, 15);
  need(IFNAME.test(ifname), `invalid tap name '${ifname}' (at most 15 letters, digits, '_', '.', '-')`);
  const { model, mac } = nicOf(spec, id, ctx);
  const script = spec.script ?? 'no';
  const prelude = [`# Bridge ${bridge} must exist and be up: ip link add ${bridge} type bridge && ip link set ${bridge} up`];
  const files: GeneratedFile[] = [];
  let backend = `tap,id=${id},ifname=${ifname}`;
  if (script === 'no') {
    prelude.push(
      `# Tap ${ifname} is created before QEMU starts and put on ${bridge}:`,
      `ip tuntap add dev ${ifname} mode tap 2>/dev/null || true`,
      `ip link set dev ${ifname} master ${bridge} up`,
    );
    backend += ',script=no,downscript=no';
  } else {
    let up = script;
    let down: string | undefined;
    if (script === 'generate') {
      const dir = path.dirname(ctx.scriptPath);
      up = path.join(dir, `qemu-ifup-${bridge}`);
      down = path.join(dir, `qemu-ifdown-${bridge}`);
      files.push({ path: up, content: ifupScript(bridge) }, { path: down, content: ifdownScript() });
    }
    need(!up.includes(','), `script path '${up}' must not contain a comma`);
    backend += `,script=${up},downscript=${down ?? 'no'}`;
  }
  if (spec.vhost) backend += ',vhost=on';
  return { args: nicArgs(backend, id, model, mac, ctx), redirects: [], prelude, files, id, mac };
}

function macvtap(spec: MacvtapSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  need(IFNAME.test(spec.link), `invalid host interface '${spec.link}'`);
  const name = spec.name ?? `macvtap-${id}`.slice(0, 15);
  need(IFNAME.test(name), `invalid macvtap name '${name}'`);
  const mode = spec.macvtapMode ?? 'bridge';
  need((MACVTAP_MODES as readonly string[]).includes(mode), `unknown macvtap mode '${mode}' (one of ${MACVTAP_MODES.join(', ')})`);
  const fd = spec.fd ?? 3;
  need(Number.isInteger(fd) && fd >= 3 && fd <= 9, `--fd must be 3..9 (a single digit the shell can redirect), not ${fd}`);
  const { model, mac } = nicOf(spec, id, ctx);
  // The guest's MAC must be the macvtap's own, or the macvtap drops the guest's frames.
  const prelude = [
    `# macvtap ${name} on ${spec.link} (mode ${mode}); QEMU gets it as fd ${fd}. The guest MAC must equal the macvtap's.`,
    `ip link show dev ${name} >/dev/null 2>&1 || ip link add link ${spec.link} name ${name} type macvtap mode ${mode}`,
    `ip link set dev ${name} address ${mac} up`,
    // Without this guard, bash's N<> would create a plain file /dev/tapN when the macvtap is missing,
    // and that file would shadow the device node for every later run.
    `[ -c "/dev/tap$(cat /sys/class/net/${name}/ifindex)" ] || { echo "macvtap ${name}: no /dev/tapN device" >&2; exit 1; }`,
  ];
  let backend = `tap,id=${id},fd=${fd}`;
  if (spec.vhost) backend += ',vhost=on';
  return {
    args: nicArgs(backend, id, model, mac, ctx),
    redirects: [`${fd}<>/dev/tap$(cat /sys/class/net/${name}/ifindex)`],
    prelude,
    files: [],
    id,
    mac,
  };
}

export function vfioPrelude(bdf: string): string[] {
  const dev = `/sys/bus/pci/devices/${bdf}`;
  return [
    `# PCI passthrough of ${bdf} with vfio-pci. Prepare the host once, as root:`,
    '#   IOMMU: boot with intel_iommu=on (Intel) or amd_iommu=on (AMD); check: ls /sys/kernel/iommu_groups | wc -l  (> 0)',
    '#   modprobe vfio-pci    (loads vfio and vfio_iommu_type1)',
    `#   bind: driverctl set-override ${bdf} vfio-pci`,
    `#   or:   echo vfio-pci > ${dev}/driver_override; echo ${bdf} > ${dev}/driver/unbind; echo ${bdf} > /sys/bus/pci/drivers_probe`,
    `#   every device in its IOMMU group goes to vfio-pci too: ls ${dev}/iommu_group/devices`,
    '#   without interrupt remapping (unsafe): modprobe vfio_iommu_type1 allow_unsafe_interrupts=1',
  ];
}

function vfio(spec: VfioSpec, ctx: GenerateContext): Generated {
  const bdf = parseBdf(spec.bdf);
  if (!bdf) throw new SpecError(invalidBdfMessage(spec.bdf));
  const id = spec.id ?? uniqueId('hostdev', ctx.existingIds);
  need(ID.test(id), `invalid id '${id}'`);
  return { args: ['-device', `vfio-pci,${qemuHostProp(bdf)},id=${id}`], redirects: [], prelude: vfioPrelude(bdf), files: [], id };
}

/** QEMU's parse_host_port: HOST (an IPv4 address, a host name, or empty) and a port of up to 5 digits. */
export function parseHostPort(v: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9.-]*):(\d{1,5})$/.exec(v);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

function hostPort(what: string, v: string | undefined, emptyHost: boolean): { host: string; port: number } {
  const at = v !== undefined ? parseHostPort(v) : undefined;
  need(at !== undefined && at.port >= 1 && at.port <= 65535, `invalid ${what} '${v ?? ''}': expected HOST:PORT with an IPv4 address or host name and a port 1..65535`);
  need(emptyHost || at!.host !== '', `${what} '${v}' needs a host before the ':'`);
  return at!;
}

function isMulticastIpv4(a: string): boolean {
  const first = Number(a.split('.')[0]);
  return IPV4.test(a) && first >= 224 && first <= 239;
}

function socket(spec: SocketSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  need((SOCKET_KINDS as readonly string[]).includes(spec.kind), `unknown socket kind '${spec.kind}' (one of ${SOCKET_KINDS.join(', ')})`);
  const { model, mac } = nicOf(spec, id, ctx);
  const at = hostPort(`${spec.kind} address`, spec.address, spec.kind === 'listen');
  let backend = `socket,id=${id},${spec.kind}=${spec.address}`;
  const prelude: string[] = [];
  if (spec.kind === 'mcast') {
    // QEMU refuses a group outside 224.0.0.0/4 when the netdev starts ("does not contain a multicast address").
    need(isMulticastIpv4(at.host), `mcast address '${at.host}' is not an IPv4 multicast group (224.0.0.0 to 239.255.255.255)`);
    if (spec.local !== undefined) {
      need(IPV4.test(spec.local), `invalid mcast local address '${spec.local}': expected an IPv4 address`);
      backend += `,localaddr=${spec.local}`;
    }
    prelude.push(`# Every guest NIC on multicast group ${spec.address} sees the others' frames (a virtual hub between QEMU processes).`);
  } else if (spec.kind === 'udp') {
    need(spec.local !== undefined, 'a udp socket needs the local HOST:PORT (QEMU: localaddr= is mandatory with udp=)');
    hostPort('udp local address', spec.local, false);
    backend += `,localaddr=${spec.local}`;
    prelude.push(`# Frames go as UDP datagrams to ${spec.address}, from ${spec.local}.`);
  } else if (spec.kind === 'connect') {
    prelude.push(`# Another QEMU must listen on ${spec.address} (-netdev socket,listen=…) before this one starts.`);
  } else {
    prelude.push(`# A second QEMU joins this NIC's link with -netdev socket,connect=${at.host || '127.0.0.1'}:${at.port}.`);
  }
  return { args: nicArgs(backend, id, model, mac, ctx), redirects: [], prelude, files: [], id, mac };
}

/** The model of a NIC that only virtio can drive (vhost-user, vDPA). */
function virtioOnly(spec: NicSpec, what: string): void {
  need(spec.model === undefined || spec.model === 'virtio-net-pci', `${what} serves virtio NICs only, not '${spec.model}'`);
}

function queuesOf(spec: { queues?: number }): number | undefined {
  if (spec.queues === undefined || spec.queues === 1) return undefined;
  need(Number.isInteger(spec.queues) && spec.queues >= 1 && spec.queues <= 1024, `queues must be 1..1024, not ${spec.queues}`);
  return spec.queues;
}

/** Arguments with `extra` (`,key=value…`) appended to the value of their last -device: the NIC of a generated pair. */
export function appendToDevice(args: readonly string[], extra: string): string[] {
  const i = args.lastIndexOf('-device') + 1;
  return args.map((a, k) => (k === i && extra ? a + extra : a));
}

/** `,mq=on,vectors=2N+2`: a multiqueue virtio NIC needs a vector per queue pair plus config and control. */
function multiqueue(args: string[], queues: number | undefined): string[] {
  return queues === undefined ? args : appendToDevice(args, `,mq=on,vectors=${2 * queues + 2}`);
}

function vhostUser(spec: VhostUserSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  virtioOnly(spec, 'vhost-user');
  need(ctx.legacy !== true, 'vhost-user has no legacy -net form');
  need(path.isAbsolute(spec.path) && !spec.path.includes(','), `invalid vhost-user socket path '${spec.path}': an absolute path without commas`);
  const queues = queuesOf(spec);
  const { model, mac } = nicOf(spec, id, ctx);
  const chardev = `chr-${id}`;
  let options = spec.server ? ',server=on,wait=off' : '';
  if (spec.reconnect !== undefined) {
    need(!spec.server && Number.isInteger(spec.reconnect) && spec.reconnect >= 0, 'reconnect applies to a vhost-user client (QEMU connects) and is whole seconds');
    if (spec.reconnect > 0) options += `,reconnect=${spec.reconnect}`;
  }
  const prelude = [
    ...(ctx.sharedMemory
      ? []
      : ['# vhost-user: the backend reads guest memory directly, so the guest RAM must be shared:', '#   -object memory-backend-memfd,id=ram0,size=<RAM>,share=on -machine memory-backend=ram0']),
    spec.server
      ? `# QEMU listens on ${spec.path}; the backend connects to it (vhost-user client mode, e.g. OVS dpdkvhostuserclient).`
      : `# The backend (e.g. OVS-DPDK dpdkvhostuser, VPP) must be listening on ${spec.path} before QEMU starts.`,
  ];
  return {
    args: [
      '-chardev',
      `socket,id=${chardev},path=${spec.path}${options}`,
      ...multiqueue(nicArgs(`vhost-user,id=${id},chardev=${chardev}${queues ? `,queues=${queues}` : ''}`, id, model, mac, ctx), queues),
    ],
    redirects: [],
    prelude,
    files: [],
    id,
    mac,
  };
}

function vdpa(spec: VdpaSpec, ctx: GenerateContext): Generated {
  const id = spec.id ?? uniqueId('net', ctx.existingIds);
  virtioOnly(spec, 'vhost-vdpa');
  need(ctx.legacy !== true, 'vhost-vdpa has no legacy -net form');
  need(/^\/dev\/vhost-vdpa-\d+$/.test(spec.device), `invalid vDPA device '${spec.device}': expected /dev/vhost-vdpa-N`);
  const queues = queuesOf(spec);
  const { model, mac } = nicOf(spec, id, ctx);
  const prelude = [`# vDPA device ${spec.device}: create it first (vdpa dev add …) and bind it to vhost_vdpa; see: vdpa dev show`];
  const backend = `vhost-vdpa,id=${id},vhostdev=${spec.device}${queues ? `,queues=${queues}` : ''}`;
  return { args: multiqueue(nicArgs(backend, id, model, mac, ctx), queues), redirects: [], prelude, files: [], id, mac };
}

/** Generates one mode's arguments; throws SpecError with a user-facing message on a bad option. */
export function generate(spec: NetworkSpec, ctx: GenerateContext): Generated {
  if (spec.id !== undefined) {
    need(ID.test(spec.id), `invalid id '${spec.id}': a letter, then letters, digits, '_', '.', '-'`);
    need(!ctx.existingIds?.has(spec.id), `id '${spec.id}' is already used in this script`);
  }
  if (ctx.legacy && spec.mode === 'vfio') throw new SpecError('vfio-pci has no legacy -net form');
  switch (spec.mode) {
    case 'user':
      return user(spec, ctx);
    case 'tap':
      return tap(spec, ctx);
    case 'macvtap':
      return macvtap(spec, ctx);
    case 'vfio':
      return vfio(spec, ctx);
    case 'socket':
      return socket(spec, ctx);
    case 'vhost-user':
      return vhostUser(spec, ctx);
    case 'vdpa':
      return vdpa(spec, ctx);
  }
}
