import { LineIndex, type TextRange } from '../text';
import { parseXmlTree } from './parse/parser';
import { countParse } from '../mainThreadParses';

/** Half-open offset span [start, end) into the document text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface XmlAttribute {
  /** Qualified name as written (`xmlns:qemu`, `qemu:arg`): namespaces are kept as names. */
  readonly name: string;
  /** Value with entities decoded and whitespace normalised, as an XML parser (libvirt) sees it. */
  readonly value: string;
  /** Value exactly as written between the quotes. */
  readonly raw: string;
  readonly nameSpan: Span;
  /** Between the quotes (the quotes excluded), so an edit here keeps the quoting. */
  readonly valueSpan: Span;
  /** From the name to the closing quote. */
  readonly span: Span;
}

export interface XmlText {
  readonly kind: 'text';
  /** Decoded text (CDATA included verbatim). */
  readonly text: string;
  readonly span: Span;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly parent: XmlElement | undefined;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  readonly nameSpan: Span;
  /** `<name ...>` or `<name .../>`. */
  readonly openTagSpan: Span;
  /** Open tag to end of the close tag; for an element cut off by a parse error, up to the error. */
  readonly span: Span;
  readonly selfClosing: boolean;
  /** False when the parse stopped (error) before this element was closed. */
  readonly closed: boolean;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlParseError {
  readonly message: string;
  readonly span: Span;
}

/**
 * A parsed document. Parsing stops at the first well-formedness error, so there
 * is at most one error (no cascade) and the tree holds everything before it:
 * completion and hover keep working while the user types an unfinished tag.
 */
export class XmlDocument {
  readonly index: LineIndex;

  constructor(
    readonly text: string,
    readonly root: XmlElement | undefined,
    readonly error: XmlParseError | undefined,
  ) {
    this.index = new LineIndex(text);
  }

  private all: readonly XmlElement[] | undefined;

  /** Every element in document order, computed once: rules walk the tree many times. */
  get elements(): readonly XmlElement[] {
    this.all ??= [...walkElements(this.root)];
    return this.all;
  }

  rangeOf(span: Span): TextRange {
    return this.index.rangeOf(span.start, span.end);
  }
}

export function parseXml(text: string): XmlDocument {
  countParse('xml');
  const { root, error } = parseXmlTree(text);
  return new XmlDocument(text, root, error);
}

// ---- query API -------------------------------------------------------------

/** Child elements, optionally only those with `name`. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name));
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => c.kind === 'element' && c.name === name);
}

const attributesByName = new WeakMap<XmlElement, Map<string, XmlAttribute>>();

/**
 * The attribute `name` of `el`. Many attributes on one tag get a name index (built once per element):
 * a scan per lookup made rules and schema explanations quadratic on a tag with thousands of attributes.
 */
export function attribute(el: XmlElement, name: string): XmlAttribute | undefined {
  if (el.attributes.length <= 16) return el.attributes.find((a) => a.name === name);
  let byName = attributesByName.get(el);
  if (byName?.size !== el.attributes.length) {
    byName = new Map(el.attributes.map((a) => [a.name, a]));
    attributesByName.set(el, byName);
  }
  return byName.get(name);
}

export function attrValue(el: XmlElement, name: string): string | undefined {
  return attribute(el, name)?.value;
}

/** Elements reached from `el` by a slash path of child names, e.g. `devices/interface`. */
export function select(el: XmlElement, path: string): XmlElement[] {
  let current = [el];
  for (const step of path.split('/').filter(Boolean)) current = current.flatMap((e) => childElements(e, step));
  return current;
}

/** Names from the root down to `el`, e.g. `['domain', 'devices', 'interface']`. */
export function elementPath(el: XmlElement): string[] {
  const names: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) names.unshift(e.name);
  return names;
}

/** Every element in document order (iterative: deep documents cannot overflow the stack). */
export function* walkElements(root: XmlElement | undefined): Generator<XmlElement> {
  if (!root) return;
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    yield el;
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (c.kind === 'element') stack.push(c);
    }
  }
}

/** All descendant elements named `name`. */
export function descendants(root: XmlElement | undefined, name: string): XmlElement[] {
  return [...walkElements(root)].filter((e) => e.name === name);
}

/**
 * The innermost element whose span contains `offset` (open tag or content). An
 * element cut off by a parse error also contains its end: that is where the user types.
 */
export function elementAt(doc: XmlDocument, offset: number): XmlElement | undefined {
  let found: XmlElement | undefined;
  let level: readonly XmlNode[] = doc.root ? [doc.root] : [];
  for (;;) {
    const hit = level.find(
      (n): n is XmlElement => n.kind === 'element' && n.span.start < offset && (offset < n.span.end || (!n.closed && offset === n.span.end)),
    );
    if (!hit) return found;
    found = hit;
    level = hit.children;
  }
}
