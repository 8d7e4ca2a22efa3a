import { bdfFromXmlAddress, libvirtNumber, PCI_ADDRESS_FIELDS, qemuAddr, type Bdf } from '../pci/bdf';
import type { Span } from '../qemu/shell';
import { appendToDevice, generate, SpecError, type Generated, type MacvtapMode, type NetworkSpec, type NicModel, type SocketKind } from '../qemu/generate';
import { shellQuote } from '../util/shellQuote';
import { isValidMac } from '../mac';
import { attrValue, childElements, elementAt, firstChild, parseXml, type XmlElement } from '../xml/document';
import { guestArgs } from './guestArgs';
import { CONVERTIBLE_NIC_MODELS, ConvertError, LIBVIRT_SOCKET_TYPE, qemuNicDriver, type ConvertNote, type Mapped } from './model';
import { XmlTracker } from './xmlTracker';

/**
 * libvirt domain XML → QEMU arguments in the project's modern syntax (-netdev/-device, vfio-pci), with the host
 * preparation steps of the generators (../qemu/generate). A whole domain becomes a launch script; an
 * <interface>/<hostdev> alone becomes its arguments.
 */

export interface ArgsConversion {
  /** The launch script (whole domain) or the device's host steps and argument line. */
  readonly text: string;
  readonly args: readonly string[];
  readonly redirects: readonly string[];
  readonly prelude: readonly string[];
  readonly mapped: readonly Mapped[];
  /** Located on the XML. */
  readonly notes: readonly ConvertNote[];
  /** 'domain' or the element converted alone. */
  readonly scope: 'domain' | 'interface' | 'hostdev';
  /** The start tag of the element converted (the <domain>, or the device alone). */
  readonly element: Span;
}

export interface XmlConvertOptions {
  /** Seeds the stable MACs generated for interfaces without one. */
  readonly scriptPath?: string;
  /** An offset inside an <interface> or <hostdev>: convert only that device. */
  readonly at?: number;
}

const MACVTAP: readonly string[] = ['bridge', 'vepa', 'private', 'passthru'];
/** libvirt's socket interface types and the -netdev socket option each becomes. */
const SOCKET_KIND = new Map(Object.entries(LIBVIRT_SOCKET_TYPE).map(([kind, type]) => [type, kind as SocketKind]));
/** libvirt's NIC model when an x86 interface names none (qemuDomainDefaultNetModel). */
const LIBVIRT_DEFAULT_MODEL = 'rtl8139';
const MAX_RANGE_PORTS = 64;

interface Ctx {
  readonly t: XmlTracker;
  readonly scriptPath: string;
  readonly ids: Set<string>;
  readonly macs: Set<string>;
  /** Shell fds given to macvtaps so far: each needs its own (3..9, one digit the shell redirects). */
  readonly fds: Set<number>;
  /** The domain's RAM is a shared memory backend (set once the guest basics are read). */
  sharedMemory: boolean;
  /** The guest's architecture and machine (x86_64 pc for a device converted alone). */
  arch: string;
  machine: string;
}

const ARM = /^(?:aarch64|armv[67]l)$/;

/**
 * Where a NIC of this guest sits, as libvirt decides it. x86 and ARM 'virt' machines put NICs on PCI, which is
 * what the generators write; libvirt's default model there is rtl8139 (x86) or virtio (ARM virt). s390 guests
 * use the ccw bus, other ARM boards their own NICs, and a virtio-mmio address asks for virtio-net-device: none
 * of these are generated here (a reason, for a note).
 */
function nicPlatform(c: Ctx, iface: XmlElement): { defaultModel: string } | string {
  const addressEl = firstChild(iface, 'address');
  const address = addressEl ? attrValue(addressEl, 'type') : undefined;
  if (/^s390/.test(c.arch)) return `a NIC of an ${c.arch} guest: libvirt puts it on the ccw bus (virtio-net-ccw); only PCI NICs are generated here`;
  if (address === 'virtio-mmio' || address === 'ccw') return `a NIC with a ${address} address (${address === 'ccw' ? 'virtio-net-ccw' : 'virtio-net-device'}); only PCI NICs are generated here`;
  if (ARM.test(c.arch)) {
    if (!/^virt(?:-|$)/.test(c.machine)) return `a NIC of the ${c.arch} board '${c.machine}': its NICs are not PCI devices`;
    return { defaultModel: 'virtio' };
  }
  return { defaultModel: LIBVIRT_DEFAULT_MODEL };
}

/** Boot orders and port ranges: libvirt reads them as decimal (virXMLPropUInt base 10). */
function decimal(v: string | undefined): number | undefined {
  const s = v?.trim();
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
}

/** The BDF of a <source><address domain bus slot function/>, read as libvirt reads it. */
function sourceBdf(c: Ctx, src: XmlElement | undefined): Bdf | undefined {
  const a = src ? c.t.child(src, 'address') : undefined;
  if (!a) return undefined;
  c.t.attr(a, 'type');
  return bdfFromXmlAddress((k) => c.t.attr(a, k));
}

/** `,addr=0xSS.F` for a guest address on the root bus (bus 0); other buses are reported. */
function guestAddr(c: Ctx, dev: XmlElement): string {
  const a = c.t.child(dev, 'address');
  if (!a) return '';
  if (c.t.attr(a, 'type') !== 'pci') return '';
  const [d, b, s, f] = (['domain', 'bus', 'slot', 'function'] as const).map((k) => {
    const v = c.t.attr(a, k);
    return v === undefined ? undefined : libvirtNumber(v);
  });
  c.t.attr(a, 'multifunction');
  if ((d ?? 0) !== 0 || (b ?? 0) !== 0 || s === undefined || s > PCI_ADDRESS_FIELDS.slot.max || (f ?? 0) > PCI_ADDRESS_FIELDS.function.max) {
    c.t.note(a.openTagSpan, 'warning', 'not translated: a guest PCI address off the root bus (QEMU places the device itself)');
    return '';
  }
  return `,addr=${qemuAddr({ slot: s, fn: f ?? 0 })}`;
}

function bootIndex(c: Ctx, dev: XmlElement): string {
  const order = decimal(c.t.attr(c.t.child(dev, 'boot'), 'order'));
  return order !== undefined && order > 0 ? `,bootindex=${order - 1}` : '';
}

/** Forwards of <portForward> elements as QEMU hostfwd rules (IPv4 only in QEMU 7.2's slirp). */
function forwards(c: Ctx, iface: XmlElement): string[] {
  const out: string[] = [];
  for (const pf of childElements(iface, 'portForward')) {
    c.t.take(pf);
    const proto = c.t.attr(pf, 'proto') ?? 'tcp';
    const addr = c.t.attr(pf, 'address') ?? '';
    if (c.t.attr(pf, 'dev') !== undefined) c.t.note(pf.openTagSpan, 'warning', "not translated: portForward dev= (slirp binds by address only)");
    if (addr.includes(':')) {
      c.t.note(pf.openTagSpan, 'warning', `not translated: IPv6 forward address ${addr} (QEMU 7.2's hostfwd is IPv4 only)`);
      c.t.takeAll(pf);
      continue;
    }
    const ports = new Map<number, number>();
    const excluded = new Set<number>();
    for (const r of childElements(pf, 'range')) {
      c.t.take(r);
      const start = decimal(c.t.attr(r, 'start'));
      const end = decimal(c.t.attr(r, 'end')) ?? start;
      const to = decimal(c.t.attr(r, 'to')) ?? start;
      const exclude = c.t.attr(r, 'exclude') === 'yes';
      if (start === undefined || end === undefined || to === undefined || end < start || end - start >= MAX_RANGE_PORTS) {
        c.t.note(r.openTagSpan, 'warning', `not translated: port range (at most ${MAX_RANGE_PORTS} ports become hostfwd rules)`);
        continue;
      }
      for (let p = start; p <= end; p++) {
        if (exclude) excluded.add(p);
        else ports.set(p, to + (p - start));
      }
    }
    for (const [hp, gp] of ports) if (!excluded.has(hp)) out.push(`${proto}:${addr}:${hp}-:${gp}`);
  }
  return out;
}

/**
 * Interface types only a virtio NIC can serve. libvirt makes a vdpa interface's model virtio when none is given;
 * a vhostuser interface without one it refuses (the lint rule vhostuser-model-not-virtio), so that is a warning.
 */
const VIRTIO_ONLY = new Set(['vhostuser', 'vdpa']);

/** Marks the interface children the generators cover; the rest is reported by finish(). */
function nicBasics(c: Ctx, iface: XmlElement, type: string | undefined): { model: NicModel; mac?: string } | string {
  const platform = nicPlatform(c, iface);
  if (typeof platform === 'string') return platform;
  const modelEl = c.t.child(iface, 'model');
  const raw = c.t.attr(modelEl, 'type');
  const fallback = VIRTIO_ONLY.has(type ?? '') ? 'virtio' : platform.defaultModel;
  const model = qemuNicDriver(raw ?? fallback);
  if (!raw && type === 'vhostuser') c.t.note(iface.openTagSpan, 'warning', "no <model>: libvirt refuses a vhostuser interface without model type='virtio'; virtio-net-pci used");
  else if (!raw) c.t.note(iface.openTagSpan, 'info', `no <model>: libvirt's default for ${VIRTIO_ONLY.has(type ?? '') ? `type='${type}'` : `${c.arch} ${c.machine}`}, ${fallback}, made explicit`);
  if (!CONVERTIBLE_NIC_MODELS.has(model)) return `NIC model '${raw}' has no QEMU x86 PCI device here`;
  const mac = c.t.attr(c.t.child(iface, 'mac'), 'address');
  for (const k of ['type', 'check']) c.t.attr(c.t.child(iface, 'mac'), k);
  if (mac !== undefined && !isValidMac(mac)) return `MAC '${mac}' is not six hex pairs`;
  if (mac === undefined) c.t.note(iface.openTagSpan, 'info', 'no <mac>: libvirt would pick one at define time; a MAC stable for this script is used');
  c.t.takeAll(c.t.child(iface, 'alias'));
  return { model: model as NicModel, ...(mac ? { mac: mac.toLowerCase() } : {}) };
}

function vhostOf(c: Ctx, iface: XmlElement): boolean {
  const drv = c.t.child(iface, 'driver');
  return c.t.attr(drv, 'name') === 'vhost';
}

/** The NetworkSpec of one <interface>, or why there is none. */
function interfaceSpec(c: Ctx, iface: XmlElement): { spec: NetworkSpec; ethernet?: { up?: string; down?: string; managed: boolean } } | string {
  const type = c.t.attr(iface, 'type');
  const basics = nicBasics(c, iface, type);
  if (typeof basics === 'string') return basics;
  const src = c.t.child(iface, 'source');
  const target = c.t.child(iface, 'target');
  const tap = c.t.attr(target, 'dev');
  switch (type) {
    case 'user': {
      const backend = c.t.child(iface, 'backend');
      if (c.t.attr(backend, 'type') === 'passt') c.t.note(backend!.openTagSpan, 'info', "passt backend: QEMU 7.2 has no passt netdev, slirp's hostfwd forwards the same ports");
      const ip = childElements(iface, 'ip').find((e) => (c.t.attr(e, 'family') ?? 'ipv4') === 'ipv4');
      if (ip) c.t.take(ip);
      const net = ip ? `${c.t.attr(ip, 'address')}/${c.t.attr(ip, 'prefix') ?? '24'}` : undefined;
      return { spec: { mode: 'user', ...basics, hostfwd: forwards(c, iface), ...(net ? { net } : {}) } };
    }
    case 'bridge': {
      const bridge = c.t.attr(src, 'bridge');
      if (!bridge) return "type='bridge' without <source bridge=…>";
      return { spec: { mode: 'tap', ...basics, bridge, ...(tap ? { ifname: tap } : {}), script: 'no', vhost: vhostOf(c, iface) } };
    }
    case 'ethernet': {
      const managed = c.t.attr(target, 'managed') !== 'no';
      const up = c.t.attr(c.t.child(iface, 'script'), 'path');
      const down = c.t.attr(c.t.child(iface, 'downscript'), 'path');
      return { spec: { mode: 'tap', ...basics, ...(tap ? { ifname: tap } : {}), vhost: vhostOf(c, iface) }, ethernet: { managed, ...(up ? { up } : {}), ...(down ? { down } : {}) } };
    }
    case 'direct': {
      const link = c.t.attr(src, 'dev');
      const mode = c.t.attr(src, 'mode') ?? 'vepa';
      if (!link) return "type='direct' without <source dev=…>";
      if (!MACVTAP.includes(mode)) return `macvtap mode '${mode}'`;
      const fd = [3, 4, 5, 6, 7, 8, 9].find((n) => !c.fds.has(n));
      if (fd === undefined) return 'a macvtap beyond the seventh (each needs its own shell fd 3..9)';
      c.fds.add(fd);
      return { spec: { mode: 'macvtap', ...basics, link, macvtapMode: mode as MacvtapMode, ...(tap ? { name: tap } : {}), fd, vhost: vhostOf(c, iface) } };
    }
    case 'hostdev': {
      c.t.attr(iface, 'managed');
      const bdf = sourceBdf(c, src);
      if (!bdf) return "type='hostdev' without a PCI <source><address>";
      if (basics.mac) c.t.note(iface.openTagSpan, 'warning', `not translated: MAC ${basics.mac} (libvirt sets it on the VF through its PF: ip link set PF vf N mac ${basics.mac})`);
      return { spec: { mode: 'vfio', bdf } };
    }
    case 'server':
    case 'client':
    case 'mcast':
    case 'udp': {
      const host = c.t.attr(src, 'address') ?? '';
      const port = c.t.attr(src, 'port');
      if (port === undefined) return `type='${type}' without <source port=…>`;
      // Only udp has a <local> in libvirt's schema; elsewhere the tracker reports it.
      const localEl = src && type === 'udp' ? c.t.child(src, 'local') : undefined;
      const localHost = c.t.attr(localEl, 'address');
      const localPort = c.t.attr(localEl, 'port');
      const local = localHost !== undefined && localPort !== undefined ? `${localHost}:${localPort}` : undefined;
      return { spec: { mode: 'socket', ...basics, kind: SOCKET_KIND.get(type)!, address: `${host}:${port}`, ...(local !== undefined ? { local } : {}) } };
    }
    case 'vhostuser': {
      const srcType = c.t.attr(src, 'type');
      const socketPath = c.t.attr(src, 'path');
      if (srcType !== 'unix' || !socketPath) return "type='vhostuser' without <source type='unix' path=…>";
      const rc = src ? c.t.child(src, 'reconnect') : undefined;
      const rcTimeout = c.t.attr(rc, 'enabled') === 'yes' ? decimal(c.t.attr(rc, 'timeout')) : undefined;
      const queues = decimal(c.t.attr(c.t.child(iface, 'driver'), 'queues'));
      const server = c.t.attr(src, 'mode') === 'server';
      if (server && rcTimeout !== undefined) c.t.note(rc!.openTagSpan, 'warning', 'not translated: <reconnect> with mode=\'server\' (QEMU reconnects only as the client)');
      return { spec: { mode: 'vhost-user', ...basics, path: socketPath, server, ...(queues ? { queues } : {}), ...(rcTimeout !== undefined && !server ? { reconnect: rcTimeout } : {}) } };
    }
    case 'vdpa': {
      const device = c.t.attr(src, 'dev');
      if (!device) return "type='vdpa' without <source dev=…>";
      const queues = decimal(c.t.attr(c.t.child(iface, 'driver'), 'queues'));
      return { spec: { mode: 'vdpa', ...basics, device, ...(queues ? { queues } : {}) } };
    }
    default:
      return `interface type='${type ?? '?'}'${type === 'network' ? ` (the libvirt network '${c.t.attr(src, 'network') ?? '?'}' is defined on the host)` : ''}`;
  }
}

/** Generated arguments for an ethernet interface: a tap QEMU opens by name, with libvirt's scripts or none. */
function ethernetArgs(g: Generated, eth: { up?: string; down?: string; managed: boolean }, ifname: string | undefined): Generated {
  const backend = g.args[1]!.replace(/,script=[^,]*,downscript=[^,]*/, `,script=${eth.up ?? 'no'},downscript=${eth.down ?? 'no'}`);
  const prelude = eth.managed ? [] : [`# Tap ${ifname ?? '(unnamed)'} is prepared outside (libvirt managed='no'): ip tuntap add dev ${ifname ?? 'TAP'} mode tap`];
  return { ...g, args: [g.args[0]!, backend, ...g.args.slice(2)], prelude, files: [] };
}

function deviceArgs(c: Ctx, dev: XmlElement): Generated | undefined {
  c.t.take(dev);
  let spec: NetworkSpec;
  let eth: { up?: string; down?: string; managed: boolean } | undefined;
  if (dev.name === 'hostdev') {
    c.t.attr(dev, 'managed');
    const type = c.t.attr(dev, 'type');
    c.t.attr(dev, 'mode');
    const drv = c.t.attr(c.t.child(dev, 'driver'), 'name');
    if (drv === 'kvm') c.t.note(dev.openTagSpan, 'info', "driver name='kvm' (legacy KVM assignment) is gone from QEMU: vfio-pci assigns the device");
    const bdf = type === 'pci' ? sourceBdf(c, c.t.child(dev, 'source')) : undefined;
    if (!bdf) {
      c.t.takeAll(dev);
      c.t.note(dev.openTagSpan, 'warning', `not translated: <hostdev type='${type ?? '?'}'>${type === 'pci' ? ' without a source address' : ' (only PCI devices become vfio-pci)'}`);
      return undefined;
    }
    spec = { mode: 'vfio', bdf };
  } else {
    const r = interfaceSpec(c, dev);
    if (typeof r === 'string') {
      c.t.takeAll(dev);
      c.t.note(dev.openTagSpan, 'warning', `not translated: ${r}`);
      return undefined;
    }
    spec = r.spec;
    eth = r.ethernet;
  }
  try {
    let g = generate(spec, { scriptPath: c.scriptPath, existingIds: c.ids, existingMacs: c.macs, sharedMemory: c.sharedMemory });
    c.ids.add(g.id);
    if (g.mac) c.macs.add(g.mac);
    if (eth) g = ethernetArgs(g, eth, spec.mode === 'tap' ? spec.ifname : undefined);
    g = { ...g, args: appendToDevice(g.args, guestAddr(c, dev) + bootIndex(c, dev)) };
    c.t.map(dev.openTagSpan, `<${dev.name} type='${dev.attributes.find((a) => a.name === 'type')?.value ?? ''}'> → ${g.args.join(' ')}`);
    return g;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    c.t.takeAll(dev);
    c.t.note(dev.openTagSpan, 'warning', `not translated: ${e.message}`);
    return undefined;
  }
}

export function domainToArgs(xml: string, options: XmlConvertOptions = {}): ArgsConversion {
  const doc = parseXml(xml);
  if (doc.error) throw new ConvertError(`the XML is not well-formed: ${doc.error.message} (line ${doc.rangeOf(doc.error.span).start.line + 1})`);
  const t = new XmlTracker();
  const c: Ctx = { t, scriptPath: options.scriptPath ?? 'domain.xml', ids: new Set(), macs: new Set(), fds: new Set(), sharedMemory: false, arch: 'x86_64', machine: 'pc' };
  const root = doc.root!;
  // A device converted alone from inside a domain sits on that domain's platform.
  const os = root.name === 'domain' ? firstChild(root, 'os') : undefined;
  const osType = os ? firstChild(os, 'type') : undefined;
  c.arch = (osType && attrValue(osType, 'arch')) ?? c.arch;
  c.machine = (osType && attrValue(osType, 'machine')) ?? c.machine;
  if (options.at !== undefined) {
    let e = elementAt(doc, options.at);
    while (e && !((e.name === 'interface' || e.name === 'hostdev') && (e.parent?.name === 'devices' || e === root))) e = e.parent;
    if (e) return deviceOnly(c, e);
  }
  if (root.name === 'interface' || root.name === 'hostdev') return deviceOnly(c, root);
  if (root.name !== 'domain') throw new ConvertError(`expected a <domain> (or an <interface>/<hostdev>), found <${root.name}>`);
  return wholeDomain(c, root);
}

function deviceOnly(c: Ctx, dev: XmlElement): ArgsConversion {
  const g = deviceArgs(c, dev);
  const notes = c.t.finish(dev);
  const args = g?.args ?? [];
  const line = [...args.map(shellQuote), ...(g?.redirects ?? [])].join(' ');
  const text = `${[...(g?.prelude ?? []), line].join('\n')}\n`;
  return { text, args, redirects: g?.redirects ?? [], prelude: g?.prelude ?? [], mapped: c.t.mapped, notes, scope: dev.name as 'interface' | 'hostdev', element: dev.openTagSpan };
}


function wholeDomain(c: Ctx, root: XmlElement): ArgsConversion {
  const t = c.t;
  t.take(root);
  const guest = guestArgs(t, root);
  const args = [...guest.args];
  c.sharedMemory = guest.args.some((a) => a.includes('memory-backend='));
  c.arch = guest.arch;
  c.machine = guest.machine;
  const redirects: string[] = [];
  const prelude: string[] = [];
  const devices = t.child(root, 'devices');
  let nics = 0;
  for (const dev of devices ? childElements(devices) : []) {
    if (dev.name !== 'interface' && dev.name !== 'hostdev') continue;
    const g = deviceArgs(c, dev);
    if (!g) continue;
    if (g.args.includes('-netdev')) nics++;
    if (g.args.some((a) => a.startsWith('vhost-user,')) && !c.sharedMemory) {
      t.note(dev.openTagSpan, 'warning', "vhost-user needs the guest RAM shared, and the domain has no <memoryBacking><access mode='shared'/>: the backend cannot map guest memory (libvirt refuses such a domain)");
    }
    args.push(...g.args);
    redirects.push(...g.redirects);
    prelude.push(...g.prelude);
  }
  // Without any -netdev/-nic QEMU would add its own user-mode NIC; the domain has none.
  if (nics === 0) args.push('-nic', 'none');
  const notes = t.finish(root);
  const program = guest.emulator ?? `qemu-system-${guest.arch}`;
  const groups: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('-') && next !== undefined && !next.startsWith('-') && !guest.flags.has(a)) {
      groups.push(`${shellQuote(a)} ${shellQuote(next)}`);
      i++;
    } else groups.push(shellQuote(a));
  }
  if (redirects.length > 0) groups.push(redirects.join(' '));
  const text = [
    '#!/bin/sh',
    `# QEMU launch script converted from the libvirt domain '${guest.name ?? '?'}' by KVM Networking.`,
    'set -eu',
    ...prelude,
    `exec ${shellQuote(program)} \\`,
    groups.map((g) => `  ${g}`).join(' \\\n'),
    '',
  ].join('\n');
  return { text, args, redirects, prelude, mapped: t.mapped, notes: notes.sort((a, b) => a.span.start - b.span.start), scope: 'domain', element: root.openTagSpan };
}

