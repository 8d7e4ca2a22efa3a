import { isValidMac } from '../mac';
import { isNicDriver } from './model';
import { optionKind, prop, type QemuInvocation, type QemuOption, type QemuProp } from './model';

/**
 * The guest NICs of a QEMU invocation with the MAC each one really gets. A NIC without mac= gets QEMU's default
 * 52:54:00:12:34:XX; QEMU 7.2 (net.c qemu_macaddr_default_if_unset) takes the lowest free XX from 0x56 up, where
 * "free" means no NIC created before it has that address (explicit 52:54:00:12:34:XX MACs count too). NICs are
 * created -nic first, then -net nic, then -device, each in command-line order (checked with `info network`).
 */

/** Backends that put the NIC on a network other machines share, where two equal MACs collide. */
const SHARED_BACKENDS = new Set(['tap', 'bridge', 'socket', 'stream', 'dgram', 'vde', 'l2tpv3', 'vhost-user', 'vhost-vdpa', 'netmap', 'af-xdp']);
/** Backends private to the VM (user-mode NAT: slirp's LAN holds only this guest), so any MAC is fine. */
const PRIVATE_BACKENDS = new Set(['user', 'none', 'hubport']);

const DEFAULT_PREFIX = '52:54:00:12:34:';

export interface GuestNic {
  /** The option that creates the NIC: -device NIC, -nic, or -net nic. */
  readonly option: QemuOption;
  /** Its mac=/macaddr= item, when set. */
  readonly macProp?: QemuProp;
  /** The MAC the guest gets; undefined when it depends on a $variable. */
  readonly mac?: string;
  /** The MAC is QEMU's default (no mac= given). */
  readonly implicit: boolean;
  /** On a network shared with other machines (tap, bridge, socket …); undefined when the backend is unknown. */
  readonly shared?: boolean;
  /** Seed for a generated MAC: the netdev id, else the option's own id, else its position. */
  readonly key: string;
}

function backendShared(type: string | undefined, dynamic: boolean): boolean | undefined {
  if (type === undefined || dynamic) return undefined;
  if (SHARED_BACKENDS.has(type)) return true;
  return PRIVATE_BACKENDS.has(type) ? false : undefined;
}

function typeProp(o: QemuOption): QemuProp | undefined {
  return prop(o, 'type');
}

/**
 * An invocation's backends, looked up per NIC: -netdev options by id and legacy -net backends by hub (vlan). Built
 * once per invocation: a scan of all options per NIC made thousands of NICs in one command quadratic (issue #12).
 */
interface Backends {
  readonly netdevs: Map<string, QemuOption[]>;
  readonly hubs: Map<string, QemuOption[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function backendsOf(inv: QemuInvocation): Backends {
  const netdevs = new Map<string, QemuOption[]>();
  const hubs = new Map<string, QemuOption[]>();
  for (const x of inv.options) {
    if (x.name === '-netdev') {
      const id = prop(x, 'id')?.value;
      if (id !== undefined) push(netdevs, id, x);
    } else if (x.name === '-net' && optionKind(x) !== 'nic') {
      push(hubs, prop(x, 'vlan')?.value ?? '0', x);
    }
  }
  return { netdevs, hubs };
}

/** Whether a NIC option's network is shared, looking up its -netdev or its -net hub. */
function sharedOf(backends: Backends, o: QemuOption): boolean | undefined {
  if (o.name === '-nic') {
    const t = typeProp(o);
    // -nic without a type is user-mode.
    return t ? backendShared(t.value, t.dynamic) : false;
  }
  if (o.name === '-net') {
    const vlan = prop(o, 'vlan')?.value ?? '0';
    const verdicts = (backends.hubs.get(vlan) ?? []).map((b) => backendShared(typeProp(b)?.value, typeProp(b)?.dynamic ?? true));
    if (verdicts.includes(true)) return true;
    return verdicts.length > 0 && verdicts.every((v) => v === false) ? false : undefined;
  }
  const ref = prop(o, 'netdev');
  if (!ref || ref.dynamic) return ref ? undefined : false;
  const nds = backends.netdevs.get(ref.value) ?? [];
  if (nds.length !== 1) return undefined;
  const t = typeProp(nds[0]!);
  return t ? backendShared(t.value, t.dynamic) : undefined;
}

function isNicOption(o: QemuOption): boolean {
  if (o.name === '-device') return isNicDriver(optionKind(o));
  if (o.name === '-nic') return optionKind(o) !== 'none' && o.valueWord !== undefined;
  return o.name === '-net' && optionKind(o) === 'nic';
}

/** A `$MAC`-like expansion inside the value may bring its own `,mac=` (quickemu: `model=${NET_DEVICE}${MAC}`). */
function macFromVariable(o: QemuOption): boolean {
  const w = o.valueWord;
  return w !== undefined && w.dynamic.some((d) => /mac/i.test(w.value.slice(d.start, d.end)));
}

/** The guest NICs in QEMU's creation order, with the MAC each gets. */
export function guestNics(inv: QemuInvocation): GuestNic[] {
  const nics = inv.options.filter(isNicOption);
  const rank = (o: QemuOption): number => (o.name === '-nic' ? 0 : o.name === '-net' ? 1 : 2);
  const ordered = nics.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
  const backends = backendsOf(inv);
  const used = new Set<number>();
  const out: GuestNic[] = [];
  for (const o of ordered) {
    const p = o.name === '-net' ? prop(o, 'macaddr') : prop(o, 'mac');
    const key = prop(o, 'netdev')?.value ?? prop(o, 'id')?.value ?? `${o.name}@${o.span.start}`;
    const base = { option: o, key, ...(p ? { macProp: p } : {}) };
    const shared = sharedOf(backends, o);
    const withShared = shared === undefined ? base : { ...base, shared };
    if (!p && macFromVariable(o)) {
      out.push({ ...withShared, implicit: false });
      continue;
    }
    if (p) {
      const mac = p.dynamic || !isValidMac(p.value) ? undefined : p.value.toLowerCase();
      if (mac?.startsWith(DEFAULT_PREFIX)) used.add(parseInt(mac.slice(DEFAULT_PREFIX.length), 16));
      out.push({ ...withShared, implicit: false, ...(mac ? { mac } : {}) });
      continue;
    }
    let n = 0x56;
    while (used.has(n) && n < 0xff) n++;
    used.add(n);
    out.push({ ...withShared, implicit: true, mac: `${DEFAULT_PREFIX}${n.toString(16)}` });
  }
  return out;
}

/** Where a NIC without mac= is pointed at: its driver/model/type item, else the whole option. */
export function nicAnchor(nic: GuestNic): { start: number; end: number } {
  const o = nic.option;
  const first = o.props[0];
  return first ? first.range : o.span;
}

/** The key that sets a NIC's MAC: macaddr for legacy -net nic, else mac. */
export function macKey(nic: GuestNic): string {
  return nic.option.name === '-net' ? 'macaddr' : 'mac';
}
