/**
 * The PCI address of a host function in each form the project reads and writes: the `DDDD:BB:DD.F` text of
 * sysfs, `lspci -D` and QEMU's `vfio-pci,host=`, and libvirt's `<address domain= bus= slot= function=>`.
 * A leaf module: the host snapshot, the libvirt model and the generators all build on it.
 */

/** PCI address `DDDD:BB:DD.F`, always lower-case hex and 4-digit domain once parsed. */
export type Bdf = string & { readonly __brand: 'Bdf' };

const BDF_PATTERN = /^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/;
/** A full BDF as one segment of a sysfs path (`/sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/eth0`). */
const BDF_IN_PATH = /(?:^|\/)([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7])(?=\/|$)/g;

/**
 * Strict BDF check (before any use in a path or command); accepts `BB:DD.F` and `DDDD:BB:DD.F`, as sysfs and
 * lspci print them and as QEMU's `host=` takes them.
 */
export function parseBdf(value: string): Bdf | undefined {
  const v = value.trim();
  if (!BDF_PATTERN.test(v)) return undefined;
  return (v.length === 7 ? `0000:${v}` : v).toLowerCase() as Bdf;
}

/** The function a sysfs path ends in: the last BDF segment (a netdev's path names its bridges first). */
export function lastBdfInPath(path: string): Bdf | undefined {
  let last: string | undefined;
  for (const m of path.matchAll(BDF_IN_PATH)) last = m[1];
  return last ? parseBdf(last) : undefined;
}

/** What the user is told about text that is no BDF (the CLI, the editor's input box and the generator say the same). */
export function invalidBdfMessage(value: string): string {
  return `invalid PCI address '${value}': expected [DOMAIN:]BUS:DEVICE.FUNCTION, e.g. 0000:03:00.0`;
}

/** QEMU's `-device vfio-pci` item that names the host function. */
export function qemuHostProp(bdf: Bdf): string {
  return `host=${bdf}`;
}

/** The fields of libvirt's `<address type='pci'>`: their limits and the width libvirt prints them with. */
export const PCI_ADDRESS_FIELDS = {
  domain: { max: 0xffff, width: 4 },
  bus: { max: 0xff, width: 2 },
  slot: { max: 0x1f, width: 2 },
  function: { max: 0x7, width: 1 },
} as const;
export type PciAddressField = keyof typeof PCI_ADDRESS_FIELDS;

/** An address number as libvirt prints it and as this project always writes it: 0x-prefixed hex of the field's width. */
export function hexField(value: number, width: number): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

/**
 * How libvirt reads an address number: strtol base 0, so "0x10" is hex, "010" octal and "10" decimal.
 * Undefined when libvirt rejects it ("1f", "08").
 */
export function libvirtNumber(raw: string): number | undefined {
  const v = raw.trim();
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v.slice(2), 16);
  if (/^0[0-7]*$/.test(v)) return parseInt(v, 8);
  if (/^[1-9][0-9]*$/.test(v)) return parseInt(v, 10);
  return undefined;
}

/**
 * The function an `<address>` element names, reading each attribute as libvirt does (`bus='10'` is bus 0x0a);
 * an absent domain or function is 0. Undefined when bus or slot is missing or a field is not a number libvirt
 * accepts within its limit.
 */
export function bdfFromXmlAddress(attr: (field: PciAddressField) => string | undefined): Bdf | undefined {
  const parts: string[] = [];
  for (const [field, { max, width }] of Object.entries(PCI_ADDRESS_FIELDS) as [PciAddressField, { max: number; width: number }][]) {
    const raw = attr(field) ?? (field === 'domain' || field === 'function' ? '0' : undefined);
    const n = raw === undefined ? undefined : libvirtNumber(raw);
    if (n === undefined || n > max) return undefined;
    parts.push(n.toString(16).padStart(width, '0'));
  }
  const [d, b, s, f] = parts;
  return `${d}:${b}:${s}.${f}` as Bdf;
}

/** The `<address>` attributes of a function; libvirt reads them base-0, so they are always 0x-prefixed hex. */
export function pciAddressAttrs(bdf: Bdf): Record<PciAddressField, string> {
  const [domain, bus, slotFn] = bdf.split(':') as [string, string, string];
  const [slot, fn] = slotFn.split('.') as [string, string];
  return { domain: `0x${domain}`, bus: `0x${bus}`, slot: `0x${slot}`, function: `0x${fn}` };
}

/** The `<address>` element for a function, as text. */
export function pciAddressXml(d: { readonly bdf: Bdf }, withType: boolean): string {
  const a = pciAddressAttrs(d.bdf);
  return `<address${withType ? " type='pci'" : ''} domain='${a.domain}' bus='${a.bus}' slot='${a.slot}' function='${a.function}'/>`;
}

/** A guest slot on bus 0 as QEMU's `-device …,addr=` takes it (`SS.F`, hex). */
export interface GuestSlot {
  readonly slot: number;
  readonly fn: number;
}

/** QEMU's `addr=` value (`0x03`, `3.1`, `1f`): hex slot, optional function; undefined for anything else. */
export function parseQemuAddr(value: string): GuestSlot | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(value.trim());
  if (!m) return undefined;
  const slot = parseInt(m[1]!, 16);
  return slot <= PCI_ADDRESS_FIELDS.slot.max ? { slot, fn: Number(m[2] ?? 0) } : undefined;
}

/** The function a guest slot names on the root bus (domain 0, bus 0). */
export function rootBusBdf(g: GuestSlot): Bdf {
  return `0000:00:${g.slot.toString(16).padStart(2, '0')}.${g.fn}` as Bdf;
}

/** The `addr=` value for a guest slot: `0x03`, or `0x03.1` when the function is not 0. */
export function qemuAddr(g: GuestSlot): string {
  return `${hexField(g.slot, PCI_ADDRESS_FIELDS.slot.width)}${g.fn ? `.${g.fn}` : ''}`;
}
