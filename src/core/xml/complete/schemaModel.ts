/*
 * Completion model derived from libvirt's RelaxNG schemas, through the schema index the
 * validator already builds (defines/refs, choice, interleave, optional… flattened into
 * per-element "variants"). The element at the cursor is resolved by its path from the root;
 * at each step the variants are narrowed to those that fit the element's current attributes and
 * children, so a choice keyed by type='bridge' offers only the bridge branch's attributes and
 * children, and a child that may occur once is not offered again.
 */
import { LIBVIRT_ROOTS, type LibvirtKind } from '../../documentKind';
import { attrValue, childElements, type XmlElement } from '../document';
import { schemaIndexFor, valueMatches, type SchemaIndex, type Variant } from '../schema/schemaIndex';

/** One element on the path from the root to the cursor, with the attributes written so far. */
export interface PathStep {
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  /** Child elements already written, with their text when that is all they hold: fixed text selects a branch (<os><type>hvm). */
  readonly children?: readonly ChildSummary[];
}

export interface ChildSummary {
  readonly name: string;
  readonly text?: string;
}

/** The complete child elements of an element, with their text when that is all they hold. */
export function summarizeChildren(el: XmlElement): ChildSummary[] {
  return el.children
    .filter((c): c is XmlElement => c.kind === 'element' && c.closed)
    .map((c) => {
      const onlyText = c.children.length > 0 && c.children.every((n) => n.kind === 'text');
      return onlyText ? { name: c.name, text: c.children.map((n) => (n.kind === 'text' ? n.text : '')).join('').trim() } : { name: c.name };
    });
}

/** Device fragments (virsh attach-device) are the <devices> children of the domain schema. */
const FRAGMENT_PARENT = 'devices';

export class SchemaCompletionModel {
  private readonly narrowed = new Map<string, readonly Variant[]>();
  private readonly ids = new WeakMap<XmlElement, number>();
  private nextId = 1;

  constructor(
    private readonly index: SchemaIndex,
    /** The domain schema: a root other than <domain> is a device fragment. */
    private readonly fragments: boolean,
  ) {}

  private idOf(def: XmlElement): number {
    let id = this.ids.get(def);
    if (id === undefined) this.ids.set(def, (id = this.nextId++));
    return id;
  }

  /** Schema definitions of the root element (fragment roots: their definitions under <devices>). */
  private rootDefs(name: string): readonly XmlElement[] {
    const own = this.index.defsNamed(name);
    if (!this.fragments || name === 'domain') return own;
    const out = new Set<XmlElement>();
    for (const d of this.index.defsNamed(FRAGMENT_PARENT)) for (const v of this.index.variants(d)) for (const c of v.children.get(name) ?? []) out.add(c);
    return out.size > 0 ? [...out] : own;
  }

  /**
   * Variants of `defs` that best fit `attrs` (fewest unknown or mismatching attributes; a mismatch on a
   * fixed value such as type='pci' weighs more, as it selects another branch). Memoised per (defs, attrs).
   */
  private fit(defs: readonly XmlElement[], attrs: ReadonlyMap<string, string>, children: readonly ChildSummary[] = []): readonly Variant[] {
    const childKey = children.map((c) => `${c.name}\u0001${c.text ?? ''}`).join('\u0002');
    const key = `${defs.map((d) => this.idOf(d)).join(',')}\u0000${[...attrs].map(([k, v]) => `${k}\u0001${v}`).join('\u0002')}\u0000${childKey}`;
    let hit = this.narrowed.get(key);
    if (hit) return hit;
    let best: Variant[] = [];
    let bestScore = Infinity;
    for (const d of defs) {
      for (const v of this.index.variants(d)) {
        let score = 0;
        for (const [name, value] of attrs) {
          if (name.startsWith('xmlns') || name.includes(':')) continue;
          const alts = v.attrs.get(name);
          if (!alts) score += v.anyAttr ? 0 : 1;
          else if (!alts.some((a) => valueMatches(a, value))) score += alts.length === 1 && alts[0]!.kind === 'value' ? 3 : 1;
        }
        for (const c of children) if (!this.childFits(v, c)) score += 1;
        for (const [name, n] of counts(children)) if (n > 1 && v.children.has(name) && !v.repeatable.has(name)) score += 1;
        if (score < bestScore) [best, bestScore] = [[v], score];
        else if (score === bestScore) best.push(v);
      }
    }
    hit = best;
    if (this.narrowed.size > 20_000) this.narrowed.clear();
    this.narrowed.set(key, hit);
    return hit;
  }

  /**
   * False when the variant has no place for this child (the other branch of a choice: <forward> holds
   * <interface>s or <address>es), or holds it only with other fixed text (<os><type>exe vs hvm).
   */
  private childFits(v: Variant, c: ChildSummary): boolean {
    const defs = v.children.get(c.name);
    if (!defs) return v.anyChild || c.name.includes(':');
    if (c.text === undefined) return true;
    return defs.some((d) => this.index.variants(d).some((cv) => !cv.text || cv.text.some((a) => a.kind !== 'value' || valueMatches(a, c.text!))));
  }

  /** Variants of the last element of `path`, or undefined when the schema does not know it there. */
  variantsAt(path: readonly PathStep[]): readonly Variant[] | undefined {
    if (path.length === 0) return undefined;
    let defs = this.rootDefs(path[0]!.name);
    for (let i = 0; ; i++) {
      if (defs.length === 0) return undefined;
      const variants = this.fit(defs, path[i]!.attrs, path[i]!.children);
      if (i === path.length - 1) return variants;
      const next = new Set<XmlElement>();
      for (const v of variants) for (const d of v.children.get(path[i + 1]!.name) ?? []) next.add(d);
      defs = [...next];
    }
  }

  /**
   * Child element names that may be added to the last element of `path` (sorted), undefined when unknown:
   * those of the schema branches its present children fit, less those already there that may occur once.
   */
  childNames(path: readonly PathStep[]): string[] | undefined {
    if (path.length === 0) return [...LIBVIRT_ROOTS];
    const variants = this.variantsAt(path);
    if (!variants) return undefined;
    const present = counts(path[path.length - 1]!.children ?? []);
    const names = new Map<string, XmlElement[]>();
    for (const v of variants) {
      for (const [n, defs] of v.children) if (!present.has(n) || v.repeatable.has(n)) names.set(n, [...(names.get(n) ?? []), ...defs]);
    }
    // <element name="privateData"><notAllowed/></element>: declared (for other grammars to override), never valid.
    // ns="…dnsmasq…": a foreign-namespace element (dnsmasq:options) that needs a prefix the model cannot choose.
    const usable = (d: XmlElement) => !childElements(d).some((c) => c.name === 'notAllowed') && !attrValue(d, 'ns');
    return [...names].filter(([, defs]) => defs.some(usable)).map(([n]) => n).sort();
  }

  /** Schema definitions (<element> nodes) of child `name` under the last element of `path`. */
  childDefs(path: readonly PathStep[], name: string): XmlElement[] {
    return [...new Set((this.variantsAt(path) ?? []).flatMap((v) => v.children.get(name) ?? []))];
  }

  /** Attribute names the last element of `path` may carry given its other attributes (sorted). */
  attributeNames(path: readonly PathStep[]): string[] | undefined {
    const variants = this.variantsAt(path);
    if (!variants) return undefined;
    return [...new Set(variants.flatMap((v) => [...v.attrs.keys()]))].filter((n) => !n.includes(':') || !n.startsWith('xml')).sort();
  }

  /** Enumerated values of `attribute` on the last element of `path`, narrowed by its other attributes. */
  attributeValues(path: readonly PathStep[], attribute: string): string[] | undefined {
    const last = path[path.length - 1];
    if (!last) return undefined;
    const others = new Map([...last.attrs].filter(([k]) => k !== attribute));
    const variants = this.variantsAt([...path.slice(0, -1), { name: last.name, attrs: others }]);
    if (!variants) return undefined;
    const out = new Set<string>();
    for (const v of variants) {
      for (const a of v.attrs.get(attribute) ?? []) {
        if (a.kind === 'value' && a.value !== '') out.add(a.value);
        // A pattern that is only an alternation of words, e.g. bridgeMode's (vepa|bridge|private|passthrough).
        const words = a.kind === 'data' ? /^\(?([\w.-]+(?:\|[\w.-]+)+)\)?$/.exec(a.params.pattern ?? '') : null;
        if (words) for (const w of words[1]!.split('|')) out.add(w);
      }
    }
    return [...out];
  }
}

function counts(children: readonly ChildSummary[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of children) out.set(c.name, (out.get(c.name) ?? 0) + 1);
  return out;
}

const models = new Map<string, SchemaCompletionModel>();

/** The model for a document of this kind (no kind yet: an empty file, a domain), built once per (schema dir, grammar). */
export function schemaModelFor(dir: string, kind: LibvirtKind | undefined): SchemaCompletionModel {
  const file = kind?.kind === 'document' ? kind.schema : 'domain.rng';
  const key = `${dir}\u0000${file}`;
  let m = models.get(key);
  if (!m) models.set(key, (m = new SchemaCompletionModel(schemaIndexFor(dir, file), file === 'domain.rng')));
  return m;
}
