import type { ShellArray, ShellRedirect, ShellVar, ShellWord, Span } from './shell';

/**
 * Word building shared by the parser walk (./shell) and a fast path that reads a plain simple command straight
 * from its source. Every question asked of the GopherJS parser object costs tens of microseconds, so commands
 * made only of plain words, quotes, $NAME/${NAME…} and simple redirections are read here from the text the
 * parser delimited; anything else (substitutions, here-documents, extglobs, comments inside…) returns undefined
 * and is read node by node. test/core/qemu/shell.stress.test.ts checks both give the same result.
 */

export class WordBuilder {
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
export function pushLiteral(b: WordBuilder, src: string, start: number, end: number, inDouble: boolean): void {
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

export interface FastCommand {
  readonly assigns: readonly string[];
  readonly words: readonly ShellWord[];
  readonly redirects: readonly ShellRedirect[];
  readonly arrays: readonly ShellArray[];
  readonly vars: readonly ShellVar[];
}

/** Thrown inside the scanner when the command needs the parser; caught by scanSimpleCommand. */
class NeedParser extends Error {}
const bail = (): never => {
  throw new NeedParser();
};

const BLANK = new Set([' ', '\t']);
/** Characters that end an unquoted word. */
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /\w/;
const SPECIAL_PARAM = new Set(['@', '*', '#', '?', '$', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

class Scanner {
  i: number;
  constructor(
    readonly src: string,
    start: number,
    readonly end: number,
  ) {
    this.i = start;
  }

  /** Skips blanks and backslash-newline continuations (and newlines too inside an array). */
  blanks(newlines = false): void {
    const { src } = this;
    while (this.i < this.end) {
      const c = src[this.i]!;
      if (BLANK.has(c) || (newlines && c === '\n')) this.i++;
      else if (c === '\\' && src[this.i + 1] === '\n') this.i += 2;
      else break;
    }
  }

  /** `$NAME`, `$@`… or `${NAME}`, `${NAME[@]}`, `${NAME:-x}` at i; returns the parameter when it is a plain one. */
  param(b: WordBuilder): { name: string; all: boolean } | undefined {
    const { src } = this;
    const s = this.i;
    const c = src[s + 1];
    if (c === undefined) return bail();
    if (c === '{') {
      const close = src.indexOf('}', s + 2);
      if (close < 0 || close >= this.end) return bail();
      const inner = src.slice(s + 2, close);
      this.i = close + 1;
      b.pushRaw(src, s, this.i, true);
      const plain = /^([A-Za-z_]\w*)(\[[@*]\])?$/.exec(inner);
      if (plain) return { name: plain[1]!, all: plain[2] !== undefined };
      // A default/alternative with a plain word (`${QEMU:-qemu-kvm}`): dynamic, not a bare parameter.
      if (/^[A-Za-z_]\w*:?[-=?+][^{}'"`$\\()[\]]*$/.test(inner)) return undefined;
      return bail();
    }
    if (NAME_START.test(c)) {
      let j = s + 2;
      while (j < this.end && NAME_CHAR.test(src[j]!)) j++;
      this.i = j;
      b.pushRaw(src, s, j, true);
      return { name: src.slice(s + 1, j), all: false };
    }
    if (SPECIAL_PARAM.has(c)) {
      this.i = s + 2;
      b.pushRaw(src, s, this.i, true);
      return { name: c, all: false };
    }
    return bail();
  }

  /** A word at i (quotes, escapes, parameters); the parser's view of it, or bail. */
  word(): ShellWord {
    const { src } = this;
    const start = this.i;
    const b = new WordBuilder();
    let parts = 0;
    let param: { name: string; all: boolean } | undefined;
    while (this.i < this.end) {
      const c = src[this.i]!;
      if (WORD_END.has(c)) break;
      if (c === '\\' && src[this.i + 1] === '\n') return bail();
      parts++;
      if (c === "'") {
        const close = src.indexOf("'", this.i + 1);
        if (close < 0 || close >= this.end) return bail();
        b.pushRaw(src, this.i + 1, close, false);
        this.i = close + 1;
      } else if (c === '"') {
        param = this.double(b);
      } else if (c === '$') {
        if (src[this.i + 1] === "'" || src[this.i + 1] === '"' || src[this.i + 1] === '(') return bail();
        param = this.param(b);
      } else if (c === '`' || c === '#') {
        return bail();
      } else {
        // A run of literal characters (with backslash escapes), one Lit part.
        const s = this.i;
        while (this.i < this.end) {
          const d = src[this.i]!;
          if (d === '\\') {
            // A backslash-newline inside or right after a word: the parser's word ranges around it are its own.
            if (this.i + 1 >= this.end || src[this.i + 1] === '\n') return bail();
            this.i += 2;
          } else if (WORD_END.has(d) || d === "'" || d === '"' || d === '$' || d === '`') break;
          else if ('@!*?+'.includes(d) && src[this.i + 1] === '(') return bail();
          else this.i++;
        }
        pushLiteral(b, src, s, this.i, false);
      }
    }
    if (this.i === start) return bail();
    b.map.push(this.i);
    const only = parts === 1 ? param : undefined;
    return { start, end: this.i, value: b.value, map: b.map, dynamic: b.dynamic, ...(only ? { param: only } : {}) };
  }

  /** A double-quoted part at i; returns the parameter when it holds exactly one plain parameter. */
  double(b: WordBuilder): { name: string; all: boolean } | undefined {
    const { src } = this;
    this.i++;
    let inner = 0;
    let param: { name: string; all: boolean } | undefined;
    while (true) {
      if (this.i >= this.end) return bail();
      const c = src[this.i]!;
      if (c === '"') break;
      inner++;
      if (c === '$') {
        if (src[this.i + 1] === '(' || src[this.i + 1] === '"' || src[this.i + 1] === "'") return bail();
        param = this.param(b);
      } else if (c === '`') return bail();
      else {
        const s = this.i;
        while (this.i < this.end && src[this.i] !== '"' && src[this.i] !== '$' && src[this.i] !== '`') {
          if (src[this.i] === '\\' && src[this.i + 1] === '\n') return bail();
          this.i += src[this.i] === '\\' ? 2 : 1;
        }
        if (this.i > this.end) return bail();
        pushLiteral(b, src, s, this.i, true);
      }
    }
    this.i++;
    return inner === 1 ? param : undefined;
  }

  /** A redirection at i: `[N]op word`; here-documents and `{fd}` forms bail. */
  redirect(): ShellRedirect {
    const { src } = this;
    const start = this.i;
    let j = this.i;
    while (j < this.end && src[j]! >= '0' && src[j]! <= '9') j++;
    const fd = j > start ? Number(src.slice(start, j)) : undefined;
    const op = /^(?:&>>|&>|>>|>\||>&|<&|<>|>|<)/.exec(src.slice(j, j + 3))?.[0];
    // Here-documents/strings, process substitution and fd closing (`>&-`) need the parser.
    const after = src[j + (op?.length ?? 0)];
    if (!op || after === '<' || after === '(' || after === '-') return bail();
    this.i = j + op.length;
    this.blanks();
    const target = this.word();
    return { start, end: target.end, op, ...(fd !== undefined ? { fd } : {}), target };
  }
}

/**
 * Reads the simple command starting at `start` as the parser would, or undefined when it needs the parser. `end`
 * is where the parser ends the statement when the text decides it (before a newline, `|`, `&&` or `)`); it is
 * absent at a `;`/`&`, which may or may not belong to the statement.
 */
export function scanSimpleCommand(src: string, start: number): (FastCommand & { readonly end?: number }) | undefined {
  const end = src.length;
  const sc = new Scanner(src, start, end);
  const assigns: string[] = [];
  const words: ShellWord[] = [];
  const redirects: ShellRedirect[] = [];
  const arrays: ShellArray[] = [];
  const vars: ShellVar[] = [];
  let last = start;
  let stmtEnd: number | undefined;
  try {
    while (stmtEnd === undefined) {
      sc.blanks();
      const c = src[sc.i];
      const next = src[sc.i + 1];
      if (c === undefined || c === '\n' || c === ')' || (c === '|' && next !== '&') || (c === '&' && next === '&')) stmtEnd = last;
      // Its own `;`/`&` is part of the statement, unless it is one side of `a && b;` (then the `;` is the whole
      // list's): the end is left to the parser.
      else if ((c === ';' && next !== ';' && next !== '&') || (c === '&' && next !== '>')) stmtEnd = -1;
      // The parser continues a comment that ends in a backslash onto the next line, into the same command.
      else if (c === '#' || c === ';' || c === '|' || c === '(' || c === '!') return undefined;
      else if (c === '<' || c === '>' || c === '&' || (c >= '0' && c <= '9' && /^\d+[<>]/.test(src.slice(sc.i, sc.i + 12)))) {
        redirects.push(sc.redirect());
        last = sc.i;
        continue;
      }
      if (stmtEnd !== undefined) break;
      // `{fd}>file` opens a named descriptor: a redirection, not a word.
      if (c === '{' && /^\{\w+\}[<>]/.test(src.slice(sc.i, sc.i + 80))) return undefined;
      const assign = words.length === 0 ? /^([A-Za-z_]\w*)(\+?)=/.exec(src.slice(sc.i, sc.i + 256)) : null;
      if (!assign) {
        words.push(sc.word());
        last = sc.i;
        continue;
      }
      const name = assign[1]!;
      const aStart = sc.i;
      sc.i += assign[0].length;
      assigns.push(name);
      if (src[sc.i] === '(') {
        sc.i++;
        const elems: ShellWord[] = [];
        while (true) {
          sc.blanks(true);
          if (sc.i >= end) return undefined;
          if (src[sc.i] === ')') break;
          if (src[sc.i] === '[' || src[sc.i] === '#') return undefined;
          elems.push(sc.word());
        }
        const close = sc.i;
        sc.i++;
        arrays.push({ name, append: assign[2] === '+', start: aStart, end: sc.i, close, elems });
      } else {
        const atEnd = sc.i >= end || WORD_END.has(src[sc.i]!);
        if (atEnd) return undefined;
        const value = sc.word();
        vars.push({ name, start: aStart, end: value.end, value });
      }
      last = sc.i;
    }
  } catch (e) {
    if (e instanceof NeedParser) return undefined;
    throw e;
  }
  if (last === start || src.slice(start, last).includes('\r')) return undefined;
  return { assigns, words, redirects, arrays, vars, ...(stmtEnd >= 0 ? { end: stmtEnd } : {}) };
}
