import { isMainThread } from 'node:worker_threads';
import { detectDocumentKind, type DocumentKind } from './documentKind';
import { sortFindings, type Finding } from './findings';
import { looksBinary, MAX_LINT_BYTES } from './limits';
import { lintLaunchScript } from './qemu/lint';
import { lintLibvirtXml, type XmlLintOptions } from './xml/lint';

export interface LintOptions extends XmlLintOptions {
  /** Treat the file as libvirt XML whatever its root (user-declared globs). */
  readonly forceXml?: boolean;
}

export interface LintResult {
  readonly kind: DocumentKind | undefined;
  readonly findings: readonly Finding[];
  /** Set when the file was not linted at all, with the reason (too large, binary). */
  readonly skipped?: string;
}

/** lintText calls on the main thread: the editor runs every lint in the worker (lintOffThread), so it sees none. */
export const mainThreadLints = { count: 0 };

/**
 * The one entry point the editor and the CLI share: what is this file, and what is wrong with it. Runs on the
 * calling thread (the CLI); the editor calls it in the lint worker through lintOffThread.
 */
export async function lintText(fileName: string, text: string, options: LintOptions = {}): Promise<LintResult> {
  if (isMainThread) mainThreadLints.count++;
  if (looksBinary(text)) return { kind: undefined, findings: [], skipped: 'binary file' };
  const kind = detectDocumentKind(fileName, text, options.forceXml);
  if (kind === undefined) return { kind, findings: [] };
  if (Buffer.byteLength(text) > MAX_LINT_BYTES) {
    return { kind, findings: [], skipped: `larger than ${MAX_LINT_BYTES / 1024 / 1024} MB` };
  }
  const findings = kind === 'libvirt-xml' ? await lintLibvirtXml(text, options) : lintLaunchScript(text, { fileName });
  return { kind, findings: sortFindings(findings) };
}

export { lintOffThread, cancelLint } from './xml/schema/client';
