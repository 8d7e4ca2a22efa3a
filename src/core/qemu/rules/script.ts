import type { OffsetEdit } from '../../rulekit';
import type { LaunchScript, QemuInvocation } from '../model';
import type { RuleContext } from './context';

/** The shell's own syntax errors: that line is skipped, the rest of the script is still checked. */
export function checkShellSyntax(c: RuleContext, script: LaunchScript): void {
  for (const e of script.shell.errors) {
    c.report('ShellSyntax', 'warning', { start: e.offset, end: e.offset }, `Shell syntax error: ${e.message} (that line was skipped; the rest of the script is still checked).`);
  }
}

/** Binary search: the invocation with the greatest end <= offset (invocations are in source order). */
function lastInvocationEndingBefore(invs: readonly QemuInvocation[], offset: number): QemuInvocation | undefined {
  let lo = 0;
  let hi = invs.length - 1;
  let found: QemuInvocation | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (invs[mid]!.command.end <= offset) {
      found = invs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A comment line right after a `\` continuation of a QEMU command ends it; what follows is a new command. */
export function checkContinuationComments(c: RuleContext, script: LaunchScript): void {
  const text = c.text;
  for (const cm of script.shell.comments) {
    const lineStart = text.lastIndexOf('\n', cm.start - 1) + 1;
    if (lineStart < 2 || !/^[ \t]*$/.test(text.slice(lineStart, cm.start))) continue;
    const prevEnd = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
    if (text[prevEnd - 1] !== '\\' || text[prevEnd - 2] === '\\') continue;
    const prevLineStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const inv = lastInvocationEndingBefore(script.invocations, prevEnd);
    if (!inv || inv.command.end < prevLineStart || inv.command.start >= lineStart) continue;
    const lineEnd = text.indexOf('\n', cm.end);
    c.report('CommentInContinuation', 'warning', cm, 'This comment line ends the QEMU command above (a comment cannot continue a line): the options below it run as a separate command.', [
      { title: 'Delete the comment line', edits: [{ start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1, text: '' }], isPreferred: true },
    ]);
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
