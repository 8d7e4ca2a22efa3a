// Reference: the straightforward parseShell (a full sh.syntax.Walk, NodeType and positions asked per node) that
// src/core/qemu/shell.ts replaced with a faster walk; the differential test checks both give the same ShellScript.
import sh, { type syntax } from 'mvdan-sh';
import type { ShellCommand, ShellArray, ShellVar, ShellError, ShellScript, ShellWord, Span } from '../../../src/core/qemu/shell';

const MAX_RECOVERIES = 25;

/** Maps UTF-8 byte offsets (what the Go parser reports) to UTF-16 offsets. */
function byteToUtf16(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => Math.min(b, text.length);
  const table = new Uint32Array(Buffer.byteLength(text) + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let n: number;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      for (let k = 0; k < 4; k++) table[b + k] = i;
      b += 4;
      i++;
      continue;
    } else n = 3;
    for (let k = 0; k < n; k++) table[b + k] = i;
    b += n;
  }
  table[b] = text.length;
  return (byte) => table[Math.max(0, Math.min(byte, b))]!;
}

class WordBuilder {
  value = '';
  map: number[] = [];
  dynamic: Span[] = [];
  push(ch: string, at: number): void {
    this.value += ch;
    this.map.push(at);
  }
  pushRaw(src: string, start: number, end: number, dynamic: boolean): void {
    const from = this.value.length;
    for (let i = start; i < end; i++) this.push(src[i]!, i);
    if (dynamic) this.dynamic.push({ start: from, end: this.value.length });
  }
}

/** Unescapes a literal: unquoted, `\x` is x and backslash-newline vanishes; in double quotes only \$ \` \" \\ and newline escape. */
function pushLiteral(b: WordBuilder, src: string, start: number, end: number, inDouble: boolean): void {
  for (let i = start; i < end; i++) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < end) {
      const next = src[i + 1]!;
      if (next === '\n') {
        i++;
        continue;
      }
      if (!inDouble || '$`"\\'.includes(next)) {
        b.push(next, i + 1);
        i++;
        continue;
      }
    }
    b.push(ch, i);
  }
}

type Conv = (byte: number) => number;

function paramOf(part: syntax.WordPart): { name: string; all: boolean } | undefined {
  if (sh.syntax.NodeType(part) !== 'ParamExp' || !part.Param) return undefined;
  if (part.Length || part.Excl || part.Slice || part.Repl || part.Exp) return undefined;
  const index = part.Index ? sh.syntax.NodeType(part.Index) : undefined;
  let all = false;
  if (part.Index) {
    const lit = (part.Index as unknown as syntax.Word).Parts?.[0]?.Value;
    if (index === 'Word' && (lit === '@' || lit === '*')) all = true;
    else return undefined;
  }
  return { name: part.Param.Value, all };
}

function buildWord(src: string, conv: Conv, word: syntax.Word): ShellWord {
  const b = new WordBuilder();
  const addParts = (parts: syntax.WordPart[], inDouble: boolean): void => {
    for (const part of parts) {
      const type = sh.syntax.NodeType(part);
      const s = conv(part.Pos().Offset());
      const e = conv(part.End().Offset());
      if (type === 'Lit') pushLiteral(b, src, s, e, inDouble);
      else if (type === 'SglQuoted') b.pushRaw(src, s + (part.Dollar ? 2 : 1), Math.max(s + 1, e - 1), false);
      else if (type === 'DblQuoted') addParts(part.Parts ?? [], true);
      else b.pushRaw(src, s, e, true);
    }
  };
  addParts(word.Parts, false);
  const start = conv(word.Pos().Offset());
  const end = conv(word.End().Offset());
  b.map.push(end);
  let param: ShellWord['param'];
  const parts = word.Parts;
  if (parts.length === 1) {
    const only = parts[0]!;
    const inner = sh.syntax.NodeType(only) === 'DblQuoted' && only.Parts?.length === 1 ? only.Parts[0]! : only;
    param = paramOf(inner);
  }
  return { start, end, value: b.value, map: b.map, dynamic: b.dynamic, ...(param ? { param } : {}) };
}

function redirectOp(src: string, start: number, end: number): string {
  const m = /^\d*([<>&|]+-?)/.exec(src.slice(start, Math.min(end, start + 8)));
  return m?.[1] ?? '';
}

function blankLine(text: string, line: number): string {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function errorLocation(e: unknown): { line: number; col: number; message: string } | undefined {
  const raw = (e as { Error?: () => string } | undefined)?.Error?.() ?? (e instanceof Error ? e.message : String(e));
  const m = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(raw);
  return m ? { line: Number(m[1]), col: Number(m[2]), message: m[3]! } : undefined;
}

/** Offset of (1-based line, 1-based UTF-8 column) in text. */
function offsetOfLineCol(text: string, line: number, col: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  return Math.min(text.length, start + Math.max(0, col - 1));
}

/**
 * Parses a shell script. Never throws: on a syntax error the offending line is blanked (same length, so offsets
 * stay exact) and the parse retried, so the rest of the script is still read.
 */
export function parseShellReference(text: string): ShellScript {
  const errors: ShellError[] = [];
  let src = text;
  let file: syntax.File | undefined;
  for (let attempt = 0; attempt <= MAX_RECOVERIES && !file; attempt++) {
    try {
      file = sh.syntax.NewParser(sh.syntax.KeepComments(true)).Parse(src, 'script');
    } catch (e) {
      const loc = errorLocation(e);
      if (!loc) {
        errors.push({ offset: 0, message: String(e) });
        break;
      }
      errors.push({ offset: offsetOfLineCol(text, loc.line, loc.col), message: loc.message });
      const next = blankLine(src, loc.line);
      if (next === src) break;
      src = next;
    }
  }
  const commands: ShellCommand[] = [];
  const arrays: ShellArray[] = [];
  const vars: ShellVar[] = [];
  const comments: Span[] = [];
  if (file) {
    const conv = byteToUtf16(src);
    sh.syntax.Walk(file, (node) => {
      if (!node) return true;
      const type = sh.syntax.NodeType(node);
      if (type === 'Stmt') {
        const stmt = node as syntax.Stmt;
        if (stmt.Cmd && sh.syntax.NodeType(stmt.Cmd) === 'CallExpr') {
          const call = stmt.Cmd as syntax.CallExpr;
          commands.push({
            start: conv(stmt.Pos().Offset()),
            end: conv(stmt.End().Offset()),
            assigns: call.Assigns.map((a) => a.Name?.Value ?? ''),
            words: call.Args.map((w) => buildWord(src, conv, w)),
            redirects: stmt.Redirs.map((r) => {
              const start = conv(r.Pos().Offset());
              const end = conv(r.End().Offset());
              const fd = r.N ? Number(r.N.Value) : undefined;
              return {
                start,
                end,
                op: redirectOp(src, conv(r.OpPos.Offset()), end),
                ...(fd !== undefined && Number.isInteger(fd) ? { fd } : {}),
                ...(r.Word ? { target: buildWord(src, conv, r.Word) } : {}),
              };
            }),
          });
        }
      } else if (type === 'Assign') {
        const a = node as syntax.Assign;
        const name = a.Name?.Value;
        if (name) {
          const start = conv(a.Pos().Offset());
          const end = conv(a.End().Offset());
          if (a.Array) {
            arrays.push({
              name,
              append: a.Append,
              start,
              end,
              close: conv(a.Array.Rparen.Offset()),
              elems: a.Array.Elems.flatMap((el) => (el.Value ? [buildWord(src, conv, el.Value)] : [])),
            });
          } else vars.push({ name, start, end, ...(a.Value ? { value: buildWord(src, conv, a.Value) } : {}) });
        }
      } else if (type === 'Comment') {
        comments.push({ start: conv(node.Pos().Offset()), end: conv(node.End().Offset()) });
      }
      return true;
    });
  }
  commands.sort((a, b) => a.start - b.start);
  return { text, commands, arrays, vars, comments, errors };
}
