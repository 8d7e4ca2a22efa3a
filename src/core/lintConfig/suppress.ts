/*
 * Inline suppressions. libvirt XML: `<!-- kvmnet-disable-next-line CODE[, CODE]: reason -->` covers the next line
 * and, when a tag (or comment) is still open at its end, the lines up to where it closes — a directive cannot sit
 * inside a start tag, so it covers the whole tag below it. Launch scripts, in shellcheck's style:
 * `# kvmnet disable=CODE[,CODE] # reason` on a line of its own covers the next command with its backslash
 * continuation lines (a comment inside a continued command would end it); right below a `#!` line it also covers
 * that line (nothing may go above it), which is where whole-file findings such as CRLF line endings sit.
 */
import type { DocumentKind } from '../documentKind';
import type { Finding, Fix } from '../findings';
import { LineIndex, type TextEdit } from '../text';

export interface Directive {
  /** The directive's own offsets, for its report. */
  readonly start: number;
  readonly end: number;
  readonly codes: readonly string[];
  /** 0-based lines it covers, inclusive: its own line(s) too, where a whole-file finding may land once it is written. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Offsets of the whole lines it sits on when nothing else is on them (what removing it deletes). */
  readonly lines?: { readonly start: number; readonly end: number };
}

const XML_DIRECTIVE = /<!--\s*kvmnet-disable-next-line\b([^]*?)-->/g;
const SHELL_DIRECTIVE = /^[ \t]*#[ \t]*kvmnet[ \t]+disable=([^\s#:]*).*$/gm;

/** Codes before the first ':' (the reason follows it), separated by commas or blanks. */
function codesOf(list: string): string[] {
  return list.split(/[\s,]+/).filter((c) => c.length > 0);
}

type XmlState = 'text' | 'tag' | 'comment' | 'other';

/**
 * Walks XML markup from `from` to `to`, or with `stopAtTextLineEnd` to the first line end met outside any tag,
 * comment or processing instruction. Returns where it stopped, the state there and where that construct began.
 */
function scanXml(text: string, from: number, to: number, stopAtTextLineEnd: boolean): { at: number; state: XmlState; began: number } {
  let state: XmlState = 'text';
  let quote = '';
  let began = from;
  let i = from;
  for (; i < to; i++) {
    const c = text[i]!;
    if (state === 'text') {
      if (c === '\n' && stopAtTextLineEnd) break;
      if (c !== '<') continue;
      began = i;
      if (text.startsWith('<!--', i)) {
        state = 'comment';
        i += 3;
      } else state = text[i + 1] === '?' || text[i + 1] === '!' ? 'other' : 'tag';
    } else if (state === 'comment') {
      if (text.startsWith('-->', i)) {
        state = 'text';
        i += 2;
      }
    } else if (quote) {
      if (c === quote) quote = '';
    } else if (state === 'tag' && (c === '"' || c === "'")) quote = c;
    else if (c === '>') state = 'text';
  }
  return { at: i, state, began };
}

/** The end of the lines a directive covers from `from`: until no tag or comment opened on them is still open. */
function xmlCoveredEnd(text: string, from: number): number {
  return scanXml(text, from, text.length, true).at;
}

/** The offset where the tag (or comment) open at `offset` began, or undefined when `offset` is in text. */
function xmlOpenConstructAt(text: string, offset: number): number | undefined {
  const { state, began } = scanXml(text, 0, offset, false);
  return state === 'text' ? undefined : began;
}

/** lineText has already dropped a CR, so this holds for CRLF scripts too. */
function endsWithBackslash(line: string): boolean {
  return line.endsWith('\\');
}

/** The last line of the shell command that starts on `line`: backslash continuations included. */
function shellCommandEnd(index: LineIndex, line: number): number {
  let last = line;
  while (last + 1 < index.lineCount && endsWithBackslash(index.lineText(last))) last++;
  return last;
}

/** The first line of the shell command that line `line` belongs to. */
function shellCommandStart(index: LineIndex, line: number): number {
  let first = line;
  while (first > 0 && endsWithBackslash(index.lineText(first - 1))) first--;
  return first;
}

/** Whole lines [start, end) holding only [from, to) and blanks, or undefined when other text shares them. */
function ownLines(index: LineIndex, from: number, to: number): { start: number; end: number } | undefined {
  const text = index.text;
  const start = index.offsetAt({ line: index.positionAt(from).line, character: 0 });
  const lastLine = index.positionAt(to).line;
  const lineEnd = index.offsetAt({ line: lastLine, character: Infinity });
  if (text.slice(start, from).trim() !== '' || text.slice(to, lineEnd).trim() !== '') return undefined;
  return { start, end: Math.min(text.length, lineEnd + 1) };
}

export function parseDirectives(kind: DocumentKind, text: string, index = new LineIndex(text)): Directive[] {
  const out: Directive[] = [];
  if (kind === 'libvirt-xml') {
    if (!text.includes('kvmnet-disable')) return out;
    for (const m of text.matchAll(XML_DIRECTIVE)) {
      const start = m.index;
      const end = start + m[0].length;
      const line = index.positionAt(end).line + 1;
      const from = index.offsetAt({ line, character: 0 });
      const lastLine = line < index.lineCount ? index.positionAt(xmlCoveredEnd(text, from)).line : line;
      const lines = ownLines(index, start, end);
      out.push({ start, end, codes: codesOf(m[1]!.split(':')[0]!), firstLine: index.positionAt(start).line, lastLine, ...(lines ? { lines } : {}) });
    }
  } else {
    if (!text.includes('kvmnet')) return out;
    for (const m of text.matchAll(SHELL_DIRECTIVE)) {
      const start = m.index;
      const end = start + m[0].length;
      const line = index.positionAt(end).line + 1;
      const lines = ownLines(index, start, end);
      const firstLine = line === 2 && text.startsWith('#!') ? 0 : line - 1;
      out.push({ start, end, codes: codesOf(m[1]!), firstLine, lastLine: line < index.lineCount ? shellCommandEnd(index, line) : line, ...(lines ? { lines } : {}) });
    }
  }
  return out;
}

export interface SuppressionResult {
  readonly kept: Finding[];
  /** Each directive with the codes it names that suppressed nothing. */
  readonly unused: { readonly directive: Directive; readonly codes: readonly string[] }[];
}

/** Drops the findings a directive covers; reports which directive codes covered nothing. */
export function applySuppressions(findings: readonly Finding[], directives: readonly Directive[]): SuppressionResult {
  const used = directives.map(() => new Set<string>());
  const kept = findings.filter((f) => {
    const line = f.range.start.line;
    const i = directives.findIndex((d) => d.firstLine <= line && line <= d.lastLine && d.codes.includes(f.code));
    if (i < 0) return true;
    used[i]!.add(f.code);
    return false;
  });
  const unused = directives
    .map((directive, i) => ({ directive, codes: directive.codes.length === 0 ? ['(none)'] : directive.codes.filter((c) => !used[i]!.has(c)) }))
    .filter((u) => u.codes.length > 0);
  return { kept, unused };
}

/** The quick fix that writes a directive for `finding` above the line (or tag, or command) it starts on. */
export function suppressionFix(kind: DocumentKind, text: string, finding: Finding, index = new LineIndex(text)): Fix {
  let line = finding.range.start.line;
  if (kind === 'libvirt-xml') {
    const open = xmlOpenConstructAt(text, index.offsetAt({ line, character: 0 }));
    if (open !== undefined) line = index.positionAt(open).line;
  } else line = line === 0 && text.startsWith('#!') ? 1 : shellCommandStart(index, line);
  const indent = /^[ \t]*/.exec(index.lineText(line))![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const directive = kind === 'libvirt-xml' ? `<!-- kvmnet-disable-next-line ${finding.code} -->` : `# kvmnet disable=${finding.code}`;
  const at = { line, character: 0 };
  const edit: TextEdit = { range: { start: at, end: at }, newText: `${indent}${directive}${eol}` };
  return { title: `Suppress ${finding.code} on this line`, edits: [edit] };
}
