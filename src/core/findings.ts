import type { TextEdit, TextRange } from './text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** Which checker produced a finding; shown as the diagnostic's source. */
export type FindingSource = 'kvmnet-schema' | 'kvmnet-xml' | 'kvmnet-qemu' | 'kvmnet';

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The safe, obvious fix: offered as the preferred quick fix. */
  readonly isPreferred?: boolean;
}

/**
 * One problem in a document. `code` comes from the per-domain code enums
 * (XmlCode, QemuCode) that both the checker and the editor's code-action
 * provider import, so the two can never drift apart.
 */
export interface Finding {
  readonly range: TextRange;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly source: FindingSource;
  readonly fixes?: readonly Fix[];
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      severityRank[a.severity] - severityRank[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

/**
 * Whether two finding lists would show the same diagnostics (fixes aside). The editor republishes only when they
 * differ: a thousand diagnostics cost the extension host a visible pause to serialize on every keystroke.
 */
export function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const r = x.range;
    const s = y.range;
    if (
      r.start.line !== s.start.line ||
      r.start.character !== s.start.character ||
      r.end.line !== s.end.line ||
      r.end.character !== s.end.character ||
      x.severity !== y.severity ||
      x.code !== y.code ||
      x.message !== y.message ||
      x.source !== y.source
    )
      return false;
  }
  return true;
}
