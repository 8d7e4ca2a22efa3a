import { attrValue, parseXml, type Span, type XmlElement } from '../document';
import { summarizeChildren, type PathStep } from './schemaModel';

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
