import { bdfFromXmlAddress, hexField, libvirtNumber, PCI_ADDRESS_FIELDS, type Bdf, type PciAddressField } from '../../pci/bdf';
import type { RuleFix } from '../../rulekit';
import { attrValue, type XmlAttribute, type XmlElement } from '../document';
import type { RuleContext } from './context';

/** Is this <address> a PCI address (guest address, hostdev source, network VF pool)? */
export function isPciAddress(el: XmlElement): boolean {
  if (el.name !== 'address') return false;
  const type = attrValue(el, 'type');
  if (type !== undefined) return type === 'pci';
  const owner = el.parent?.name === 'source' ? el.parent.parent : undefined;
  if (owner?.name === 'hostdev') return attrValue(owner, 'type') === 'pci';
  return owner?.name === 'interface' && attrValue(owner, 'type') === 'hostdev';
}

/** The function an address names as libvirt reads it (an absent field is 0, as libvirt leaves it). */
export function pciAddressKey(el: XmlElement): Bdf | undefined {
  return bdfFromXmlAddress((f) => attrValue(el, f) ?? '0');
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
    for (const field of Object.keys(PCI_ADDRESS_FIELDS) as PciAddressField[]) {
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
function checkField(ctx: RuleContext, field: PciAddressField, attr: XmlAttribute, guestBuses?: Set<number>): void {
  const { max, width } = PCI_ADDRESS_FIELDS[field];
  const raw = attr.value.trim();
  const libvirt = libvirtNumber(raw);
  if (/^0x/i.test(raw)) {
    if (libvirt !== undefined && libvirt > max) {
      ctx.report('PciAddressRange', 'error', attr.span, `${field}='${raw}' is out of range: a PCI ${field} is 0x${'0'.repeat(width)}–${hexField(max, width)}.`);
    }
    return;
  }
  if (!/^[0-9a-f]+$/i.test(raw)) return; // not a number at all: the schema reports it
  const hexReading = parseInt(raw, 16);
  if (libvirt === hexReading) return; // "0", "7", "0000": every reading agrees
  const fixes: RuleFix[] = [];
  const replace = (v: number, title: string, isPreferred: boolean): void => {
    fixes.push({ title, edits: [ctx.edit(attr.valueSpan, hexField(v, width))], isPreferred });
  };
  const guest = guestBuses !== undefined;
  const busHint = guest && field === 'bus' && libvirt !== undefined && guestBuses.has(hexReading) && !guestBuses.has(libvirt);
  const preferHex = !guest || busHint;
  const hexOk = hexReading <= max;
  const libvirtOk = libvirt !== undefined && libvirt <= max;
  if (hexOk) replace(hexReading, `Write ${field}='${hexField(hexReading, width)}' (hex, as lspci shows it)`, preferHex || !libvirtOk);
  if (libvirtOk) replace(libvirt, `Write ${field}='${hexField(libvirt, width)}' (keep libvirt's current reading)`, !(preferHex && hexOk));
  const base = raw.startsWith('0') ? 'octal' : 'decimal';
  const reading =
    libvirt === undefined
      ? `libvirt cannot read it (it takes 0x-prefixed hex, decimal or 0-prefixed octal) and refuses the file`
      : `libvirt reads it as ${base} ${raw} = ${hexField(libvirt, width)}${libvirt > max ? `, above the ${field} limit ${hexField(max, width)}` : ''}`;
  ctx.report(
    'PciAddressNotHex',
    libvirt === undefined || libvirt > max ? 'error' : 'warning',
    attr.span,
    guest
      ? `${field}='${raw}' has no 0x: ${reading}${busHint ? `; this domain has a PCI controller with index ${hexField(hexReading, width)} and none with ${hexField(libvirt!, width)}, so ${hexField(hexReading, width)} is likely meant` : ', the guest\'s address as it stands'}. Always write 0x-prefixed hex.`
      : `${field}='${raw}' has no 0x: ${reading}. lspci prints PCI addresses in hex, so ${raw} there means ${hexField(hexReading, width)}. Always write 0x-prefixed hex.`,
    fixes,
  );
}
