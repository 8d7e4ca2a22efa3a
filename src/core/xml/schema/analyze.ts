/*
 * Everything lintLibvirtXml computes for one text, in one place so it can run in the worker
 * thread as a whole (the semantic rules' parse of a 5,000-line file would otherwise block the
 * extension host too): libxml2 schema validation, then the semantic rules.
 */
import { isMainThread } from 'node:worker_threads';
import { isCuratedKind, libvirtKind, notCheckedReason } from '../../documentKind';
import type { Finding } from '../../findings';
import { MAX_XML_ATTRIBUTES, MAX_XML_ELEMENTS } from '../../limits';
import type { Position } from '../../text';
import { XmlCode } from '../codes';
import { parseXml } from '../document';
import { markupSize } from '../parse/size';
import { checkLibvirtSemantics } from '../rules';
import { SchemaCode } from './codes';
import type { SchemaSet } from './schemaSet';
import { validateWithSchema } from './validate';

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);

/**
 * Whether any of `outer` covers a range: the outers sorted by start with the furthest end so far,
 * so each question is a binary search (comparing every pair was quadratic: 2,800 invalid NICs
 * spent 20 ms here).
 */
function coverage(outer: readonly Finding[]): (inner: Finding) => boolean {
  const sorted = [...outer].sort((a, b) => (before(a.range.start, b.range.start) ? (before(b.range.start, a.range.start) ? 0 : -1) : 1));
  const furthest: Position[] = [];
  for (const f of sorted) {
    const last = furthest[furthest.length - 1];
    furthest.push(last && before(f.range.end, last) ? last : f.range.end);
  }
  return (inner) => {
    // The last outer starting at or before inner's start.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(sorted[mid]!.range.start, inner.range.start)) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && before(inner.range.end, furthest[lo - 1]!);
  };
}

export interface XmlSizeLimits {
  readonly maxElements: number;
  readonly maxAttributes: number;
}

const LIMITS: XmlSizeLimits = { maxElements: MAX_XML_ELEMENTS, maxAttributes: MAX_XML_ATTRIBUTES };

/** Analyses run on the calling thread when it is the main one (the extension host must see none: issue #12). */
export const mainThreadAnalyses = { count: 0 };

const count = (n: number): string => n.toLocaleString('en-US');

/** Above the limits: libxml2's verdict and first error only, and a notice saying why (linear, bounded work). */
async function analyzeTooLarge(text: string, set: SchemaSet, why: string): Promise<Finding[]> {
  const outcome = await validateWithSchema(text, set, { explain: 'first' });
  if (!outcome.wellFormed) return outcome.findings;
  const message = `Not fully checked: ${why}, so only libxml2's verdict ${outcome.valid === false ? 'and its first error are' : 'is'} reported (no per-attribute explanations, no libvirt rules).`;
  const notice: Finding = { range: firstLine(text), severity: 'info', code: XmlCode.TooLarge.id, message, source: 'kvmnet-xml' };
  return [notice, ...outcome.findings];
}

/** A document declared libvirt XML (kvmnet.xml.files) whose root is no libvirt kind: said, never silent. */
function notChecked(text: string): Finding {
  return { range: firstLine(text), severity: 'info', code: SchemaCode.Unavailable, message: `Not checked: ${notCheckedReason(text)}.`, source: 'kvmnet-schema' };
}

/** The document's first line: where a note about the whole file sits. */
export function firstLine(text: string): Finding['range'] {
  const eol = text.indexOf('\n');
  return { start: { line: 0, character: 0 }, end: { line: 0, character: (eol < 0 ? text : text.slice(0, eol)).replace(/\r$/, '').length } };
}

export async function analyzeLibvirtXml(text: string, set: SchemaSet, limits: XmlSizeLimits = LIMITS): Promise<Finding[]> {
  if (isMainThread) mainThreadAnalyses.count++;
  const size = markupSize(text);
  if (size.elements > limits.maxElements) return analyzeTooLarge(text, set, `${count(size.elements)} elements (more than ${count(limits.maxElements)})`);
  if (size.attributes > limits.maxAttributes) return analyzeTooLarge(text, set, `${count(size.attributes)} attributes (more than ${count(limits.maxAttributes)})`);
  const outcome = await validateWithSchema(text, set);
  // Not well-formed: the one located parse error, nothing else (no cascade).
  if (!outcome.wellFormed) return outcome.findings;
  const kind = libvirtKind(text);
  if (!kind) return [notChecked(text)];
  // The guest rules read guest XML; the network rules a network. Other kinds get libvirt's schema verdict only.
  if (!isCuratedKind(kind)) return outcome.findings;
  let semantic: Finding[];
  try {
    semantic = checkLibvirtSemantics(parseXml(text), text);
  } catch (e) {
    const message = `libvirt XML rules failed: ${e instanceof Error ? e.message : String(e)}`;
    semantic = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'info', code: XmlCode.RulesFailed.id, message, source: 'kvmnet-xml' }];
  }
  // Where a semantic rule's error covers a schema finding (same attribute), the rule's message and quick fix win.
  const covered = coverage(semantic.filter((r) => r.severity === 'error'));
  const schema = outcome.findings.filter((f) => !covered(f));
  return [...schema, ...semantic];
}
