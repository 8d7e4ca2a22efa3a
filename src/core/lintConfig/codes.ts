import { defineCodes } from '../rulekit';

/**
 * Codes of the lint policy itself (source 'kvmnet'): findings about the suppressions a file carries. Kept apart
 * from LINT_FAMILIES, whose order and members the code-coverage test pins; listed by allRules (core/rules.ts).
 */
export const POLICY_CODES = defineCodes({
  UnusedDisable: {
    id: 'kvmnet-unused-disable',
    doc: 'A kvmnet disable directive (an XML kvmnet-disable-next-line comment or a # kvmnet disable= line of a script) names a code that reports nothing on the lines it covers: remove it, or fix the code name.',
  },
});

