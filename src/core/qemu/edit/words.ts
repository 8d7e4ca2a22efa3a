import type { QemuOption, QemuProp } from '../model';
import type { ShellWord, Span } from '../shell';
import { shellQuote } from '../../util/shellQuote';

/** Shell text of new words: literal segments quoted, expansions kept live, so a rebuilt option means what the old one did. */

export interface Seg {
  readonly text: string;
  readonly dynamic: boolean;
}

/** One shell word from segments: literal text quoted, expansions ($x) kept live inside double quotes. */
export function quoteSegs(segs: readonly Seg[]): string {
  if (!segs.some((s) => s.dynamic)) return shellQuote(segs.map((s) => s.text).join(''));
  return `"${segs.map((s) => (s.dynamic ? s.text : s.text.replace(/[\\"$`]/g, '\\$&'))).join('')}"`;
}

/** The segments of an index range of a word's value. */
export function segsOf(word: ShellWord, span: Span): Seg[] {
  const out: Seg[] = [];
  let i = span.start;
  while (i < span.end) {
    const dyn = word.dynamic.find((d) => d.start <= i && i < d.end);
    const next = dyn
      ? Math.min(dyn.end, span.end)
      : Math.min(span.end, ...word.dynamic.filter((d) => d.start > i).map((d) => d.start));
    out.push({ text: word.value.slice(i, next), dynamic: dyn !== undefined });
    i = next;
  }
  return out;
}

export const lit = (text: string): Seg => ({ text, dynamic: false });

/** `key=value` items of an option (raw QemuOpts text) as segments, for rebuilding it under another name. */
export function propSegs(option: QemuOption, p: QemuProp, renameTo?: string): Seg[] {
  const word = option.valueWord!;
  if (renameTo === undefined) return segsOf(word, p.index);
  return [lit(`${renameTo}=`), ...segsOf(word, p.valueIndex)];
}

export function joinItems(items: readonly Seg[][]): Seg[] {
  return items.flatMap((item, i) => (i === 0 ? item : [lit(','), ...item]));
}
