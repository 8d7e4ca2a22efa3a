import type { Guest, LibvirtInventory, LibvirtNetwork } from './model';
import { parseGuest, parseNetwork, UUID } from './parse';

/** Bounds on what one host may make discovery hold (a definition is a few KiB; thousands of guests are rare). */
const MAX_OBJECTS = 10_000;
const MAX_LINES_PER_OBJECT = 20_000;

/**
 * The libvirt records of a discovery, gathered line by line (`V`/`W` UUID TEXT, and `S libvirt-*` facts)
 * and turned into an inventory once the whole answer was read.
 */
export class LibvirtLines {
  uri?: string;
  guestCount?: number;
  networkCount?: number;
  readonly errors: string[] = [];
  readonly guests = new Map<string, string[]>();
  readonly networks = new Map<string, string[]>();

  /** Adds one `V`/`W` record; returns why it was not used. */
  add(kind: 'V' | 'W', rest: string): string | undefined {
    const tab = rest.indexOf('\t');
    const uuid = tab < 0 ? rest : rest.slice(0, tab);
    if (!UUID.test(uuid)) return `bad libvirt ${kind === 'V' ? 'guest' : 'network'} UUID '${uuid.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}'`;
    const map = kind === 'V' ? this.guests : this.networks;
    let lines = map.get(uuid);
    if (!lines) {
      if (map.size >= MAX_OBJECTS) return `more than ${MAX_OBJECTS} libvirt objects; ${uuid} ignored`;
      map.set(uuid, (lines = []));
    }
    if (lines.length >= MAX_LINES_PER_OBJECT) return `${uuid}: definition longer than ${MAX_LINES_PER_OBJECT} lines; rest ignored`;
    lines.push(tab < 0 ? '' : rest.slice(tab + 1));
    return undefined;
  }

  fact(key: string, value: string): string | undefined {
    const v = value.trim();
    switch (key) {
      case 'libvirt-uri':
        if (v !== 'qemu:///system') return `unexpected libvirt URI '${v.slice(0, 40)}'`;
        this.uri = v;
        return undefined;
      case 'libvirt-guests':
      case 'libvirt-networks': {
        if (!/^\d{1,6}$/.test(v)) return `bad ${key} count`;
        if (key === 'libvirt-guests') this.guestCount = Number(v);
        else this.networkCount = Number(v);
        return undefined;
      }
      default:
        if (this.errors.length < 10) this.errors.push(v.replace(/[^\x20-\x7e]/g, '?').slice(0, 300));
        return undefined;
    }
  }
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The inventory, or undefined when discovery did not look at libvirt (no daemon there). */
export function libvirtInventory(lines: LibvirtLines, warn: (message: string) => void): LibvirtInventory | undefined {
  if (lines.uri === undefined) return undefined;
  const errors = [...lines.errors];
  const guests: Guest[] = [];
  for (const [uuid, l] of lines.guests) {
    const g = parseGuest(uuid, l, warn);
    if (g) guests.push(g);
  }
  const networks: LibvirtNetwork[] = [];
  for (const [uuid, l] of lines.networks) {
    const n = parseNetwork(uuid, l, warn);
    if (n) networks.push(n);
  }
  // Listed but never printed: the guest went away between the list and its read (or virsh failed on it).
  if (lines.guestCount !== undefined && lines.guests.size < lines.guestCount) errors.push(`${lines.guestCount - lines.guests.size} of ${lines.guestCount} guests could not be read`);
  if (lines.networkCount !== undefined && lines.networks.size < lines.networkCount) errors.push(`${lines.networkCount - lines.networks.size} of ${lines.networkCount} networks could not be read`);
  for (const e of errors) warn(e);
  return { uri: lines.uri, guests: guests.sort(byName), networks: networks.sort(byName), errors };
}
