/** Files larger than this are skipped with a notice rather than parsed (keeps the editor responsive). */
export const MAX_LINT_BYTES = 5 * 1024 * 1024;

/** True when the text looks binary (a NUL in the first 8 KiB), so no linter should read it. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}
