import { parseBdf, parseQemuAddr, pciAddressAttrs, pciAddressXml, rootBusBdf } from '../pci/bdf';
import type { NetworkDevice } from '../qemu/edit';
import { checkHostfwd, isIpv4, parseHostPort, SOCKET_KINDS } from '../qemu/generate';
import { optionKind, optionsWithId, prop, qemuOptsOn, type LaunchScript, type QemuOption } from '../qemu/model';
import { guestNics, type GuestNic } from '../qemu/nics';
import { deviceSpec } from '../qemu/readback';
import { CONVERTIBLE_NIC_MODELS, LIBVIRT_SOCKET_TYPE, libvirtNicModel } from './model';
import type { Tracker } from './tracker';
import { el, type XmlOut } from './xmlWriter';

/**
 * The network devices of a QEMU invocation as libvirt <interface>/<hostdev> elements. Each guest NIC is paired
 * with its backend (-netdev by id, -nic's own items, the legacy -net hub it shares); the MAC is the one QEMU
 * really gives it (../qemu/nics), so implicit default MACs become explicit.
 */

export interface NetContext {
  readonly t: Tracker;
  readonly script: LaunchScript;
  readonly scriptPath: string;
  readonly machine: string;
}

/** QEMU's default NIC model when -nic/-net nic names none (QEMU 7.2: pc e1000, q35 e1000e). */
function defaultNicModel(machine: string): string {
  return /q35/.test(machine) ? 'e1000e' : 'e1000';
}

const FORWARD = /^(tcp|udp)?:([^:]*):(\d+)-([^:]*):(\d+)$/;

interface Backend {
  readonly option: QemuOption;
  /** Items of the NIC option that belong to the backend (-nic carries both). */
  readonly shared: boolean;
}

/** The PCI slot/function of a -device addr= on the root bus; undefined (left unused) for anything else. */
function guestAddress(c: NetContext, o: QemuOption): XmlOut | undefined {
  const bus = prop(o, 'bus');
  const addr = prop(o, 'addr');
  if (!addr || addr.dynamic || (bus && (bus.dynamic || !/^pcie?\.0$/.test(bus.value)))) return undefined;
  const g = parseQemuAddr(addr.value);
  if (!g) return undefined;
  c.t.take(o, addr);
  if (bus) c.t.take(o, bus);
  return el('address', { type: 'pci', ...pciAddressAttrs(rootBusBdf(g)) });
}

function bootOrder(c: NetContext, o: QemuOption): XmlOut | undefined {
  const v = c.t.literal(o, 'bootindex');
  return v !== undefined && /^\d+$/.test(v) ? el('boot', { order: Number(v) + 1 }) : undefined;
}

/** The model of a NIC option: -device's driver, -nic/-net nic's model= (QEMU's default when absent). */
function nicModel(c: NetContext, nic: GuestNic): string | undefined {
  const o = nic.option;
  if (o.name === '-device') {
    c.t.take(o, prop(o, 'driver'));
    return optionKind(o);
  }
  if (o.name === '-net') c.t.take(o, prop(o, 'type'));
  const raw = c.t.literal(o, 'model') ?? (prop(o, 'model') ? undefined : defaultNicModel(c.machine));
  return raw === 'virtio' ? 'virtio-net-pci' : raw;
}

function backendOf(c: NetContext, nic: GuestNic): Backend | string {
  const o = nic.option;
  const inv = c.t.inv;
  if (o.name === '-nic') return { option: o, shared: true };
  if (o.name === '-device') {
    const ref = prop(o, 'netdev');
    if (!ref) return 'the NIC has no netdev= (it is not connected to anything)';
    c.t.take(o, ref);
    if (ref.dynamic) return `netdev=${ref.value} is only known when the script runs`;
    const nds = optionsWithId(inv, '-netdev', ref.value);
    return nds.length === 1 ? { option: nds[0]!, shared: false } : `netdev '${ref.value}' is defined ${nds.length} times`;
  }
  const vlan = prop(o, 'vlan')?.value ?? '0';
  const group = inv.options.filter((x) => x.name === '-net' && (prop(x, 'vlan')?.value ?? '0') === vlan);
  const nics = group.filter((x) => optionKind(x) === 'nic');
  const backends = group.filter((x) => optionKind(x) !== 'nic');
  for (const x of group) c.t.literal(x, 'vlan');
  if (nics.length !== 1 || backends.length !== 1) {
    return `-net hub ${vlan} joins ${nics.length} NIC(s) and ${backends.length} backend(s); libvirt connects one NIC to one backend`;
  }
  return { option: backends[0]!, shared: false };
}

function forwardsOf(c: NetContext, b: QemuOption): XmlOut[] {
  const out: XmlOut[] = [];
  for (const p of b.props.filter((x) => x.key === 'hostfwd')) {
    c.t.take(b, p);
    const m = FORWARD.exec(p.value);
    if (p.dynamic || !m || checkHostfwd(p.value)) {
      c.t.note(p.range, 'warning', `not translated: hostfwd=${p.value} (${p.dynamic ? 'only known when the script runs' : (checkHostfwd(p.value) ?? 'not a plain rule')})`);
      continue;
    }
    const [, proto, haddr, hport, gaddr, gport] = m;
    if (gaddr !== '' && gaddr !== '10.0.2.15') c.t.note(p.range, 'warning', `guest address ${gaddr} of hostfwd not translated: passt forwards to the guest's one address`);
    if (hport === '0') c.t.note(p.range, 'warning', 'hostfwd host port 0 (any free port) has no libvirt form: the forward uses port 0 as written');
    out.push(el('portForward', { proto: proto ?? 'tcp', address: haddr || undefined }, el('range', { start: Number(hport), to: gport === hport ? undefined : Number(gport) })));
  }
  return out;
}

interface InterfaceParts {
  readonly type: string;
  readonly parts: (XmlOut | undefined)[];
  readonly summary: string;
}

/** The libvirt interface type and its backend elements for one backend option; a string says why not. */
function backendXml(c: NetContext, b: Backend, nic: GuestNic): InterfaceParts | string {
  const o = b.option;
  const t = c.t;
  const type = b.shared ? (prop(o, 'type')?.value ?? 'user') : optionKind(o);
  if (b.shared) t.take(o, prop(o, 'type'));
  else {
    t.take(o, prop(o, 'type'));
    t.literal(o, 'id');
    t.literal(o, 'name');
  }
  if (prop(o, 'type')?.dynamic) return 'the backend type is only known when the script runs';
  if (type === 'user') {
    const forwards = forwardsOf(c, o);
    const net = t.literal(o, 'net');
    const m = net !== undefined ? /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(net) : null;
    if (net !== undefined && !m) t.note(o.span, 'warning', `not translated: net=${net}`);
    const parts = [m ? el('ip', { family: 'ipv4', address: m[1], prefix: m[2] ?? '24' }) : undefined, ...forwards];
    if (forwards.length > 0) {
      parts.push(el('backend', { type: 'passt' }));
      t.note(o.span, 'info', 'port forwards need the passt backend in libvirt (<backend type=\'passt\'/>, passt installed on the host); the guest then gets its address from passt, not 10.0.2.15');
    }
    return { type: 'user', parts, summary: `user${forwards.length ? `, ${forwards.length} port forward(s) via passt` : ''}` };
  }
  if (type === 'bridge') {
    const br = t.literal(o, 'br') ?? 'br0';
    return { type: 'bridge', parts: [el('source', { bridge: br }), vhostDriver(c, o, nic)], summary: `bridge ${br}` };
  }
  if (type === 'socket') return socketXml(c, o);
  if (type === 'vhost-user') return vhostUserXml(c, o, nic);
  if (type === 'vhost-vdpa') {
    const dev = t.literal(o, 'vhostdev');
    if (dev === undefined) return prop(o, 'vhostdev') ? 'the vDPA device is only known when the script runs' : 'vhost-vdpa without vhostdev=';
    return { type: 'vdpa', parts: [el('source', { dev }), queuesDriver(c, o, nic)], summary: `vDPA ${dev}` };
  }
  if (type !== 'tap') return `backend type '${type}' has no translation here`;
  const device: NetworkDevice = { kind: b.shared ? 'nic' : 'netdev', key: '', label: '', options: [o] };
  const spec = deviceSpec(c.script, t.inv, device, c.scriptPath);
  for (const k of ['ifname', 'script', 'downscript', 'fd']) t.literal(o, k);
  if (spec?.mode === 'macvtap') {
    if (!spec.link) return `tap fd=${spec.fd ?? '?'}: no 'ip link add … type macvtap' line in the script says which host interface it sits on`;
    // `ip link add … type macvtap` without a mode makes a vepa macvtap.
    const mode = spec.macvtapMode ?? 'vepa';
    return { type: 'direct', parts: [el('source', { dev: spec.link, mode }), spec.name ? el('target', { dev: spec.name }) : undefined, vhostDriver(c, o, nic)], summary: `macvtap on ${spec.link} (${mode})` };
  }
  if (spec?.mode !== 'tap') return `tap with fd=${prop(o, 'fd')?.value ?? '?'} (a file descriptor from outside the script)`;
  const scriptValue = prop(o, 'script');
  if (spec.bridge) {
    return { type: 'bridge', parts: [el('source', { bridge: spec.bridge }), spec.ifname ? el('target', { dev: spec.ifname }) : undefined, vhostDriver(c, o, nic)], summary: `tap on bridge ${spec.bridge}` };
  }
  const up = scriptValue ? spec.script : '/etc/qemu-ifup';
  const downProp = prop(o, 'downscript');
  const down = downProp ? (downProp.value === 'no' ? undefined : downProp.value) : '/etc/qemu-ifdown';
  if (!scriptValue) t.note(o.span, 'info', 'no script=: QEMU runs /etc/qemu-ifup and /etc/qemu-ifdown, so the interface names them');
  const managed = up === undefined || up === 'no';
  return {
    type: 'ethernet',
    parts: [
      spec.ifname ? el('target', { dev: spec.ifname, managed: managed ? 'no' : undefined }) : undefined,
      !managed ? el('script', { path: up }) : undefined,
      down !== undefined ? el('downscript', { path: down }) : undefined,
      vhostDriver(c, o, nic),
    ],
    summary: managed ? `tap ${spec.ifname ?? ''} prepared outside (unmanaged)` : `tap with ifup script ${up}`,
  };
}


/** -netdev socket (listen/connect/mcast/udp) as a server/client/mcast/udp interface. */
function socketXml(c: NetContext, o: QemuOption): InterfaceParts | string {
  const t = c.t;
  const kinds = SOCKET_KINDS.filter((k) => prop(o, k));
  if (kinds.length !== 1) return prop(o, 'fd') ? 'socket fd= (a socket opened outside the script)' : 'a socket backend needs exactly one of listen=, connect=, mcast=, udp=';
  const kind = kinds[0]!;
  const value = t.literal(o, kind);
  if (value === undefined) return `${kind}= is only known when the script runs`;
  const at = parseHostPort(value);
  if (!at || (kind !== 'listen' && at.host === '')) return `${kind}=${value} is not HOST:PORT`;
  // libvirt's schema takes IPv4 addresses only (QEMU also resolves host names).
  if (at.host !== '' && !isIpv4(at.host)) return `${kind}=${value}: libvirt needs an IPv4 address, not a host name`;
  const local = t.literal(o, 'localaddr');
  let localEl: XmlOut | undefined;
  if (local !== undefined && kind === 'udp') {
    const l = parseHostPort(local);
    if (!l || !isIpv4(l.host)) return `localaddr=${local} is not IPV4:PORT`;
    localEl = el('local', { address: l.host, port: l.port });
  } else if (local !== undefined) t.note(o.span, 'warning', `not translated: localaddr=${local} (libvirt's ${LIBVIRT_SOCKET_TYPE[kind]} interface has no local address)`);
  const type = LIBVIRT_SOCKET_TYPE[kind];
  return { type, parts: [el('source', { address: at.host || undefined, port: at.port }, localEl)], summary: `socket ${kind} ${value}` };
}

/** -netdev vhost-user and its -chardev socket as a vhostuser interface. */
function vhostUserXml(c: NetContext, o: QemuOption, nic: GuestNic): InterfaceParts | string {
  const t = c.t;
  const ref = t.literal(o, 'chardev');
  if (ref === undefined) return prop(o, 'chardev') ? 'the chardev is only known when the script runs' : 'vhost-user without chardev=';
  const chrs = optionsWithId(t.inv, '-chardev', ref);
  if (chrs.length !== 1) return `chardev '${ref}' is defined ${chrs.length} times`;
  const chr = chrs[0]!;
  if (optionKind(chr) !== 'socket') return `chardev '${ref}' is a ${optionKind(chr) ?? '?'}, not a unix socket`;
  const socketPath = t.literal(chr, 'path');
  if (socketPath === undefined) return `chardev '${ref}' has no path= (libvirt's vhost-user socket is a unix socket)`;
  t.take(chr, prop(chr, 'backend'));
  t.literal(chr, 'id');
  t.literal(chr, 'wait');
  const serverOn = qemuOptsOn(t.literal(chr, 'server'));
  const reconnect = t.literal(chr, 'reconnect');
  const rc = reconnect !== undefined && /^\d+$/.test(reconnect) && Number(reconnect) > 0 && !serverOn ? el('reconnect', { enabled: 'yes', timeout: Number(reconnect) }) : undefined;
  t.map(chr.span, `chardev ${ref} → the vhostuser interface's <source>`);
  return {
    type: 'vhostuser',
    parts: [el('source', { type: 'unix', path: socketPath, mode: serverOn ? 'server' : 'client' }, rc), queuesDriver(c, o, nic)],
    summary: `vhost-user ${socketPath} (${serverOn ? 'QEMU listens' : 'the backend listens'})`,
  };
}

/** queues= of a vhost-user/vDPA netdev as <driver queues>; the NIC's mq=on and vectors= follow from it in libvirt. */
function queuesDriver(c: NetContext, o: QemuOption, nic: GuestNic): XmlOut | undefined {
  const queues = c.t.literal(o, 'queues');
  const n = queues !== undefined && /^\d+$/.test(queues) ? Number(queues) : undefined;
  if (n === undefined || n <= 1) return undefined;
  if (nic.option.name === '-device') for (const k of ['mq', 'vectors']) c.t.literal(nic.option, k);
  return el('driver', { queues: n });
}

function vhostDriver(c: NetContext, o: QemuOption, nic: GuestNic): XmlOut | undefined {
  const vhost = c.t.literal(o, 'vhost');
  const queues = c.t.literal(o, 'queues');
  const on = qemuOptsOn(vhost);
  const virtio = nic.option.name === '-device' ? /^virtio-net/.test(optionKind(nic.option) ?? '') : /virtio/.test(prop(nic.option, 'model')?.value ?? '');
  if (!virtio) {
    if (on) c.t.note(o.span, 'warning', 'vhost=on with a non-virtio NIC: vhost-net serves virtio only, not translated');
    return undefined;
  }
  return el('driver', { name: on ? 'vhost' : 'qemu', queues: queues !== undefined && /^\d+$/.test(queues) ? Number(queues) : undefined });
}

/** <interface> and <hostdev> elements for the invocation's NICs and vfio-pci devices. */
export function networkXml(c: NetContext): XmlOut[] {
  const t = c.t;
  const inv = t.inv;
  const out: XmlOut[] = [];
  const nics = guestNics(inv);
  const usedBackends = new Set<QemuOption>();
  for (const nic of nics) {
    const o = nic.option;
    const model = nicModel(c, nic);
    const backend = backendOf(c, nic);
    if (typeof backend === 'string') {
      t.note(o.span, 'warning', `not translated: ${t.optionText(o)} — ${backend}`);
      t.takeAll(o);
      continue;
    }
    usedBackends.add(backend.option);
    if (model === undefined || !CONVERTIBLE_NIC_MODELS.has(model)) {
      t.note(o.span, 'warning', `not translated: NIC model '${model ?? '$…'}' (${model === undefined ? 'only known when the script runs' : 'libvirt has no such x86 model'})`);
      t.takeAll(o);
      t.takeAll(backend.option);
      continue;
    }
    const parts = backendXml(c, backend, nic);
    if (typeof parts === 'string') {
      t.note(backend.option.span, 'warning', `not translated: ${t.optionText(backend.option)} — ${parts}`);
      t.takeAll(o);
      t.takeAll(backend.option);
      continue;
    }
    if (nic.macProp) t.take(o, nic.macProp);
    t.literal(o, 'id');
    if (!nic.mac) t.note(nic.macProp?.range ?? o.span, 'warning', 'not translated: the MAC is only known when the script runs (libvirt will generate one)');
    else if (nic.implicit) t.note(o.span, 'info', `implicit MAC made explicit: QEMU gives this NIC ${nic.mac}`);
    const address = o.name === '-device' ? guestAddress(c, o) : undefined;
    out.push(
      el(
        'interface',
        { type: parts.type },
        nic.mac ? el('mac', { address: nic.mac }) : undefined,
        ...parts.parts,
        el('model', { type: libvirtNicModel(model) }),
        address,
        o.name === '-device' ? bootOrder(c, o) : undefined,
      ),
    );
    t.map(o.span, `${model} ${nic.mac ?? ''} on ${parts.summary} → <interface type='${parts.type}'>`);
  }
  for (const o of inv.options) {
    if (o.name === '-netdev' && !usedBackends.has(o)) {
      t.takeAll(o);
      t.note(o.span, 'warning', `not translated: ${t.optionText(o)} — no guest NIC uses this backend`);
    }
    if (o.name === '-net' && optionKind(o) !== 'nic' && !usedBackends.has(o) && !t.handled(o)) {
      t.takeAll(o);
      if (optionKind(o) === 'none') t.note(o.span, 'info', '-net none: no default network, nothing to translate');
      else t.note(o.span, 'warning', `not translated: ${t.optionText(o)} — no single guest NIC on its hub`);
    }
    if (o.name === '-nic' && optionKind(o) === 'none') {
      t.takeAll(o);
      t.note(o.span, 'info', '-nic none: no default network, nothing to translate');
    }
    if (o.name === '-device' && /^(?:vfio-pci|pci-assign)$/.test(optionKind(o) ?? '')) {
      const hd = hostdev(c, o);
      if (hd) out.push(hd);
    }
  }
  const anyNet = inv.options.some((o) => o.name === '-net' || o.name === '-netdev' || o.name === '-nic');
  if (!anyNet && !inv.options.some((o) => o.name === '-nodefaults') && nics.length === 0) {
    // QEMU adds `-net nic -net user` when a command line has no network options (and no -nodefaults).
    const model = defaultNicModel(c.machine);
    out.push(el('interface', { type: 'user' }, el('mac', { address: '52:54:00:12:34:56' }), el('model', { type: libvirtNicModel(model) })));
    t.note(inv.program, 'info', `QEMU's default network (user-mode, ${model}, 52:54:00:12:34:56) made explicit: the script has no network options`);
  }
  return out;
}

function hostdev(c: NetContext, o: QemuOption): XmlOut | undefined {
  const t = c.t;
  t.take(o, prop(o, 'driver'));
  t.literal(o, 'id');
  const host = t.literal(o, 'host');
  const bdf = host !== undefined ? parseBdf(host) : undefined;
  if (!bdf) {
    t.takeAll(o);
    // A host= built at run time was reported by literal() already.
    if (!prop(o, 'host')?.dynamic) t.note(o.span, 'warning', `not translated: ${t.optionText(o)} — ${host === undefined ? 'no host= (sysfsdev= is not translated)' : `host=${host} is not a PCI address`}`);
    return undefined;
  }
  if (optionKind(o) === 'pci-assign') t.note(o.span, 'info', 'pci-assign (legacy KVM assignment) is gone from QEMU: libvirt assigns the device with vfio-pci');
  const address = guestAddress(c, o);
  const src = pciAddressXml({ bdf }, false);
  const attrs = Object.fromEntries([...src.matchAll(/(\w+)='([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
  t.map(o.span, `${optionKind(o)} ${bdf} → managed PCI <hostdev>`);
  // The script names vfio-pci: say so, rather than leaving libvirt to pick the backend from what the host offers.
  return el('hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }, el('driver', { name: 'vfio' }), el('source', {}, el('address', attrs)), address, bootOrder(c, o));
}

