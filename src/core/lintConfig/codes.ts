import { defineCodes } from '../rulekit';
import { allRules } from '../rules';

/**
 * Codes of the lint policy itself (source 'kvmnet'): findings about the suppressions a file carries. Kept apart
 * from LINT_FAMILIES, whose order and members the code-coverage test pins; knownLintCodes joins the two.
 */
export const POLICY_CODES = defineCodes({
  UnusedDisable: {
    id: 'kvmnet-unused-disable',
    doc: 'A kvmnet disable directive (an XML kvmnet-disable-next-line comment or a # kvmnet disable= line of a script) names a code that reports nothing on the lines it covers: remove it, or fix the code name.',
  },
});

/** Every code a config, a setting or a directive may name. */
export function knownLintCodes(): ReadonlySet<string> {
  return new Set([...allRules().map((r) => r.id), ...Object.values(POLICY_CODES).map((c) => c.id)]);
}
