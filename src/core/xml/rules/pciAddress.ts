import type { RuleFix } from '../../rulekit';
import { attrValue, type XmlAttribute, type XmlElement } from '../document';
import type { RuleContext } from './context';

/** Field limits and libvirt's own output width (it prints domain='0x0000' bus='0x00' slot='0x00' function='0x0'). */
const FIELDS = {
  domain: { max: 0xffff, width: 4 },
  bus: { max: 0xff, width: 2 },
  slot: { max: 0x1f, width: 2 },
  function: { max: 0x7, width: 1 },
} as const;
type Field = keyof typeof FIELDS;

export function hex(value: number, width: number): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

/**
 * How libvirt reads an address number: strtol base 0, so "0x10" is hex, "010"
 * octal and "10" decimal. Undefined when libvirt rejects it ("1f", "08").
 */
export function libvirtNumber(raw: string): number | undefined {
  const v = raw.trim();
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v.slice(2), 16);
  if (/^0[0-7]*$/.test(v)) return parseInt(v, 8);
  if (/^[1-9][0-9]*$/.test(v)) return parseInt(v, 10);
  return undefined;
}

/** Is this <address> a PCI address (guest address, hostdev source, network VF pool)? */
export function isPciAddress(el: XmlElement): boolean {
  if (el.name !== 'address') return false;
  const type = attrValue(el, 'type');
  if (type !== undefined) return type === 'pci';
  const owner = el.parent?.name === 'source' ? el.parent.parent : undefined;
  if (owner?.name === 'hostdev') return attrValue(owner, 'type') === 'pci';
  return owner?.name === 'interface' && attrValue(owner, 'type') === 'hostdev';
}

/** The PCI address as numbers, when every present field is a value libvirt accepts. */
export function pciAddressKey(el: XmlElement): string | undefined {
  const parts = (Object.keys(FIELDS) as Field[]).map((f) => libvirtNumber(attrValue(el, f) ?? '0'));
  if (parts.some((p) => p === undefined)) return undefined;
  const [d, b, s, fn] = parts as number[];
  return `${hex(d!, 4).slice(2)}:${hex(b!, 2).slice(2)}:${hex(s!, 2).slice(2)}.${fn!.toString(16)}`;
}

/** A host device's address (hostdev `<source>`, network `<forward>` pool): copied from lspci, so hex is meant. */
function isHostAddress(el: XmlElement): boolean {
  return el.parent?.name === 'source' || el.parent?.name === 'forward';
}

/** The bus numbers the domain's PCI controllers provide (`<controller type='pci' index='N'>`), as libvirt reads them. */
function pciControllerBuses(ctx: RuleContext): Set<number> {
  const out = new Set<number>();
  for (const el of ctx.doc.elements) {
    if (el.name !== 'controller' || attrValue(el, 'type') !== 'pci') continue;
    const index = libvirtNumber(attrValue(el, 'index') ?? '');
    if (index !== undefined) out.add(index);
  }
  return out;
}

export function checkPciAddresses(ctx: RuleContext): void {
  let buses: Set<number> | undefined;
  for (const el of ctx.doc.elements) {
    if (!isPciAddress(el)) continue;
    const host = isHostAddress(el);
    for (const field of Object.keys(FIELDS) as Field[]) {
      const attr = el.attributes.find((a) => a.name === field);
      if (attr) checkField(ctx, field, attr, host ? undefined : (buses ??= pciControllerBuses(ctx)));
    }
  }
}

/**
 * A number without 0x. On a host address (from lspci) the hex reading is the likely intent and the preferred
 * fix. On a guest address libvirt's reading is the guest's current layout and is kept (as 0x…), unless the
 * field is a bus and only the hex reading names one of the domain's PCI controllers.
 */
function checkField(ctx: RuleContext, field: Field, attr: XmlAttribute, guestBuses?: Set<number>): void {
  const { max, width } = FIELDS[field];
  const raw = attr.value.trim();
  const libvirt = libvirtNumber(raw);
  if (/^0x/i.test(raw)) {
    if (libvirt !== undefined && libvirt > max) {
      ctx.report('PciAddressRange', 'error', attr.span, `${field}='${raw}' is out of range: a PCI ${field} is 0x${'0'.repeat(width)}–${hex(max, width)}.`);
    }
    return;
  }
  if (!/^[0-9a-f]+$/i.test(raw)) return; // not a number at all: the schema reports it
  const hexReading = parseInt(raw, 16);
  if (libvirt === hexReading) return; // "0", "7", "0000": every reading agrees
  const fixes: RuleFix[] = [];
  const replace = (v: number, title: string, isPreferred: boolean): void => {
    fixes.push({ title, edits: [ctx.edit(attr.valueSpan, hex(v, width))], isPreferred });
  };
  const guest = guestBuses !== undefined;
  const busHint = guest && field === 'bus' && libvirt !== undefined && guestBuses.has(hexReading) && !guestBuses.has(libvirt);
  const preferHex = !guest || busHint;
  const hexOk = hexReading <= max;
  const libvirtOk = libvirt !== undefined && libvirt <= max;
  if (hexOk) replace(hexReading, `Write ${field}='${hex(hexReading, width)}' (hex, as lspci shows it)`, preferHex || !libvirtOk);
  if (libvirtOk) replace(libvirt, `Write ${field}='${hex(libvirt, width)}' (keep libvirt's current reading)`, !(preferHex && hexOk));
  const base = raw.startsWith('0') ? 'octal' : 'decimal';
  const reading =
    libvirt === undefined
      ? `libvirt cannot read it (it takes 0x-prefixed hex, decimal or 0-prefixed octal) and refuses the file`
      : `libvirt reads it as ${base} ${raw} = ${hex(libvirt, width)}${libvirt > max ? `, above the ${field} limit ${hex(max, width)}` : ''}`;
  ctx.report(
    'PciAddressNotHex',
    libvirt === undefined || libvirt > max ? 'error' : 'warning',
    attr.span,
    guest
      ? `${field}='${raw}' has no 0x: ${reading}${busHint ? `; this domain has a PCI controller with index ${hex(hexReading, width)} and none with ${hex(libvirt!, width)}, so ${hex(hexReading, width)} is likely meant` : ', the guest\'s address as it stands'}. Always write 0x-prefixed hex.`
      : `${field}='${raw}' has no 0x: ${reading}. lspci prints PCI addresses in hex, so ${raw} there means ${hex(hexReading, width)}. Always write 0x-prefixed hex.`,
    fixes,
  );
}
