import type { Finding } from '../findings';
import { LineIndex } from '../text';
import { parseXml } from './document';
import { checkLibvirtSemantics } from './rules';
import { TimeoutError, validateOffThread } from './schema/client';
import { SchemaCode } from './schema/codes';
import { resolveSchemaSet } from './schema/schemaSet';
import { validateWithSchema, type SchemaOutcome } from './schema/validate';

export interface XmlLintOptions {
  /** Directory holding libvirt's RelaxNG schemas (domain.rng, network.rng …). */
  readonly schemaDir?: string;
  /**
   * 'worker' (default): libxml2 runs in a worker thread so the caller (the extension host)
   * never blocks; 'inline': in the calling thread (tests, batch runs that want no thread).
   */
  readonly schemaThread?: 'worker' | 'inline';
}

function note(text: string, code: string, message: string, severity: Finding['severity']): Finding {
  const index = new LineIndex(text);
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: index.lineText(0).length } }, severity, code, message, source: 'kvmnet-schema' };
}

/**
 * Schema validation plus semantic rules for libvirt XML. Not well-formed text gets exactly
 * one located error and nothing else; otherwise schema findings (libvirt's RelaxNG through
 * libxml2, the verdict virt-xml-validate gives) and the semantic rules' findings.
 * Never throws: a checker failure becomes one information finding.
 */
export async function lintLibvirtXml(text: string, options: XmlLintOptions = {}): Promise<Finding[]> {
  const { set, problem } = resolveSchemaSet(options.schemaDir);
  if (!set) return [note(text, SchemaCode.Unavailable, `Not validated against libvirt's schema: ${problem ?? 'no schemas'}.`, 'info')];
  let outcome: SchemaOutcome;
  try {
    outcome = options.schemaThread === 'inline' ? await validateWithSchema(text, set) : await validateOffThread(text, set);
  } catch (e) {
    const why = e instanceof TimeoutError ? e.message : `internal error (${e instanceof Error ? e.message : String(e)})`;
    return [note(text, SchemaCode.Unavailable, `Not validated against libvirt's schema: ${why}.`, 'info')];
  }
  if (!outcome.wellFormed) return outcome.findings;
  let semantic: Finding[];
  try {
    semantic = checkLibvirtSemantics(parseXml(text), text);
  } catch (e) {
    semantic = [note(text, 'xml-rules-failed', `libvirt XML rules failed: ${e instanceof Error ? e.message : String(e)}`, 'info')];
  }
  // Where a semantic rule's error covers a schema finding (same attribute), the rule's message and quick fix win.
  const before = (a: Finding['range']['start'], b: Finding['range']['start']): boolean =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  const covers = (outer: Finding, inner: Finding): boolean =>
    before(outer.range.start, inner.range.start) && before(inner.range.end, outer.range.end);
  const schema = outcome.findings.filter((f) => !semantic.some((r) => r.severity === 'error' && covers(r, f)));
  return [...schema, ...semantic];
}
