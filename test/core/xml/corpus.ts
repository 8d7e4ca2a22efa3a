import { existsSync, readdirSync, statSync } from 'node:fs';
import type fc from 'fast-check';
import path from 'node:path';

/** The shared corpus, read in place (never copied into the repo). */
export const corpusDir = path.resolve(import.meta.dirname, '../../../../shared/corpus');
export const corpusMissing = existsSync(corpusDir) ? undefined : `corpus not found at ${corpusDir}`;

/** The .xml files under a directory, recursively, in sorted order. */
export function xmlFilesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? xmlFilesUnder(p) : p.endsWith('.xml') ? [p] : [];
  });
}

export function corpusXmlFiles(sub = 'libvirt'): string[] {
  return corpusMissing ? [] : xmlFilesUnder(path.join(corpusDir, sub));
}

/** Arbitrary: one of `docs` with up to 40 characters cut out at a random place, and a cursor offset into the result. */
export function cutDocumentWithCursor(fast: typeof fc, docs: readonly string[]): fc.Arbitrary<{ text: string; offset: number }> {
  return fast.tuple(fast.nat(docs.length - 1), fast.nat(), fast.nat(), fast.nat(40)).map(([i, cut, pos, del]) => {
    const d = docs[i]!;
    const c = cut % (d.length + 1);
    const text = d.slice(0, c) + d.slice(Math.min(d.length, c + del));
    return { text, offset: pos % (text.length + 1) };
  });
}
