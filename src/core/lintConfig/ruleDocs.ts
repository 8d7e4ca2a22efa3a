/*
 * One docs page per rule code, docs/rules/CODE.md, generated from the code tables (scripts/rule-docs.mjs writes
 * them, test/core/lintConfig/ruleDocs.test.ts fails when they are out of date). Diagnostics, SARIF and
 * `--format github` link to them.
 */
import { CHECK_CODES } from '../readiness/model';
import { allRules } from '../rules';

/** Where the repository's files are browsed (package.json's vsce --baseContentUrl). */
export const REPOSITORY_BLOB_URL = 'https://example.invalid/kvm-networking/blob/HEAD';

export type RuleKind = 'lint' | 'readiness';

export interface DocumentedRule {
  readonly id: string;
  /** The findings' source, or 'kvmnet check' for a readiness check. */
  readonly source: string;
  readonly doc: string;
  readonly kind: RuleKind;
}

export function documentedRules(): DocumentedRule[] {
  return [
    ...allRules().map((r) => ({ id: r.id, source: r.source, doc: r.doc, kind: 'lint' as const })),
    ...Object.values(CHECK_CODES).map((c) => ({ id: c.id, source: 'kvmnet check', doc: c.doc, kind: 'readiness' as const })),
  ];
}

export const ruleDocPath = (code: string): string => `docs/rules/${code}.md`;
export const ruleDocUrl = (code: string): string => `${REPOSITORY_BLOB_URL}/${ruleDocPath(code)}`;

/** Docs quote XML (`<mac>`): as Markdown text it would be taken for HTML and vanish. */
const markdownText = (doc: string): string => doc.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page's Markdown. Generated: edit the code table's doc, not the page. */
export function ruleDocPage(rule: DocumentedRule): string {
  const head = `<!-- Generated from the code tables by scripts/rule-docs.mjs; edit the doc there. -->\n# \`${rule.id}\`\n\n${markdownText(rule.doc)}\n\nSource: \`${rule.source}\`\n`;
  if (rule.kind === 'readiness') {
    return `${head}\nA host readiness check of \`kvmnet check\` and the Host readiness view; \`kvmnet check --json\` reports it by this id.\n`;
  }
  return `${head}
## Turning it off or changing its severity

In \`.kvmnetrc.json\` (all files, or some with \`overrides\`):

\`\`\`json
{ "rules": { "${rule.id}": "off" } }
\`\`\`

The severity can be \`error\`, \`warning\`, \`info\`, \`hint\` or \`off\`; in the editor the \`kvmnet.lint.rules\` setting does the same.

## Suppressing one occurrence

libvirt XML, above the element:

\`\`\`xml
<!-- kvmnet-disable-next-line ${rule.id}: why -->
\`\`\`

Launch script, above the command:

\`\`\`sh
# kvmnet disable=${rule.id} # why
\`\`\`
`;
}

/** docs/rules/README.md: the index of every page. */
export function ruleDocIndex(rules: readonly DocumentedRule[]): string {
  const row = (r: DocumentedRule) => `| [\`${r.id}\`](${r.id}.md) | \`${r.source}\` | ${markdownText(r.doc).replace(/\|/g, '\\|')} |`;
  return `<!-- Generated from the code tables by scripts/rule-docs.mjs. -->\n# kvmnet rules\n\n| Code | Source | What it means |\n| --- | --- | --- |\n${rules.map(row).join('\n')}\n`;
}
