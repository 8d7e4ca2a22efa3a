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
