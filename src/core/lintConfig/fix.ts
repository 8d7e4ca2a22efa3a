import type { Finding } from '../findings';
import { LineIndex, type TextEdit } from '../text';

/**
 * The edits of the preferred fixes (the quick fixes the editor marks preferred), whole fixes only: a fix that
 * overlaps one already taken waits for the next pass, like eslint --fix.
 */
export function preferredEdits(text: string, findings: readonly Finding[]): TextEdit[] {
  const index = new LineIndex(text);
  const taken: { start: number; end: number }[] = [];
  const edits: TextEdit[] = [];
  for (const f of findings) {
    const fix = f.fixes?.find((x) => x.isPreferred);
    if (!fix) continue;
    const spans = fix.edits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end) }));
    // Touching spans conflict too: two inserts at one offset have no defined order.
    if (spans.some((s) => taken.some((t) => s.start <= t.end && t.start <= s.end))) continue;
    if (spans.some((s, i) => spans.some((o, j) => i < j && s.start <= o.end && o.start <= s.end))) continue;
    taken.push(...spans);
    edits.push(...fix.edits);
  }
  return edits;
}

/** The unified diff (3 lines of context) of two texts, `--- a/NAME` / `+++ b/NAME`; empty when they are equal. */
export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const context = 3;
  let out = `--- a/${name}\n+++ b/${name}\n`;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.op === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` after the last change closer than 2*context.
    let start = i;
    while (start > 0 && i - start < context && ops[start - 1]!.op === ' ') start--;
    let end = i;
    for (let k = i, quiet = 0; k < ops.length; k++) {
      quiet = ops[k]!.op === ' ' ? quiet + 1 : 0;
      if (quiet > 2 * context) break;
      if (ops[k]!.op !== ' ') end = k;
    }
    const stop = Math.min(ops.length, end + 1 + context);
    const hunk = ops.slice(start, stop);
    const oldStart = ops[start]!.a;
    const newStart = ops[start]!.b;
    const oldCount = hunk.filter((o) => o.op !== '+').length;
    const newCount = hunk.filter((o) => o.op !== '-').length;
    out += `@@ -${oldCount === 0 ? oldStart : oldStart + 1},${oldCount} +${newCount === 0 ? newStart : newStart + 1},${newCount} @@\n`;
    for (const o of hunk) out += `${o.op}${o.text.endsWith('\n') ? o.text : `${o.text}\n\\ No newline at end of file\n`}`;
    i = stop;
  }
  return out;
}

function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Op {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
  /** Lines of a and b before this one (0-based positions). */
  readonly a: number;
  readonly b: number;
}

/** Myers' O(ND) line diff: fixes change a few lines, so D is small even in large files. */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v.get(k - 1)! < v.get(k + 1)!) ? v.get(k + 1)! : v.get(k - 1)! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v.set(k, x);
      if (x >= n && y >= m) break outer;
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd.get(k - 1)! < vd.get(k + 1)!) ? k + 1 : k - 1;
    const prevX = vd.get(prevK) ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ op: ' ', text: a[--x]!, a: x, b: --y });
    if (d > 0) {
      if (x === prevX) ops.push({ op: '+', text: b[--y]!, a: x, b: y });
      else ops.push({ op: '-', text: a[--x]!, a: x, b: y });
    }
  }
  return ops.reverse();
}
