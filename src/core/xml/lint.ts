import type { Finding } from '../findings';
import { analyzeLibvirtXml, firstLine } from './schema/analyze';
import { analyzeOffThread, TimeoutError, WorkerUnavailableError } from './schema/client';
import { SchemaCode } from './schema/codes';
import { resolveSchemaSet } from './schema/schemaSet';

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
  return { range: firstLine(text), severity, code, message, source: 'kvmnet-schema' };
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
  try {
    return options.schemaThread === 'inline' ? await analyzeLibvirtXml(text, set) : await analyzeOffThread(text, set);
  } catch (e) {
    // Never re-run on the calling thread: that is the editor freeze the worker exists to prevent.
    const why = e instanceof TimeoutError || e instanceof WorkerUnavailableError ? e.message : `internal error (${e instanceof Error ? e.message : String(e)})`;
    return [note(text, SchemaCode.Unavailable, `Not validated against libvirt's schema: ${why}.`, 'info')];
  }
}
