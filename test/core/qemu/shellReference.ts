// Reference: the straightforward parseShell (a full sh.syntax.Walk, NodeType and positions asked per node) that
// src/core/qemu/shell.ts replaced with a faster walk; the differential test checks both give the same ShellScript.
import sh, { type syntax } from 'mvdan-sh';
import type { ShellBranch, ShellCommand, ShellArray, ShellVar, ShellScript, ShellWord, Span } from '../../../src/core/qemu/shell';
// Position, error-recovery and word-building helpers are shared with the real parser: only the walk differs.
import { branchOf, byteToUtf16, paramOf, parseWithRecovery, redirectOp } from '../../../src/core/qemu/shell';
import { pushLiteral, WordBuilder } from '../../../src/core/qemu/shellFast';

type Conv = (byte: number) => number;

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

export function parseShellReference(text: string): ShellScript {
  const { file, src, errors } = parseWithRecovery(text);
  const commands: ShellCommand[] = [];
  const arrays: ShellArray[] = [];
  const vars: ShellVar[] = [];
  const comments: Span[] = [];
  const branches: ShellBranch[] = [];
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
      } else {
        const br = branchOf(node, type, conv);
        if (br) branches.push(br);
      }
      return true;
    });
  }
  commands.sort((a, b) => a.start - b.start);
  branches.sort((a, b) => a.arms[0]!.start - b.arms[0]!.start);
  return { text, commands, arrays, vars, comments, branches, errors };
}
