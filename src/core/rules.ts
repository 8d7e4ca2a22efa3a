import type { FindingSource } from './findings';
import { STORED_CODES } from './libvirt/storedDiff';
import { POLICY_CODES } from './lintConfig/codes';
import { NOTICE_CODES } from './notices';
import { QemuCode } from './qemu/codes';
import type { CodeTable } from './rulekit';
import { XmlCode } from './xml/codes';
import { SCHEMA_CODES } from './xml/schema/codes';

type LintSource = Exclude<FindingSource, 'kvmnet'>;

/** One lint rule as users see it: the `code` of its findings, their `source`, and its one-line doc. */
export interface RuleDoc {
  readonly id: string;
  /** 'kvmnet' for the editor's notices about the check itself. */
  readonly source: FindingSource;
  readonly doc: string;
}

/** The code tables of the families `lintText` reports, by source, in `--list-rules` order. */
export const LINT_FAMILIES: readonly { readonly source: LintSource; readonly codes: CodeTable }[] = [
  { source: 'kvmnet-schema', codes: SCHEMA_CODES },
  { source: 'kvmnet-xml', codes: XmlCode },
  { source: 'kvmnet-qemu', codes: QemuCode },
];

/**
 * Every rule `lintText` can report, then the lint policy's own (a disable directive that suppresses nothing), the
 * editor's notices (too many findings, not checked) and its report on a definition libvirt stored, from the same
 * code tables the checkers use (`kvmnet lint --list-rules`).
 */
export function allRules(): RuleDoc[] {
  const families: readonly { readonly source: FindingSource; readonly codes: CodeTable }[] = [
    ...LINT_FAMILIES,
    { source: 'kvmnet', codes: POLICY_CODES },
    { source: 'kvmnet', codes: NOTICE_CODES },
    { source: 'kvmnet', codes: STORED_CODES },
  ];
  return families.flatMap(({ source, codes }) => Object.values(codes).map(({ id, doc }) => ({ id, source, doc })));
}

/** Every code a config, a setting or a directive may name. */
export function knownLintCodes(): ReadonlySet<string> {
  return new Set(allRules().map((r) => r.id));
}
