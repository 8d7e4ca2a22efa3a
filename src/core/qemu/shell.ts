import type { syntax } from 'mvdan-sh';
import { sh } from './shParser';
import { pushLiteral, scanSimpleCommand, WordBuilder } from './shellFast';

/**
 * A shell view of a launch script, built on mvdan/sh's bash parser (mvdan-sh): the simple commands with their
 * words, redirections and assignments, and every array/variable assignment. All offsets are UTF-16 offsets into
 * the original text, so they map straight to editor positions.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface ShellWord extends Span {
  /** The word's value after quote removal; expansions ($x, $(…)) are kept as their source text. */
  readonly value: string;
  /** Source offset of each value character; `map[value.length]` is the offset just after the last one. */
  readonly map: readonly number[];
  /** Value index ranges that come from expansions (their value is unknown until run time). */
  readonly dynamic: readonly Span[];
  /** The word is exactly one parameter expansion: `$NAME`, `${NAME}`, `"${NAME[@]}"` … */
  readonly param?: { readonly name: string; readonly all: boolean };
  /** Set on words taken from a bash array (`args+=(…)`), with the array's name. */
  readonly viaArray?: string;
}

export interface ShellRedirect extends Span {
  /** The file descriptor it opens, when explicit (`3<>…`). */
  readonly fd?: number;
  readonly op: string;
  readonly target?: ShellWord;
}

export interface ShellCommand extends Span {
  readonly assigns: readonly string[];
  readonly words: readonly ShellWord[];
  readonly redirects: readonly ShellRedirect[];
}

export interface ShellArray extends Span {
  readonly name: string;
  readonly append: boolean;
  /** Offset of the closing parenthesis (new elements go before it). */
  readonly close: number;
  readonly elems: readonly ShellWord[];
}

export interface ShellVar extends Span {
  readonly name: string;
  readonly value?: ShellWord;
}

export interface ShellBranch {
  /** The source range of each alternative's body (an `else`/`elif` arm spans the rest of the clause). */
  readonly arms: readonly Span[];
}

export interface ShellError {
  readonly offset: number;
  readonly message: string;
}

export interface ShellScript {
  readonly text: string;
  readonly commands: readonly ShellCommand[];
  readonly arrays: readonly ShellArray[];
  readonly vars: readonly ShellVar[];
  readonly comments: readonly Span[];
  /** `if`/`elif`/`else` and `case` clauses by their alternatives: at most one alternative of each runs. */
  readonly branches: readonly ShellBranch[];
  /** Syntax errors; the lines they point at were blanked and the rest parsed. */
  readonly errors: readonly ShellError[];
}

const MAX_RECOVERIES = 25;

/** The alternatives of an `if` or `case` node (one arm per branch), or undefined for other nodes. */
export function branchOf(node: syntax.Node, type: string, conv: (byte: number) => number): ShellBranch | undefined {
  const stmtsSpan = (stmts: readonly syntax.Stmt[] | undefined): Span[] =>
    stmts && stmts.length > 0 ? [{ start: conv(stmts[0]!.Pos().Offset()), end: conv(stmts[stmts.length - 1]!.End().Offset()) }] : [];
  if (type === 'IfClause') {
    const n = node as unknown as { Then?: syntax.Stmt[]; Else?: syntax.Node | null };
    const arms = stmtsSpan(n.Then);
    if (n.Else) arms.push({ start: conv(n.Else.Pos().Offset()), end: conv(n.Else.End().Offset()) });
    return arms.length > 1 ? { arms } : undefined;
  }
  if (type === 'CaseClause') {
    const items = (node as unknown as { Items?: syntax.Node[] }).Items ?? [];
    return items.length > 1 ? { arms: items.map((i) => ({ start: conv(i.Pos().Offset()), end: conv(i.End().Offset()) })) } : undefined;
  }
  return undefined;
}

/** Offsets `a` and `b` lie in different alternatives of one `if`/`case`: they never both run. */
export function exclusive(script: Pick<ShellScript, 'branches'>, a: number, b: number): boolean {
  const inArm = (arms: readonly Span[], at: number): number => arms.findIndex((s) => s.start <= at && at < s.end);
  return script.branches.some((br) => {
    const i = inArm(br.arms, a);
    const j = inArm(br.arms, b);
    return i >= 0 && j >= 0 && i !== j;
  });
}

/** Maps UTF-8 byte offsets (what the Go parser reports) to UTF-16 offsets. */
export function byteToUtf16(text: string): (byte: number) => number {
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

type Conv = (byte: number) => number;

export function paramOf(part: syntax.WordPart): { name: string; all: boolean } | undefined {
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

/** Raw text that may hold commands (command or process substitution): the walk descends into it. */
const MAY_HOLD_COMMANDS = /\$\(|`|[<>]\(/;
/** First characters of a word part that may be something other than a literal or a quote. */
const MAYBE_EXPANSION = new Set(['$', '`', '<', '>', '@', '!', '*', '?', '+']);

/**
 * The node type of a word part. Every call into the GopherJS parser costs microseconds, so the type is read
 * from the source where the first character decides it (a quote, or a character no expansion starts with).
 */
function partType(src: string, start: number, part: syntax.WordPart, inDouble: boolean): string {
  const ch = src[start];
  // Inside double quotes a quote character is literal text.
  if (ch === "'" && !inDouble) return 'SglQuoted';
  if (ch === '"' && !inDouble) return 'DblQuoted';
  return ch !== undefined && !MAYBE_EXPANSION.has(ch) ? 'Lit' : sh.syntax.NodeType(part);
}

/**
 * Builds a word from its parts. Parts are contiguous (each starts where the previous one ends, the first at
 * the word's start, the last ends at its end), so only the inner ends are asked of the parser, except around a
 * backslash-newline, which the parser leaves out of its parts: there every part's range is asked.
 */
function buildWord(src: string, conv: Conv, word: syntax.Word): ShellWord {
  const b = new WordBuilder();
  const start = conv(word.Pos().Offset());
  const end = conv(word.End().Offset());
  const exact = src.slice(start, end).includes('\\\n');
  const addParts = (parts: syntax.WordPart[], from: number, to: number, inDouble: boolean): void => {
    let s = from;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (exact) s = conv(part.Pos().Offset());
      const e = i === parts.length - 1 && !exact ? to : conv(part.End().Offset());
      const type = partType(src, s, part, inDouble);
      if (type === 'Lit') pushLiteral(b, src, s, e, inDouble);
      else if (type === 'SglQuoted') {
        const open = src[s] === '$' ? 2 : 1;
        b.pushRaw(src, s + open, Math.max(s + 1, e - 1), false);
      } else if (type === 'DblQuoted') {
        const inner = part.Parts ?? [];
        if (inner.length > 0) addParts(inner, s + (src[s] === '$' ? 2 : 1), e - 1, true);
      } else b.pushRaw(src, s, e, true);
      s = e;
    }
  };
  const parts = word.Parts;
  addParts(parts, start, end, false);
  b.map.push(end);
  let param: ShellWord['param'];
  // Only a word that starts with an expansion can be exactly one parameter expansion.
  if (parts.length === 1 && (src[start] === '$' || src.startsWith('"$', start))) {
    const only = parts[0]!;
    const inner = sh.syntax.NodeType(only) === 'DblQuoted' && only.Parts?.length === 1 ? only.Parts[0]! : only;
    param = paramOf(inner);
  }
  return { start, end, value: b.value, map: b.map, dynamic: b.dynamic, ...(param ? { param } : {}) };
}

export function redirectOp(src: string, start: number, end: number): string {
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

/** A backslash-newline that may sit at the end of a comment (the cheap test before looking for comments). */
const COMMENT_THEN_CONTINUATION = /#[^\n]*\\\r?\n/;

/**
 * The text with the backslash of each backslash-newline inside a comment blanked, or undefined when there is
 * none. bash and dash end a comment at the newline whatever precedes it, so the next line starts a new command;
 * mvdan-sh instead continues the comment's line into the command (`cmd \`, `# x \`, `-opt` becomes `cmd -opt`).
 */
function endCommentsAtNewline(src: string, file: syntax.File): string | undefined {
  if (!COMMENT_THEN_CONTINUATION.test(src)) return undefined;
  const conv = byteToUtf16(src);
  const cut: number[] = [];
  sh.syntax.Walk(file, (n) => {
    if (n && sh.syntax.NodeType(n) === 'Comment') {
      const end = conv(n.End().Offset());
      for (let i = src.indexOf('\\', conv(n.Pos().Offset())); i >= 0 && i < end; i = src.indexOf('\\', i + 1)) {
        if (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n')) cut.push(i);
      }
    }
    return true;
  });
  if (cut.length === 0) return undefined;
  let out = '';
  let from = 0;
  for (const i of cut) {
    out += `${src.slice(from, i)} `;
    from = i + 1;
  }
  return out + src.slice(from);
}

/**
 * mvdan-sh's parse with error recovery: each syntax error's line is blanked (offsets stay exact) and the parse
 * retried. `src` is the text that parsed; `file` is undefined when recovery gave up. Comments end at their
 * newline as in bash and dash (see endCommentsAtNewline).
 */
export function parseWithRecovery(text: string): { file: syntax.File | undefined; src: string; errors: ShellError[] } {
  const errors: ShellError[] = [];
  let src = text;
  let file: syntax.File | undefined;
  for (let attempt = 0; attempt <= MAX_RECOVERIES && !file; attempt++) {
    try {
      file = sh.syntax.NewParser(sh.syntax.KeepComments(true)).Parse(src, 'script');
      const ended = endCommentsAtNewline(src, file);
      if (ended !== undefined) {
        src = ended;
        file = undefined;
      }
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
  return { file, src, errors };
}

/**
 * Parses a shell script. Never throws: on a syntax error the offending line is blanked (same length, so offsets
 * stay exact) and the parse retried, so the rest of the script is still read.
 */
export function parseShell(text: string): ShellScript {
  const { file, src, errors } = parseWithRecovery(text);
  const commands: ShellCommand[] = [];
  const arrays: ShellArray[] = [];
  const vars: ShellVar[] = [];
  const comments: Span[] = [];
  const branches: ShellBranch[] = [];
  if (file) {
    const conv = byteToUtf16(src);
    const span = (n: syntax.Node): Span => ({ start: conv(n.Pos().Offset()), end: conv(n.End().Offset()) });
    /** Walks a node's children (not the node itself, which the caller has handled). */
    const descend = (node: syntax.Node): void => {
      let root = true;
      sh.syntax.Walk(node, (n) => {
        if (root) return !(root = false);
        return visit(n);
      });
    };
    const assign = (a: syntax.Assign): Span | undefined => {
      const name = a.Name?.Value;
      if (!name) return undefined;
      const { start, end } = span(a);
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
      return { start, end };
    };
    /**
     * A simple command, read without walking its nodes one by one (the walk asks the parser about each node,
     * which dominated the cost): only the parts that may hold commands or comments are walked.
     */
    const call = (stmt: syntax.Stmt, cmd: syntax.CallExpr): void => {
      const start = conv(stmt.Pos().Offset());
      const fast = scanSimpleCommand(src, start);
      if (fast) {
        arrays.push(...fast.arrays);
        vars.push(...fast.vars);
        for (const c of stmt.Comments ?? []) comments.push(span(c));
        const end = fast.end ?? conv(stmt.End().Offset());
        commands.push({ start, end, assigns: fast.assigns, words: fast.words, redirects: fast.redirects });
        return;
      }
      const at = { start, end: conv(stmt.End().Offset()) };
      const assigns = cmd.Assigns;
      // The parser may hang a comment anywhere in the statement on an array assignment (even one after it).
      const hash = src.slice(at.start, at.end).includes('#');
      for (const a of assigns) {
        const aAt = assign(a);
        if (hash || !aAt || MAY_HOLD_COMMANDS.test(src.slice(aAt.start, aAt.end))) descend(a);
      }
      const args = cmd.Args;
      const words = args.map((w) => buildWord(src, conv, w));
      words.forEach((w, i) => {
        if (MAY_HOLD_COMMANDS.test(src.slice(w.start, w.end))) descend(args[i]!);
      });
      const redirects = stmt.Redirs.map((r) => {
        const { start, end } = span(r);
        const fd = r.N ? Number(r.N.Value) : undefined;
        const op = redirectOp(src, conv(r.OpPos.Offset()), end);
        // A here-document's body lies outside the redirection's range and may hold $(…).
        if (op.startsWith('<<') || MAY_HOLD_COMMANDS.test(src.slice(start, end))) descend(r);
        return {
          start,
          end,
          op,
          ...(fd !== undefined && Number.isInteger(fd) ? { fd } : {}),
          ...(r.Word ? { target: buildWord(src, conv, r.Word) } : {}),
        };
      });
      for (const c of stmt.Comments ?? []) comments.push(span(c));
      commands.push({ ...at, assigns: assigns.map((a) => a.Name?.Value ?? ''), words, redirects });
    };
    const visit = (node: syntax.Node | null): boolean => {
      if (!node) return true;
      const type = sh.syntax.NodeType(node);
      if (type === 'Stmt') {
        const stmt = node as syntax.Stmt;
        const cmd = stmt.Cmd;
        if (cmd && sh.syntax.NodeType(cmd) === 'CallExpr') {
          call(stmt, cmd as syntax.CallExpr);
          return false;
        }
      } else if (type === 'Assign') assign(node as syntax.Assign);
      else if (type === 'Comment') comments.push(span(node));
      else {
        const br = branchOf(node, type, conv);
        if (br) branches.push(br);
      }
      return true;
    };
    sh.syntax.Walk(file, visit);
  }
  const bySource = (a: Span, b: Span): number => a.start - b.start;
  arrays.sort(bySource);
  vars.sort(bySource);
  comments.sort(bySource);
  commands.sort(bySource);
  branches.sort((a, b) => a.arms[0]!.start - b.arms[0]!.start);
  return { text, commands, arrays, vars, comments, branches, errors };
}
