import type { OffsetEdit } from '../../rulekit';
import type { LaunchScript } from '../model';
import type { RuleContext } from './context';

/** The shell's own syntax errors: that line is skipped, the rest of the script is still checked. */
export function checkShellSyntax(c: RuleContext, script: LaunchScript): void {
  for (const e of script.shell.errors) {
    c.report('ShellSyntax', 'warning', { start: e.offset, end: e.offset }, `Shell syntax error: ${e.message} (that line was skipped; the rest of the script is still checked).`);
  }
}

/** CRLF breaks the script before QEMU sees it; one finding on the first such line, the fix drops every \r. */
export function checkLineEndings(c: RuleContext): void {
  const first = c.text.indexOf('\r\n');
  if (first < 0) return;
  const edits: OffsetEdit[] = [];
  for (let i = first; i >= 0; i = c.text.indexOf('\r\n', i + 2)) edits.push({ start: i, end: i + 1, text: '' });
  const lineStart = c.text.lastIndexOf('\n', first) + 1;
  c.report(
    'CrlfLineEndings',
    'error',
    { start: lineStart, end: first },
    `This launch script has Windows (CRLF) line endings (${edits.length} line${edits.length === 1 ? '' : 's'}): the shell keeps the \\r, so a trailing backslash no longer continues the QEMU command and the last argument of each line ends in \\r. Convert it to LF.`,
    [{ title: 'Convert the script to LF line endings', edits, isPreferred: true }],
  );
}
