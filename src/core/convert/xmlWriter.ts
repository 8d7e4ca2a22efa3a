/** A tiny element tree for writing libvirt XML: attributes in the given order, text escaped, two-space indent. */

export interface XmlOut {
  readonly name: string;
  readonly attrs: readonly (readonly [string, string])[];
  readonly children: readonly XmlOut[];
  readonly text?: string;
}

type AttrValue = string | number | undefined;

const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string): string => escText(s).replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** An element; undefined attributes and children are left out, so optional parts need no branches. */
export function el(name: string, attrs: Record<string, AttrValue> = {}, ...children: (XmlOut | string | undefined)[]): XmlOut {
  const text = children.find((c): c is string => typeof c === 'string');
  return {
    name,
    attrs: Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as const])),
    children: children.filter((c): c is XmlOut => typeof c === 'object'),
    ...(text !== undefined ? { text } : {}),
  };
}

export function renderXml(e: XmlOut, indent = ''): string {
  const attrs = e.attrs.map(([k, v]) => ` ${k}='${escAttr(v)}'`).join('');
  if (e.text !== undefined) return `${indent}<${e.name}${attrs}>${escText(e.text)}</${e.name}>`;
  if (e.children.length === 0) return `${indent}<${e.name}${attrs}/>`;
  return [`${indent}<${e.name}${attrs}>`, ...e.children.map((c) => renderXml(c, `${indent}  `)), `${indent}</${e.name}>`].join('\n');
}
