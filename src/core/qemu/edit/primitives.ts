import { LineIndex, type TextEdit } from '../../text';
import type { QemuInvocation, QemuOption } from '../model';
import type { Span } from '../shell';

/** Primitive edits of a launch script's text: each keeps the shell valid and every byte outside its range. */

export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Every edit's text leaves here, so this is where new lines take the document's dominant line ending: a CRLF
 * script stays CRLF instead of ending up with mixed endings.
 */
export function toTextEdits(text: string, edits: readonly OffsetEdit[]): TextEdit[] {
  const index = new LineIndex(text);
  const crlf = (text.match(/\r\n/g)?.length ?? 0) > (text.match(/(?<!\r)\n/g)?.length ?? 0);
  return edits.map((e) => ({ range: index.rangeOf(e.start, e.end), newText: crlf ? e.text.replace(/(?<!\r)\n/g, '\r\n') : e.text }));
}

export const isBlank = (s: string): boolean => /^[ \t]*$/.test(s);

/** Removes a span of words so the shell stays valid: a whole line when alone on it, else with its own spacing. */
export function removeSpan(text: string, span: Span): OffsetEdit {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  let j = span.end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  const aloneBefore = isBlank(text.slice(lineStart, span.start));
  if (aloneBefore && text[j] === '\\' && text[j + 1] === '\n') return { start: lineStart, end: j + 2, text: '' };
  const atLineEnd = j >= text.length || text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n');
  if (aloneBefore && lineStart >= 2 && text[lineStart - 2] === '\\') {
    // First thing on a continued line: drop it with the continuation that led to it; what followed it on
    // its line (a redirection, `;`) joins the previous line.
    let s = lineStart - 2;
    while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    return atLineEnd ? { start: s, end: span.end, text: '' } : { start: s, end: j, text: ' ' };
  }
  if (!atLineEnd && j > span.end && text[j] !== ';' && text[j] !== '\\') return { start: span.start, end: j, text: '' };
  // Something glued to the span's end (`'…'#x`): keep the space before, so it doesn't glue to the previous word.
  if (span.end < text.length && !/[\s;&|)]/.test(text[span.end]!)) return { start: span.start, end: span.end, text: '' };
  let s = span.start;
  while (s > lineStart && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  return { start: s, end: span.end, text: '' };
}

/** Removes several spans: neighbours separated only by blanks and continuations are removed as one. */
export function removeSpans(text: string, spans: readonly Span[]): OffsetEdit[] {
  const merged: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const prev = merged[merged.length - 1];
    if (prev && (s.start <= prev.end || /^(?:[ \t]|\\\r?\n)*$/.test(text.slice(prev.end, s.start)))) {
      merged[merged.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end) };
    } else merged.push(s);
  }
  return merged.map((s) => removeSpan(text, s));
}

/** Appends `,item` (plain characters) at the end of an option's value, inside its quotes. */
export function appendProp(option: QemuOption, item: string): OffsetEdit {
  const word = option.valueWord!;
  const at = word.value.length > 0 ? word.map[word.value.length - 1]! + 1 : word.end;
  return { start: at, end: at, text: `,${item}` };
}

export function lineIndent(text: string, offset: number): { lineStart: number; indent: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { lineStart, indent: /^[ \t]*/.exec(text.slice(lineStart, offset))![0] };
}

/** Groups argument words into one string per option (`-netdev X`) for layout. */
export function optionGroups(words: readonly string[]): string[] {
  const groups: string[] = [];
  for (const w of words) {
    if (w.startsWith('-') || groups.length === 0) groups.push(w);
    else groups[groups.length - 1] += ` ${w}`;
  }
  return groups;
}

/** Whether something is glued to a word ending at `end` (`"…"#x`): new words written there need a separator, or they absorb it. */
export function gluedAt(text: string, end: number): boolean {
  return end < text.length && !/[\s;&|)]/.test(text[end]!);
}

/** Appends argument words (already shell text) to an invocation, following its one-option-per-line layout if it has one. */
export function appendArgs(text: string, inv: QemuInvocation, words: readonly string[], redirects: readonly string[] = [], forceMultiline = false): OffsetEdit {
  const cmdWords = inv.command.words;
  const last = cmdWords[cmdWords.length - 1]!;
  const multiline = forceMultiline || /\\\r?\n/.test(text.slice(inv.command.start, last.end));
  const groups = optionGroups(words);
  if (redirects.length > 0) groups.push(...(multiline ? [redirects.join(' ')] : redirects));
  let insert: string;
  if (multiline) {
    const first = lineIndent(text, inv.command.start);
    const here = lineIndent(text, last.start);
    const indent = here.lineStart === first.lineStart ? `${first.indent}  ` : here.indent;
    insert = groups.map((g) => ` \\\n${indent}${g}`).join('');
  } else insert = groups.map((g) => ` ${g}`).join('');
  if (gluedAt(text, last.end)) insert += ' ';
  return { start: last.end, end: last.end, text: insert };
}

/** Inserts shell lines before the invocation's line, skipping lines the script already has. */
export function insertPrelude(text: string, inv: QemuInvocation, lines: readonly string[]): OffsetEdit | undefined {
  const have = new Set(text.split('\n').map((l) => l.trim()));
  const fresh = lines.filter((l) => !have.has(l.trim()));
  if (fresh.length === 0) return undefined;
  const { lineStart, indent } = lineIndent(text, inv.command.start);
  return { start: lineStart, end: lineStart, text: fresh.map((l) => `${indent}${l}\n`).join('') };
}
