import { attrValue, elementAt, elementPath, parseXml, type Span, type XmlDocument, type XmlElement } from '../document';
import { isCuratedKind, libvirtKind } from '../../documentKind';
import { hexField, libvirtNumber } from '../../pci/bdf';
import { isPciAddress } from '../rules/pciAddress';
import { applicableAttributes } from './complete';
import { elementSpec } from './table';

export interface XmlHover {
  /** Markdown. */
  readonly markdown: string;
  readonly span: Span;
}

const inSpan = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

function ownerType(el: XmlElement): string | undefined {
  for (let e: XmlElement | undefined = el; e; e = e.parent) {
    if (e.name === 'interface' || e.name === 'hostdev') return attrValue(e, 'type');
    if (e.name === 'forward') return attrValue(e, 'mode');
  }
  return undefined;
}

/** What libvirt makes of a PCI address number, since that is the usual surprise. */
function pciReading(el: XmlElement, attribute: string, raw: string): string {
  if (!isPciAddress(el) || !['domain', 'bus', 'slot', 'function'].includes(attribute)) return '';
  const n = libvirtNumber(raw.trim());
  return n === undefined ? `\n\nlibvirt cannot read \`${raw}\`: write 0x-prefixed hex.` : `\n\nlibvirt reads \`${raw}\` as ${hexField(n, 1)} (${n}).`;
}

/** Hover documentation for the element name, attribute name or enumerated value under `offset`. */
export function hoverXml(text: string, offset: number, parsed?: XmlDocument): XmlHover | undefined {
  const kind = libvirtKind(text);
  if (kind && !isCuratedKind(kind)) return undefined; // the docs are of guest and network elements
  const doc = parsed ?? parseXml(text);
  const el = elementAt(doc, offset);
  if (!el) return undefined;
  const path = elementPath(el);
  const spec = elementSpec(path);
  if (inSpan(el.nameSpan, offset)) return spec ? { markdown: `**<${el.name}>** — ${spec.doc}`, span: el.nameSpan } : undefined;
  const attr = el.attributes.find((a) => inSpan(a.span, offset));
  if (!attr) return undefined;
  const attrSpec = applicableAttributes(spec, ownerType(el)).find(([n]) => n === attr.name)?.[1];
  if (!attrSpec) return undefined;
  if (inSpan(attr.valueSpan, offset)) {
    const valueDoc = attrSpec.values?.[attr.value];
    const reading = pciReading(el, attr.name, attr.value);
    if (!valueDoc && !reading) return undefined;
    return { markdown: `**${attr.name}='${attr.value}'** — ${valueDoc ?? attrSpec.doc}${reading}`, span: attr.valueSpan };
  }
  const values = attrSpec.values ? `\n\n${Object.entries(attrSpec.values).map(([v, d]) => `- \`${v}\`: ${d}`).join('\n')}` : '';
  return { markdown: `**${attr.name}** on <${el.name}> — ${attrSpec.doc}${values}`, span: attr.nameSpan };
}
