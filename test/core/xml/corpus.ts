import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The shared corpus, read in place (never copied into the repo). */
export const corpusDir = path.resolve(import.meta.dirname, '../../../../shared/corpus');
export const corpusMissing = existsSync(corpusDir) ? undefined : `corpus not found at ${corpusDir}`;

export function corpusXmlFiles(sub = 'libvirt'): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).sort().flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.xml') ? [p] : [];
    });
  return corpusMissing ? [] : walk(path.join(corpusDir, sub));
}
