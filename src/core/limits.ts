/** Files larger than this are skipped with a notice rather than parsed (keeps the editor responsive). */
export const MAX_LINT_BYTES = 5 * 1024 * 1024;

/** True when the text looks binary (a NUL in the first 8 KiB), so no linter should read it. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/**
 * Past these counts a libvirt XML file gets libxml2's verdict only (its first error, located by line) and a
 * notice, not every error explained nor the semantic rules: a real domain has a few thousand elements, and
 * the explanations and rules, though linear, then cost seconds of worker time per edit.
 */
export const MAX_XML_ELEMENTS = 20_000;
export const MAX_XML_ATTRIBUTES = 50_000;

/** The editor shows at most this many findings per file (the rest in a notice): more only slows the editor. */
export const MAX_EDITOR_FINDINGS = 1_000;
