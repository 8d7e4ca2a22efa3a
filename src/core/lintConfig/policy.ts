import type { DocumentKind } from '../documentKind';
import { sortFindings, type Finding } from '../findings';
import { LineIndex } from '../text';
import { POLICY_CODES } from './codes';
import type { RuleSettings } from './config';
import { applySuppressions, parseDirectives } from './suppress';

/**
 * What the user decided about a file's findings, applied the same way by the CLI and the editor: rules turned
 * off go, inline directives suppress what they cover (a directive for an `off` rule is unused), directives that
 * suppress nothing are reported, and every remaining finding takes its configured severity. With no settings
 * and no directive the findings come back unchanged.
 */
export function applyLintPolicy(kind: DocumentKind | undefined, text: string, findings: readonly Finding[], settings: RuleSettings = {}): Finding[] {
  // Nothing configured and no directive possible: skip the line index (the editor calls this on every edit).
  if (kind === undefined || (Object.keys(settings).length === 0 && !text.includes('kvmnet'))) return [...findings];
  const index = new LineIndex(text);
  const directives = parseDirectives(kind, text, index);
  const on = findings.filter((f) => settings[f.code] !== 'off');
  const { kept, unused } = applySuppressions(on, directives);
  const reports: Finding[] = unused.map(({ directive, codes }) => {
    const all = codes.length === directive.codes.length;
    return {
      range: index.rangeOf(directive.start, directive.end),
      severity: 'warning',
      code: POLICY_CODES.UnusedDisable.id,
      message: directive.codes.length === 0 ? 'This kvmnet disable directive names no rule code.' : `Unused kvmnet disable directive: ${codes.map((c) => `'${c}'`).join(', ')} reports nothing on the lines it covers.`,
      source: 'kvmnet',
      ...(all && directive.lines
        ? { fixes: [{ title: 'Remove the unused directive', edits: [{ range: index.rangeOf(directive.lines.start, directive.lines.end), newText: '' }], isPreferred: true }] }
        : {}),
    };
  });
  if (directives.length === 0 && Object.keys(settings).length === 0) return [...findings];
  const out: Finding[] = [];
  for (const f of [...kept, ...reports]) {
    const s = settings[f.code];
    if (s === 'off') continue;
    out.push(s === undefined || s === f.severity ? f : { ...f, severity: s });
  }
  return sortFindings(out);
}
