/* Human wording for schema errors: what is wrong and what the schema allows instead. */
import type { ValueAlt } from './schemaIndex';

/** libvirt datatypes (define names in basictypes.rng …) in plain words. */
const DATATYPES: Record<string, string> = {
  pciSlot: 'a PCI slot is 0x00–0x1f',
  pciFunc: 'a PCI function is 0x0–0x7',
  pciBus: 'a PCI bus is 0x00–0xff',
  pciDomain: 'a PCI domain is 0x0000–0xffff',
  uniMacAddr: 'a unicast MAC address is six hex pairs with an even first octet, e.g. 52:54:00:12:ab:cd',
  multiMacAddr: 'a multicast MAC address is six hex pairs with an odd first octet',
  macAddr: 'a MAC address is six hex pairs, e.g. 52:54:00:12:ab:cd',
  UUID: 'a UUID is 32 hex digits, e.g. 4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
  virYesNo: "'yes' or 'no'",
  virOnOff: "'on' or 'off'",
  deviceName: 'a device name (letters, digits, _ . - : /, no spaces)',
  ipv4Addr: 'an IPv4 address such as 192.168.122.1',
  ipv6Addr: 'an IPv6 address',
  ipAddr: 'an IPv4 or IPv6 address',
  ipv4Prefix: 'an IPv4 prefix length 0–32',
  ipv6Prefix: 'an IPv6 prefix length 0–128',
  unsignedInt: 'a non-negative integer',
  positiveInteger: 'a positive integer',
  uint8: 'a number 0–255 (decimal, or hex with 0x)',
  uint16: 'a number 0–65535 (decimal, or hex with 0x)',
  uint24: 'a number 0–0xffffff (decimal, or hex with 0x)',
  uint32: 'a number 0–0xffffffff (decimal, or hex with 0x)',
  usbPort: 'a USB port path such as 1 or 1.2.3',
  vendorId: 'a 4-digit hex vendor id with 0x, e.g. 0x8086',
  productId: 'a 4-digit hex product id with 0x, e.g. 0x10ca',
};

function describeAlt(alt: ValueAlt): string | undefined {
  for (const name of alt.via) if (DATATYPES[name]) return DATATYPES[name];
  if (alt.kind === 'value') return `'${alt.value}'`;
  if (alt.kind === 'text') return undefined;
  const p = alt.params;
  if (p.pattern !== undefined) return `${alt.via[0] ?? alt.type} (pattern ${p.pattern})`;
  if (p.minInclusive !== undefined || p.maxInclusive !== undefined) return `${alt.type} ${p.minInclusive ?? '…'}–${p.maxInclusive ?? '…'}`;
  return alt.via[0] ?? alt.type;
}

/** "one of 'bridge', 'network', …" or the datatype in words. */
export function describeAllowed(alts: readonly ValueAlt[], limit = 14): string {
  const words = [...new Set(alts.map(describeAlt).filter((d): d is string => d !== undefined))];
  if (words.length === 0) return 'a different value';
  const shown = words.slice(0, limit).join(', ') + (words.length > limit ? `, … (${words.length - limit} more)` : '');
  return words.length === 1 ? shown : `one of ${shown}`;
}

export function listNames(names: Iterable<string>, limit = 20): string {
  const all = [...new Set(names)].sort();
  return all.slice(0, limit).join(', ') + (all.length > limit ? `, … (${all.length - limit} more)` : '');
}

/** libxml2's message without the trailing newline, for the fallback wording. */
export function cleanLibxmlMessage(message: string): string {
  return message.replace(/\s+$/, '');
}
