/*
 * A small, approximate index of libvirt's RelaxNG schemas: for each element name, the
 * attribute sets it may carry (one "variant" per choice branch, e.g. <address type='pci'>
 * vs type='drive') with each attribute's allowed values or datatypes, and the child
 * element names. libxml2 decides valid/invalid; this index only says WHERE and WHY when
 * libxml2's own message is vague ("Element interface failed to validate content").
 */
import path from 'node:path';
import { attrValue, childElements, parseXml, walkElements, type XmlElement } from '../document';
import { schemaFileText } from './schemaFiles';

/** One allowed form of an attribute value. `via` lists the named defines it came through (pciSlot …). */
export type ValueAlt =
  | { readonly kind: 'value'; readonly value: string; readonly via: readonly string[] }
  | { readonly kind: 'data'; readonly type: string; readonly params: Readonly<Record<string, string>>; readonly via: readonly string[] }
  | { readonly kind: 'text'; readonly via: readonly string[] };

export interface Variant {
  readonly attrs: ReadonlyMap<string, readonly ValueAlt[]>;
  readonly anyAttr: boolean;
  /** Child element name → the schema's <element> definitions for it at this place. */
  readonly children: ReadonlyMap<string, readonly XmlElement[]>;
  /** Child element names that may occur more than once (under zeroOrMore/oneOrMore, or twice in a sequence). */
  readonly repeatable: ReadonlySet<string>;
  readonly anyChild: boolean;
  /** Attributes this variant cannot do without. */
  readonly required: ReadonlySet<string>;
  /** Allowed text content (undefined: the schema gives no datatype for it here). */
  readonly text: readonly ValueAlt[] | undefined;
}

/** An element of the schema (its <element name=…> node) or of the checked document. */
export interface SchemaIndex {
  /** Variants of one schema element definition. */
  variants(def: XmlElement): readonly Variant[];
  /** Every definition of an element name, whatever its context. */
  defsNamed(name: string): readonly XmlElement[];
}

const MAX_VARIANTS = 48;

interface MVariant {
  attrs: Map<string, ValueAlt[]>;
  anyAttr: boolean;
  children: Map<string, XmlElement[]>;
  repeatable: Set<string>;
  anyChild: boolean;
  required: Set<string>;
  text: ValueAlt[] | undefined;
}

const empty = (): MVariant => ({ attrs: new Map(), anyAttr: false, children: new Map(), repeatable: new Set(), anyChild: false, required: new Set(), text: undefined });

/** `a` then `b` (a sequence or interleave): a child both hold may occur twice. */
function mergeInto(a: MVariant, b: MVariant): MVariant {
  const out = combine(a, b);
  for (const k of b.children.keys()) if (a.children.has(k)) out.repeatable.add(k);
  for (const k of b.required) out.required.add(k);
  return out;
}

/** `a` or `b` merged into one coarser variant (the index gets coarser, never wrong about the verdict). */
function union(a: MVariant, b: MVariant): MVariant {
  const out = combine(a, b);
  out.required = new Set([...a.required].filter((k) => b.required.has(k)));
  return out;
}

function combine(a: MVariant, b: MVariant): MVariant {
  const out: MVariant = {
    attrs: new Map(a.attrs),
    anyAttr: a.anyAttr || b.anyAttr,
    children: new Map(a.children),
    repeatable: new Set([...a.repeatable, ...b.repeatable]),
    anyChild: a.anyChild || b.anyChild,
    required: new Set(a.required),
    text: a.text || b.text ? [...(a.text ?? []), ...(b.text ?? [])] : undefined,
  };
  for (const [k, v] of b.attrs) out.attrs.set(k, [...(out.attrs.get(k) ?? []), ...v]);
  for (const [k, v] of b.children) out.children.set(k, [...(out.children.get(k) ?? []), ...v]);
  return out;
}

function unionAll(vs: MVariant[]): MVariant {
  return vs.length === 0 ? empty() : vs.slice(1).reduce(union, vs[0]!);
}

function collapse(vs: MVariant[]): MVariant[] {
  return vs.length <= MAX_VARIANTS ? vs : [unionAll(vs)];
}

function product(lists: MVariant[][]): MVariant[] {
  let acc: MVariant[] = [empty()];
  for (const next of lists) {
    if (next.length === 0) continue;
    // Too many combinations: merge this part's branches (the index gets coarser, never wrong about the verdict).
    const list = acc.length * next.length > MAX_VARIANTS ? [unionAll(next)] : next;
    acc = acc.flatMap((a) => list.map((b) => mergeInto(a, b)));
  }
  return acc;
}

class Builder {
  private readonly defines = new Map<string, XmlElement[]>();
  private readonly memo = new Map<string, MVariant[]>();
  private readonly altMemo = new Map<string, ValueAlt[]>();
  private readonly busy = new Set<string>();
  readonly byName = new Map<string, XmlElement[]>();
  private readonly defVariants = new Map<XmlElement, MVariant[]>();

  constructor(grammars: XmlElement[]) {
    for (const g of grammars) {
      for (const el of walkElements(g)) {
        const name = attrValue(el, 'name');
        if (!name) continue;
        if (el.name === 'define') this.defines.set(name, [...(this.defines.get(name) ?? []), el]);
        if (el.name === 'element') this.byName.set(name, [...(this.byName.get(name) ?? []), el]);
      }
    }
  }

  variants(def: XmlElement): MVariant[] {
    let v = this.defVariants.get(def);
    if (!v) this.defVariants.set(def, (v = this.content(childElements(def))));
    return v;
  }

  /** Variants of an element's content: a sequence of patterns. */
  private content(nodes: XmlElement[]): MVariant[] {
    return collapse(product(nodes.map((n) => this.pattern(n))));
  }

  private pattern(n: XmlElement): MVariant[] {
    switch (n.name) {
      case 'attribute': {
        const v = empty();
        const name = attrValue(n, 'name');
        if (name === undefined) v.anyAttr = true;
        else {
          v.attrs.set(name, this.alts(childElements(n), []));
          v.required.add(name);
        }
        return [v];
      }
      case 'element': {
        const v = empty();
        const name = attrValue(n, 'name');
        if (name === undefined) v.anyChild = true;
        else v.children.set(name, [n]);
        return [v];
      }
      case 'choice':
        return collapse(childElements(n).flatMap((c) => this.pattern(c)));
      case 'optional':
        return this.content(childElements(n)).map((v) => ({ ...v, required: new Set<string>() }));
      case 'zeroOrMore':
      case 'oneOrMore': {
        // Each repetition may take another branch of a choice inside: the branches are not exclusive here.
        const v = unionAll(this.content(childElements(n)));
        return [{ ...v, repeatable: new Set(v.children.keys()), required: n.name === 'zeroOrMore' ? new Set<string>() : v.required }];
      }
      case 'group':
      case 'interleave':
      case 'mixed':
        return this.content(childElements(n));
      case 'data':
      case 'value':
      case 'text':
      case 'list':
        return [{ ...empty(), text: this.alt(n, []) }];
      case 'ref':
      case 'parentRef': {
        const name = attrValue(n, 'name') ?? '';
        const hit = this.memo.get(name);
        if (hit) return hit;
        if (this.busy.has(name)) return [empty()];
        this.busy.add(name);
        const defs = this.defines.get(name) ?? [];
        // combine="choice" defines are alternatives; a single define is a sequence.
        let out = collapse(defs.flatMap((d) => this.content(childElements(d))));
        // A pure datatype define (UUID, pciSlot …): keep its name for the wording.
        if (out.every((v) => v.text && v.attrs.size === 0 && v.children.size === 0)) out = [{ ...empty(), text: this.alt(n, []) }];
        this.busy.delete(name);
        this.memo.set(name, out);
        return out;
      }
      default:
        return [empty()];
    }
  }

  /** Allowed values of an attribute's content pattern. */
  private alts(nodes: XmlElement[], via: string[]): ValueAlt[] {
    if (nodes.length === 0) return [{ kind: 'text', via }];
    return nodes.flatMap((n) => this.alt(n, via));
  }

  private alt(n: XmlElement, via: string[]): ValueAlt[] {
    switch (n.name) {
      case 'value':
        return [{ kind: 'value', value: n.children.map((c) => (c.kind === 'text' ? c.text : '')).join('').trim(), via }];
      case 'data': {
        const params: Record<string, string> = {};
        for (const p of childElements(n, 'param')) {
          const pn = attrValue(p, 'name');
          if (pn) params[pn] = p.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
        }
        return [{ kind: 'data', type: attrValue(n, 'type') ?? 'string', params, via }];
      }
      case 'text':
      case 'list':
        return [{ kind: 'text', via }];
      case 'choice':
      case 'group':
        return childElements(n).flatMap((c) => this.alt(c, via));
      case 'ref': {
        const name = attrValue(n, 'name') ?? '';
        const key = `${name}`;
        let base = this.altMemo.get(key);
        if (!base) {
          if (this.busy.has(`alt:${name}`)) return [{ kind: 'text', via }];
          this.busy.add(`alt:${name}`);
          base = (this.defines.get(name) ?? []).flatMap((d) => this.alts(childElements(d), [name]));
          this.busy.delete(`alt:${name}`);
          this.altMemo.set(key, base);
        }
        return via.length === 0 ? base : base.map((a) => ({ ...a, via: [...via, ...a.via] }));
      }
      default:
        return [{ kind: 'text', via }];
    }
  }
}

const indexCache = new Map<string, SchemaIndex>();

/** One index per (schema dir, root grammar) and thread, shared by the validator's explanations and completion. */
export function schemaIndexFor(dir: string, rootFile: string): SchemaIndex {
  const key = `${dir}\u0000${rootFile}`;
  let idx = indexCache.get(key);
  if (!idx) indexCache.set(key, (idx = buildSchemaIndex(dir, rootFile)));
  return idx;
}

/** Builds the index from `rootFile` and the grammars it includes (only those: interface.rng's netcf <mac> must not leak into the domain's). */
export function buildSchemaIndex(dir: string, rootFile: string): SchemaIndex {
  const b = new Builder(reachableGrammars(dir, rootFile));
  return { variants: (def) => b.variants(def), defsNamed: (name) => b.byName.get(name) ?? [] };
}

/** The root elements of `rootFile` and of the grammars it includes or references (same folder), unreadable ones skipped. */
export function reachableGrammars(dir: string, rootFile: string): XmlElement[] {
  const grammars: XmlElement[] = [];
  const pending = [rootFile];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let root: XmlElement | undefined;
    try {
      root = parseXml(schemaFileText(path.join(dir, file))).root;
    } catch {
      continue;
    }
    if (!root) continue;
    grammars.push(root);
    for (const el of walkElements(root)) {
      const href = el.name === 'include' || el.name === 'externalRef' ? attrValue(el, 'href') : undefined;
      if (href && !href.includes('/')) pending.push(href);
    }
  }
  return grammars;
}

// ---- checking values against the index ------------------------------------------------

const INTEGER_TYPES: Record<string, [bigint | undefined, bigint | undefined]> = {
  integer: [undefined, undefined],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  short: [-32768n, 32767n],
  byte: [-128n, 127n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  unsignedLong: [0n, 2n ** 64n - 1n],
  unsignedShort: [0n, 65535n],
  unsignedByte: [0n, 255n],
  positiveInteger: [1n, undefined],
  nonNegativeInteger: [0n, undefined],
  negativeInteger: [undefined, -1n],
  nonPositiveInteger: [undefined, 0n],
};

const patternCache = new Map<string, RegExp | undefined>();
function xsdPattern(p: string): RegExp | undefined {
  if (!patternCache.has(p)) {
    let re: RegExp | undefined;
    for (const flags of ['u', '']) {
      try {
        re = new RegExp(`^(?:${p})$`, flags); // without 'u', XSD's identity escapes such as \- parse too
        break;
      } catch {
        re = undefined; // an XSD-only construct: treat as unknown (accept)
      }
    }
    patternCache.set(p, re);
  }
  return patternCache.get(p);
}

/** True when `raw` is allowed by `alt` (unknown datatypes are accepted: the index must never invent errors). */
export function valueMatches(alt: ValueAlt, raw: string): boolean {
  if (alt.kind === 'text') return true;
  if (alt.kind === 'value') return raw.trim().replace(/\s+/g, ' ') === alt.value;
  const isString = alt.type === 'string' || alt.type === 'normalizedString';
  const v = isString ? raw : raw.trim().replace(/\s+/g, ' ');
  const { pattern, minInclusive, maxInclusive, minLength, maxLength, length } = alt.params;
  if (pattern !== undefined) {
    const re = xsdPattern(pattern);
    if (re && !re.test(v)) return false;
  }
  if (length !== undefined && [...v].length !== Number(length)) return false;
  if (minLength !== undefined && [...v].length < Number(minLength)) return false;
  if (maxLength !== undefined && [...v].length > Number(maxLength)) return false;
  const range = INTEGER_TYPES[alt.type];
  if (range) {
    if (!/^[+-]?\d+$/.test(v)) return false;
    const n = BigInt(v);
    if ((range[0] !== undefined && n < range[0]) || (range[1] !== undefined && n > range[1])) return false;
    if (minInclusive !== undefined && /^-?\d+$/.test(minInclusive) && n < BigInt(minInclusive)) return false;
    if (maxInclusive !== undefined && /^-?\d+$/.test(maxInclusive) && n > BigInt(maxInclusive)) return false;
    return true;
  }
  if (alt.type === 'boolean') return /^(true|false|1|0)$/.test(v);
  if (alt.type === 'double' || alt.type === 'float' || alt.type === 'decimal') return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(INF|-INF|NaN)$/.test(v);
  return true;
}

export interface AttrProblem {
  readonly attr: string;
  /** 'unknown': no such attribute here; 'value': the value fits none of the allowed forms; 'missing': required. */
  readonly kind: 'unknown' | 'value' | 'missing';
  /** Allowed forms in the best-fitting variant. */
  readonly alts: readonly ValueAlt[];
}

interface Fit {
  readonly id: number;
  readonly variants: readonly Variant[];
  readonly problems: readonly AttrProblem[];
}

/** Per document element (cheap), and across documents by (parent fit, name, attributes): re-lints after a keystroke reuse almost everything. */
const fitsByElement = new WeakMap<XmlElement, Fit>();
const fitsByKey = new WeakMap<SchemaIndex, Map<string, Fit>>();
const MAX_CACHED_FITS = 50_000;
let nextFitId = 1;

function problemsIn(v: Variant, el: XmlElement): { score: number; problems: AttrProblem[] } {
  let score = 0;
  const problems: AttrProblem[] = [];
  for (const a of el.attributes) {
    if (a.name.startsWith('xmlns') || a.name.startsWith('xml:')) continue;
    const alts = v.attrs.get(a.name);
    if (!alts) {
      if (!v.anyAttr) {
        problems.push({ attr: a.name, kind: 'unknown', alts: [] });
        score += 1;
      }
    } else if (!alts.some((alt) => valueMatches(alt, a.value))) {
      problems.push({ attr: a.name, kind: 'value', alts });
      // A mismatch on a fixed single value (type='pci') means "wrong variant", not "wrong value".
      score += alts.length === 1 && alts[0]!.kind === 'value' ? 3 : 1;
    }
  }
  for (const r of v.required) {
    if (!el.attributes.some((a) => a.name === r)) {
      problems.push({ attr: r, kind: 'missing', alts: v.attrs.get(r) ?? [] });
      score += 1;
    }
  }
  return { score, problems };
}

/** The element's best-fitting schema variants (context-exact: found from the parent's best variants) and their problems. */
function fit(index: SchemaIndex, el: XmlElement): Fit {
  const hit = fitsByElement.get(el);
  if (hit) return hit;
  const parentFit = el.parent ? fit(index, el.parent) : undefined;
  let byKey = fitsByKey.get(index);
  if (!byKey) fitsByKey.set(index, (byKey = new Map()));
  const key = `${parentFit?.id ?? 0}\u0000${el.name}\u0000${el.attributes.map((a) => `${a.name}\u0001${a.value}`).join('\u0002')}`;
  let result = byKey.get(key);
  if (!result) {
    let defs: readonly XmlElement[] = [];
    if (parentFit) {
      const out = new Set<XmlElement>();
      for (const v of parentFit.variants) for (const d of v.children.get(el.name) ?? []) out.add(d);
      defs = [...out];
    }
    if (defs.length === 0) defs = index.defsNamed(el.name);
    let best: Variant[] = [];
    let bestScore = Infinity;
    let problems: AttrProblem[] = [];
    for (const d of defs) {
      for (const v of index.variants(d)) {
        const r = problemsIn(v, el);
        if (r.score < bestScore) [best, bestScore, problems] = [[v], r.score, r.problems];
        else if (r.score === bestScore) best.push(v);
      }
    }
    result = { id: nextFitId++, variants: best, problems };
    if (byKey.size >= MAX_CACHED_FITS) byKey.clear();
    byKey.set(key, result);
  }
  fitsByElement.set(el, result);
  return result;
}

/** Attribute problems of an element against its best-fitting schema variant, or undefined when the index does not know the element. */
export function attributeProblems(index: SchemaIndex, el: XmlElement): readonly AttrProblem[] | undefined {
  const f = fit(index, el);
  return f.variants.length === 0 ? undefined : f.problems;
}

const childrenOfFit = new WeakMap<Fit, Set<string> | null>();

/** Child element names allowed in `el`, or undefined when any child is allowed or the element is unknown. */
export function allowedChildren(index: SchemaIndex, el: XmlElement): Set<string> | undefined {
  const f = fit(index, el);
  let out = childrenOfFit.get(f);
  if (out === undefined) {
    out = f.variants.length === 0 || f.variants.some((v) => v.anyChild) ? null : new Set(f.variants.flatMap((v) => [...v.children.keys()]));
    childrenOfFit.set(f, out);
  }
  return out ?? undefined;
}

/** Allowed text content of `el`, or undefined when unknown (any variant without a datatype). */
export function allowedText(index: SchemaIndex, el: XmlElement): ValueAlt[] | undefined {
  const variants = fit(index, el).variants;
  if (variants.length === 0 || variants.some((v) => v.text === undefined)) return undefined;
  return variants.flatMap((v) => v.text ?? []);
}

/** Attribute names the element's schema definitions allow (all variants: a wrong type= selects another). */
export function allowedAttributes(index: SchemaIndex, el: XmlElement): string[] {
  const out = new Set<string>();
  const defs = el.parent ? undefined : index.defsNamed(el.name);
  const variants = defs ? defs.flatMap((d) => index.variants(d)) : allVariants(index, el);
  for (const v of variants) v.attrs.forEach((_, k) => out.add(k));
  return [...out].sort();
}

function allVariants(index: SchemaIndex, el: XmlElement): Variant[] {
  const parent = el.parent ? fit(index, el.parent).variants : [];
  const defs = new Set<XmlElement>();
  for (const v of parent) for (const d of v.children.get(el.name) ?? []) defs.add(d);
  const list = defs.size > 0 ? [...defs] : index.defsNamed(el.name);
  return list.flatMap((d) => index.variants(d));
}

/** Every allowed form of `attr` on `el`, over all of its variants (for discriminators such as type=). */
export function allAlts(index: SchemaIndex, el: XmlElement, attr: string): ValueAlt[] {
  return allVariants(index, el).flatMap((v) => v.attrs.get(attr) ?? []);
}
