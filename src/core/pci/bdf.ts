/**
 * The PCI address of a host function in each form the project reads and writes: the `DDDD:BB:DD.F` text of
 * sysfs, `lspci -D` and QEMU's `vfio-pci,host=`, and libvirt's `<address domain= bus= slot= function=>`.
 * A leaf module: the host snapshot, the libvirt model and the generators all build on it.
 */

/** PCI address `DDDD:BB:DD.F`, always lower-case hex and 4-digit domain once parsed. */
export type Bdf = string & { readonly __brand: 'Bdf' };

const BDF_PATTERN = /^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/;

/**
 * Strict BDF check (before any use in a path or command); accepts `BB:DD.F` and `DDDD:BB:DD.F`, as sysfs and
 * lspci print them and as QEMU's `host=` takes them.
 */
export function parseBdf(value: string): Bdf | undefined {
  const v = value.trim();
  if (!BDF_PATTERN.test(v)) return undefined;
  return (v.length === 7 ? `0000:${v}` : v).toLowerCase() as Bdf;
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

/** The `<address>` element for a function; libvirt reads address attributes base-0, so they are always 0x-prefixed hex. */
export function pciAddressXml(d: { readonly bdf: Bdf }, withType: boolean): string {
  const [domain, bus, slotFn] = d.bdf.split(':') as [string, string, string];
  const [slot, fn] = slotFn.split('.') as [string, string];
  return `<address${withType ? " type='pci'" : ''} domain='0x${domain}' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/>`;
}
