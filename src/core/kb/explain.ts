import { LineIndex, type TextRange } from '../text';
import { KB_ENTRIES } from './entries';
import type { KbEntry } from './model';

export interface KbMatch {
  readonly entry: KbEntry;
  /** Offsets into the explained text (UTF-16). */
  readonly start: number;
  readonly end: number;
  readonly range: TextRange;
  readonly text: string;
}

/** Longer input is cut: a pasted log can be large, and hovers only pass a few lines. */
export const MAX_EXPLAIN_CHARS = 1_000_000;

const GLOBAL = new Map<RegExp, RegExp>();
function global(p: RegExp): RegExp {
  let g = GLOBAL.get(p);
  if (!g) {
    g = new RegExp(p.source, p.flags.replace(/[gy]/g, '') + 'g');
    GLOBAL.set(p, g);
  }
  g.lastIndex = 0;
  return g;
}

/**
 * Finds every known message in `text`: one match per entry and occurrence (patterns of one
 * entry that overlap count once), ordered by position.
 */
export function explain(text: string, entries: readonly KbEntry[] = KB_ENTRIES): KbMatch[] {
  const input = text.length > MAX_EXPLAIN_CHARS ? text.slice(0, MAX_EXPLAIN_CHARS) : text;
  const index = new LineIndex(input);
  const out: KbMatch[] = [];
  for (const entry of entries) {
    const spans: Array<[number, number]> = [];
    for (const pattern of entry.patterns) {
      const re = global(pattern);
      for (let m = re.exec(input); m; m = re.exec(input)) {
        if (m[0] === '') {
          re.lastIndex++;
          continue;
        }
        spans.push([m.index, m.index + m[0].length]);
      }
    }
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let lastEnd = -1;
    for (const [start, end] of spans) {
      if (start < lastEnd) continue;
      lastEnd = end;
      out.push({ entry, start, end, range: { start: index.positionAt(start), end: index.positionAt(end) }, text: input.slice(start, end) });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.entry.id.localeCompare(b.entry.id));
}

/** Distinct entries among matches, first occurrence order. */
export function matchedEntries(matches: readonly KbMatch[]): KbEntry[] {
  const seen = new Set<string>();
  return matches.filter((m) => !seen.has(m.entry.id) && seen.add(m.entry.id)).map((m) => m.entry);
}
