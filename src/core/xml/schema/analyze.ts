/*
 * Everything lintLibvirtXml computes for one text, in one place so it can run in the worker
 * thread as a whole (the semantic rules' parse of a 5,000-line file would otherwise block the
 * extension host too): libxml2 schema validation, then the semantic rules.
 */
import type { Finding } from '../../findings';
import type { Position } from '../../text';
import { XmlCode } from '../codes';
import { parseXml } from '../document';
import { checkLibvirtSemantics } from '../rules';
import type { SchemaSet } from './schemaSet';
import { validateWithSchema } from './validate';

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
const covers = (outer: Finding, inner: Finding): boolean => before(outer.range.start, inner.range.start) && before(inner.range.end, outer.range.end);

export async function analyzeLibvirtXml(text: string, set: SchemaSet): Promise<Finding[]> {
  const outcome = await validateWithSchema(text, set);
  // Not well-formed: the one located parse error, nothing else (no cascade).
  if (!outcome.wellFormed) return outcome.findings;
  let semantic: Finding[];
  try {
    semantic = checkLibvirtSemantics(parseXml(text), text);
  } catch (e) {
    const message = `libvirt XML rules failed: ${e instanceof Error ? e.message : String(e)}`;
    semantic = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'info', code: XmlCode.RulesFailed.id, message, source: 'kvmnet-xml' }];
  }
  // Where a semantic rule's error covers a schema finding (same attribute), the rule's message and quick fix win.
  const schema = outcome.findings.filter((f) => !semantic.some((r) => r.severity === 'error' && covers(r, f)));
  return [...schema, ...semantic];
}
