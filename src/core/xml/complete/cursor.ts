import { attrValue, parseXml, type Span, type XmlElement } from '../document';
import { summarizeChildren, type ChildSummary, type PathStep } from './schemaModel';

/** Where the cursor is, lexically, in a possibly unfinished document. */
export type XmlCursor =
  | { readonly kind: 'element-name'; readonly parentPath: readonly string[]; readonly steps: readonly PathStep[]; readonly typed: string; readonly replace: Span; readonly ownerType: string | undefined }
  | { readonly kind: 'attribute-name'; readonly path: readonly string[]; readonly steps: readonly PathStep[]; readonly present: readonly string[]; readonly typed: string; readonly replace: Span; readonly ownerType: string | undefined }
  | {
      readonly kind: 'attribute-value';
      readonly path: readonly string[];
      readonly attribute: string;
      /** Root to this element, with the attributes written so far (schema-derived completion). */
      readonly steps: readonly PathStep[];
      readonly typed: string;
      readonly replace: Span;
      readonly ownerType: string | undefined;
      /** Right after `=`: the value must bring its quotes. */
      readonly needsQuotes?: boolean;
    };

const NAME_CHAR = /[\w.:-]/;
/** Elements whose `type` decides what their children may hold. */
const OWNERS = new Set(['interface', 'hostdev', 'forward']);

/** Innermost element still open at the end of a truncated document: the parent of what follows. */
function openAncestors(text: string): XmlElement[] {
  const doc = parseXml(text);
  const chain: XmlElement[] = [];
  let el = doc.root;
  while (el && !el.closed) {
    chain.push(el);
    const last = [...el.children].reverse().find((c): c is XmlElement => c.kind === 'element');
    el = last;
  }
  return chain;
}

/** `type` of the nearest interface/hostdev/forward (mode for forward), which decides the allowed attributes below it. */
function ownerTypeOf(chain: readonly { name: string; type: string | undefined }[]): string | undefined {
  for (let i = chain.length - 1; i >= 0; i--) if (OWNERS.has(chain[i]!.name)) return chain[i]!.type;
  return undefined;
}

function describe(el: XmlElement): { name: string; type: string | undefined } {
  return { name: el.name, type: el.name === 'forward' ? attrValue(el, 'mode') : attrValue(el, 'type') };
}

/** Attribute names and values of a start tag's text (tolerant: stops at anything odd). */
function tagAttributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/\s([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.set(m[1]!, m[2] ?? m[3] ?? '');
  return out;
}

/**
 * Names of the sibling elements after the tag being typed (which ends at `from`, or runs on to its
 * own content and end tag when `inside` is 1), up to the parent's end tag: a lexical scan, as the
 * text there is not a document yet. Tolerant: stops at anything it cannot follow.
 */
function followingSiblings(text: string, from: number, inside: number): ChildSummary[] {
  const out: ChildSummary[] = [];
  let depth = inside;
  for (let i = text.indexOf('<', from); i >= 0; i = text.indexOf('<', i + 1)) {
    if (text.startsWith('<!--', i)) {
      i = text.indexOf('-->', i);
    } else if (text.startsWith('<![CDATA[', i)) {
      i = text.indexOf(']]>', i);
    } else if (text[i + 1] === '?' || text[i + 1] === '!') {
      i = text.indexOf('>', i);
    } else if (text[i + 1] === '/') {
      if (--depth < 0) break;
      i = text.indexOf('>', i);
    } else {
      const m = /^<([\w.:-]+)(?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/.exec(text.slice(i, i + 4096));
      if (!m) break;
      if (depth === 0) out.push({ name: m[1]! });
      if (m[2] !== '/') depth++;
      i += m[0].length - 1;
    }
    if (i < 0) break;
  }
  return out;
}

/** The tag at the cursor, `<` at `lt`: where it ends, and whether content follows it (0 = it closes itself or is unfinished). */
function tagExtent(text: string, lt: number, nameEnd: number): { end: number; inside: number } {
  const gt = text.indexOf('>', nameEnd);
  const next = text.indexOf('<', nameEnd);
  if (gt < 0 || (next >= 0 && next < gt)) return { end: nameEnd, inside: 0 };
  return { end: gt + 1, inside: text[gt - 1] === '/' || nameEnd === lt + 1 ? 0 : 1 };
}

export function cursorAt(text: string, offset: number): XmlCursor | undefined {
  const before = text.slice(0, offset);
  if (before.lastIndexOf('<!--') > before.lastIndexOf('-->')) return undefined;
  if (before.lastIndexOf('<![CDATA[') > before.lastIndexOf(']]>')) return undefined;
  const lt = before.lastIndexOf('<');
  if (lt < 0 || lt < before.lastIndexOf('>')) return undefined;
  const head = before.slice(lt);
  if (/^<[/?!]/.test(head)) return undefined;
  let nameEnd = offset;
  while (nameEnd < text.length && NAME_CHAR.test(text[nameEnd]!)) nameEnd++;
  const open = openAncestors(text.slice(0, lt));
  const ancestors = open.map(describe);
  const parentSteps: PathStep[] = open.map((el) => ({ name: el.name, attrs: new Map(el.attributes.map((a) => [a.name, a.value])), children: summarizeChildren(el) }));
  const parentPath = ancestors.map((a) => a.name);

  const nameOnly = /^<([\w.:-]*)$/.exec(head);
  if (nameOnly) {
    // The siblings after the cursor count too: an element that may occur once and is already there is not offered.
    const last = parentSteps[parentSteps.length - 1];
    if (last) {
      const tag = tagExtent(text, lt, nameEnd);
      parentSteps[parentSteps.length - 1] = { ...last, children: [...(last.children ?? []), ...followingSiblings(text, tag.end, tag.inside)] };
    }
    return { kind: 'element-name', parentPath, steps: parentSteps, typed: nameOnly[1]!, replace: { start: lt + 1, end: nameEnd }, ownerType: ownerTypeOf(ancestors) };
  }
  const name = /^<([\w.:-]+)/.exec(head)?.[1];
  if (!name) return undefined;
  const gt = text.indexOf('>', offset);
  const nextLt = text.indexOf('<', offset);
  const tagEnd = gt < 0 || (nextLt >= 0 && nextLt < gt) ? offset : gt;
  const attrs = tagAttributes(text.slice(lt, tagEnd));
  const self = { name, type: name === 'forward' ? attrs.get('mode') : attrs.get('type') };
  const path = [...parentPath, name];
  const steps = [...parentSteps, { name, attrs }];
  const ownerType = ownerTypeOf([...ancestors, self]);

  const inValue = /\s([\w.:-]+)\s*=\s*(["'])([^"']*)$/.exec(head);
  if (inValue) {
    const quote = inValue[2]!;
    const close = text.indexOf(quote, offset);
    const end = close >= 0 && (nextLt < 0 || close < nextLt) ? close : offset;
    return { kind: 'attribute-value', path, steps, attribute: inValue[1]!, typed: inValue[3]!, replace: { start: offset - inValue[3]!.length, end }, ownerType };
  }
  const afterEquals = /\s([\w.:-]+)\s*=\s*$/.exec(head);
  if (afterEquals) {
    return { kind: 'attribute-value', path, steps, attribute: afterEquals[1]!, typed: '', replace: { start: offset, end: offset }, ownerType, needsQuotes: true };
  }
  const inName = /\s([\w.:-]*)$/.exec(head);
  if (inName) {
    const typed = inName[1]!;
    return { kind: 'attribute-name', path, steps, present: [...attrs.keys()].filter((a) => a !== typed), typed, replace: { start: offset - typed.length, end: nameEnd }, ownerType };
  }
  return undefined;
}
