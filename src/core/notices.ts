import type { Finding } from './findings';
import { defineCodes } from './rulekit';

/**
 * Codes of the editor's notices about the check itself (source 'kvmnet'), not findings of a rule: the lint worker
 * capped what it shows, or could not check the file. Listed by `kvmnet lint --list-rules` beside the rule families.
 */
export const NOTICE_CODES = defineCodes({
  TooManyFindings: {
    id: 'too-many-findings',
    doc: 'The editor shows the first findings of a file only (tens of thousands of diagnostics slow it down); kvmnet lint reports all of them.',
  },
  NotChecked: {
    id: 'not-checked',
    doc: 'The editor could not check this file: the check took too long and was stopped, or the lint worker could not run; nothing is checked on the editor thread instead.',
  },
});

/** A notice on the first line of the file. */
export function notice(code: keyof typeof NOTICE_CODES, message: string): Finding {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'info', code: NOTICE_CODES[code].id, message, source: 'kvmnet' };
}
