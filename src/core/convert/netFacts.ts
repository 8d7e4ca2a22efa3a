import { SOCKET_KINDS } from '../qemu/generate';
import { parseProps, qemuOptsOn } from '../qemu/model';
import { parseShell, type ShellWord } from '../qemu/shell';
import { parseBdf } from '../pci/bdf';

/**
 * The network meaning of a QEMU argument list, in either syntax (QemuOpts `a=b,c=d` or libvirt's JSON
 * `{"type":…}`): per guest NIC its backend, model, MAC and forwards, and the PCI host addresses passed through.
 * It is what the converters must keep, so tests compare these facts between our output and libvirt's.
 */

export interface NicFacts {
  /** The -netdev type; libvirt's passt socket (`stream` to …/passt/…) counts as 'user'. */
  readonly backend: string;
  readonly model: string;
  readonly mac?: string;
  /** hostfwd rules normalised to `proto:hostaddr:hostport-guestaddr:guestport`; undefined when passt holds them. */
  readonly forwards?: readonly string[];
  /**
   * Where the backend's frames go, for backends that name it: `listen=H:P` (and connect/mcast/udp, with
   * `,localaddr=…`) for socket, `PATH server|client` for vhost-user, the device for vhost-vdpa (not an fd set).
   */
  readonly endpoint?: string;
}

export interface NetFacts {
  readonly nics: readonly NicFacts[];
  /** vfio-pci / pci-assign host= addresses, as full BDFs. */
  readonly hostdevs: readonly string[];
}

type Props = Map<string, string[]>;

function literalWord(value: string): ShellWord {
  return { start: 0, end: value.length, value, map: [...Array(value.length + 1).keys()], dynamic: [] };
}

/** One option value as key → values (JSON objects flattened one level; hostfwd lists kept). */
function propsOf(value: string, implied: string): Props {
  const out: Props = new Map();
  const add = (k: string, v: string): void => void out.set(k, [...(out.get(k) ?? []), v]);
  if (value.trimStart().startsWith('{')) {
    try {
      const j = JSON.parse(value) as Record<string, unknown>;
      for (const [k, v] of Object.entries(j)) {
        if (Array.isArray(v)) for (const x of v) add(k, typeof x === 'object' && x && 'str' in x ? String((x as { str: unknown }).str) : String(x));
        else if (typeof v === 'object' && v) add(k, JSON.stringify(v));
        else add(k, String(v));
      }
      return out;
    } catch {
      return out;
    }
  }
  for (const p of parseProps(literalWord(value), implied)) add(p.key, p.value);
  return out;
}

const one = (p: Props, k: string): string | undefined => p.get(k)?.[0];

export function normalizeForward(rule: string): string {
  const m = /^(tcp|udp)?:([^:]*):(\d+)-([^:]*):(\d+)$/.exec(rule);
  return m ? `${m[1] ?? 'tcp'}:${m[2]}:${Number(m[3])}-${m[4] === '10.0.2.15' ? '' : m[4]}:${Number(m[5])}` : rule;
}

function backendName(p: Props): string {
  const type = one(p, 'type') ?? 'user';
  if (type === 'stream' && /\/passt\//.test(one(p, 'addr') ?? '')) return 'user';
  return type;
}

function forwardsOf(p: Props): string[] | undefined {
  if (one(p, 'type') === 'stream') return undefined;
  return (p.get('hostfwd') ?? []).map(normalizeForward).sort();
}

/** The endpoint of a backend (see NicFacts.endpoint); chardevs by id for vhost-user's socket. */
function endpointOf(p: Props, chardevs: ReadonlyMap<string, Props>): string | undefined {
  const type = one(p, 'type');
  if (type === 'socket') {
    const kind = SOCKET_KINDS.find((k) => one(p, k) !== undefined);
    if (!kind) return undefined;
    const local = one(p, 'localaddr');
    return `${kind}=${one(p, kind)}${local !== undefined ? `,localaddr=${local}` : ''}`;
  }
  if (type === 'vhost-user') {
    const chr = chardevs.get(one(p, 'chardev') ?? '\0');
    const path = chr ? one(chr, 'path') : undefined;
    // A bare `server` (libvirt 4.5's form) is server=on.
    return path === undefined ? undefined : `${path} ${qemuOptsOn(chr ? one(chr, 'server') : undefined) ? 'server' : 'client'}`;
  }
  if (type === 'vhost-vdpa') {
    const dev = one(p, 'vhostdev');
    return dev === undefined || dev.startsWith('/dev/fdset/') ? undefined : dev;
  }
  return undefined;
}

const NIC_DRIVER = /^(?:virtio-net-(?:pci|device|ccw|s390)|e1000e?|rtl8139|ne2k_pci|pcnet|vmxnet3|i8255\d\w*|i82801|igb|spapr-vlan)$/;

export function netFacts(argv: readonly string[]): NetFacts {
  const netdevs = new Map<string, Props>();
  const nics: NicFacts[] = [];
  const hostdevs: string[] = [];
  const legacy: Props[] = [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!.replace(/^--/, '-');
    if (['-netdev', '-device', '-nic', '-net', '-chardev'].includes(a) && argv[i + 1] !== undefined) pairs.push([a, argv[++i]!]);
  }
  const chardevs = new Map<string, Props>();
  for (const [opt, value] of pairs) {
    const p = propsOf(value, opt === '-chardev' ? 'backend' : 'type');
    if (opt === '-netdev') netdevs.set(one(p, 'id') ?? '', p);
    if (opt === '-chardev') chardevs.set(one(p, 'id') ?? '', p);
  }
  const endpoint = (p: Props): { endpoint?: string } => {
    const e = endpointOf(p, chardevs);
    return e !== undefined ? { endpoint: e } : {};
  };
  for (const [opt, value] of pairs) {
    if (opt === '-device') {
      const p = propsOf(value, 'driver');
      const driver = one(p, 'driver') ?? '';
      if (driver === 'vfio-pci' || driver === 'pci-assign') {
        const bdf = parseBdf(one(p, 'host') ?? '');
        hostdevs.push(bdf ?? `?${one(p, 'host') ?? ''}`);
      } else if (NIC_DRIVER.test(driver)) {
        const nd = netdevs.get(one(p, 'netdev') ?? '\0');
        const mac = one(p, 'mac')?.toLowerCase();
        const fw = nd ? forwardsOf(nd) : [];
        nics.push({ backend: nd ? backendName(nd) : 'none', model: driver, ...(mac ? { mac } : {}), ...(fw ? { forwards: fw } : {}), ...(nd ? endpoint(nd) : {}) });
      }
    } else if (opt === '-nic') {
      const p = propsOf(value, 'type');
      if (one(p, 'type') === 'none') continue; // no NIC at all (not even QEMU's default one)
      const mac = one(p, 'mac')?.toLowerCase();
      const model = one(p, 'model') ?? 'e1000';
      nics.push({ backend: backendName(p), model: model === 'virtio' ? 'virtio-net-pci' : model, ...(mac ? { mac } : {}), forwards: forwardsOf(p) ?? [], ...endpoint(p) });
    } else if (opt === '-net') legacy.push(propsOf(value, 'type'));
  }
  // Legacy hubs: one NIC with one backend per vlan.
  const hubs = new Map<string, Props[]>();
  for (const p of legacy) hubs.set(one(p, 'vlan') ?? '0', [...(hubs.get(one(p, 'vlan') ?? '0') ?? []), p]);
  for (const group of hubs.values()) {
    const nic = group.find((p) => one(p, 'type') === 'nic');
    const backend = group.find((p) => one(p, 'type') !== 'nic');
    if (!nic) continue;
    const model = one(nic, 'model') ?? 'e1000';
    const mac = one(nic, 'macaddr')?.toLowerCase();
    nics.push({ backend: backend ? backendName(backend) : 'none', model: model === 'virtio' ? 'virtio-net-pci' : model, ...(mac ? { mac } : {}), forwards: backend ? (forwardsOf(backend) ?? []) : [], ...(backend ? endpoint(backend) : {}) });
  }
  return { nics, hostdevs };
}

/** The QEMU argument words of a libvirt `.args` file or a logged command line (env assignments and `\` joins). */
export function commandLineWords(text: string): string[] {
  const joined = text.replace(/\\\n/g, '');
  const cmd = parseShell(joined).commands.find((c) => c.words.some((w) => /qemu/.test(w.value)));
  if (!cmd) return [];
  const words = cmd.words.map((w) => w.value);
  return words.slice(words.findIndex((w) => /qemu/.test(w)) + 1);
}
