import type { OffsetEdit, RuleFix } from '../../rulekit';
import type { LaunchScript, QemuInvocation } from '../model';
import type { ShellCommand, Span } from '../shell';
import type { RuleContext } from './context';

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

/** Binary search: the first command that starts at or after `offset` (commands are in source order). */
function commandFrom(commands: readonly ShellCommand[], offset: number): ShellCommand | undefined {
  let lo = 0;
  let hi = commands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (commands[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return commands[lo];
}

/** The line ending at `end` ends in a backslash that continues it (not an escaped backslash). */
function continues(text: string, end: number): boolean {
  let n = 0;
  while (text[end - 1 - n] === '\\') n++;
  return n % 2 === 1;
}

/** Where the line holding `offset` ends: its `\n`, or the `\r` of a CRLF. */
function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

const lineStartOf = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/** An option word a shell would run as a command name (`-nic`, `--netdev`). */
const OPTION = /^--?[A-Za-z]/;

/**
 * Lines of QEMU options the shell runs as commands of their own ("-nic: command not found"), because the QEMU
 * command above them ended first: at a comment (bash and dash end a comment at its newline, a backslash before
 * it included), at a line without a continuing backslash, or at a blank line after one. QEMU never gets those
 * options: an error. A comment closing a command with nothing but other commands after it is no finding.
 */
export function checkCommandBoundaries(c: RuleContext, script: LaunchScript): void {
  const text = c.text;
  const { commands, comments } = script.shell;
  for (const orphan of commands) {
    const first = orphan.words[0];
    if (orphan.assigns.length > 0 || !first || first.dynamic.length > 0 || !OPTION.test(first.value)) continue;
    const inv = lastInvocationEndingBefore(script.invocations, orphan.start);
    if (!inv || commandFrom(commands, inv.command.end) !== orphan) continue;
    const between = comments.filter((cm) => cm.start >= inv.command.end && cm.end <= orphan.start);
    let gap = text.slice(inv.command.end, orphan.start);
    for (const cm of between) gap = gap.slice(0, cm.start - inv.command.end) + ' '.repeat(cm.end - cm.start) + gap.slice(cm.end - inv.command.end);
    // Only whitespace, comments and continuations between them: nothing else ended the command.
    if (/[^\s\\]/.test(gap)) continue;
    const lastLineEnd = lineEndOf(text, inv.command.end);
    const trailing = between.find((cm) => cm.start < lastLineEnd);
    const lastContinues = continues(text, lastLineEnd);
    const nextLine = lastLineEnd < text.length ? text.indexOf('\n', lastLineEnd) + 1 : text.length;
    const commentLine = lastContinues && !trailing ? between.find((cm) => lineStartOf(text, cm.start) === nextLine) : undefined;
    const cause = lastContinues ? (trailing ?? commentLine) : undefined;
    const fixes = joinFix(text, inv, orphan, trailing, between, lastLineEnd, lastContinues);
    const lost = `'${first.value}': command not found; QEMU never gets the options from there on`;
    if (cause) {
      c.report('CommentInContinuation', 'error', cause, `The QEMU command ends at this comment (a comment runs to the end of its line, a backslash included): the next lines run as commands of their own (${lost}).`, fixes);
    } else {
      const why = lastContinues ? 'a blank line ends it' : trailing ? 'no backslash continues the line with the comment' : 'no backslash continues the line before';
      c.report('OptionsOrphaned', 'error', first, `The QEMU command above has ended (${why}): this line runs as a command of its own (${lost}).`, fixes);
    }
  }
}

/**
 * One QEMU command again: a backslash ends its last line (in place of a trailing comment), the blank and comment
 * lines between go, and the comments move above the command (none is lost). No fix where the command does not
 * start its line (`then qemu …`) and there are comments to move.
 */
function joinFix(text: string, inv: QemuInvocation, orphan: ShellCommand, trailing: Span | undefined, between: readonly Span[], lastLineEnd: number, lastContinues: boolean): RuleFix[] {
  const cmdLine = lineStartOf(text, inv.command.start);
  const indent = text.slice(cmdLine, inv.command.start);
  const moved = between.map((cm) => text.slice(cm.start, cm.end).replace(/[\s\\]+$/, ''));
  if (moved.length > 0 && !/^[ \t]*$/.test(indent)) return [];
  const edits: OffsetEdit[] = [];
  if (moved.length > 0) edits.push({ start: cmdLine, end: cmdLine, text: moved.map((m) => `${indent}${m}\n`).join('') });
  if (trailing) edits.push({ start: trailing.start, end: lastLineEnd, text: '\\' });
  else if (!lastContinues) edits.push({ start: lastLineEnd, end: lastLineEnd, text: ' \\' });
  const afterLast = lastLineEnd < text.length ? text.indexOf('\n', lastLineEnd) + 1 : text.length;
  const orphanLine = lineStartOf(text, orphan.start);
  if (orphanLine > afterLast) edits.push({ start: afterLast, end: orphanLine, text: '' });
  return [{ title: 'Join the option lines to the QEMU command', edits, isPreferred: true }];
}
