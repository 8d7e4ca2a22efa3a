// Test helper: where ../shared/corpus is (read in place, never copied into the project).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');

/** The reason to skip, or undefined when the corpus part is present. */
export function corpusMissing(...parts: string[]): string | undefined {
  const p = path.join(CORPUS, ...parts);
  return existsSync(p) ? undefined : `corpus not present: ${p} (conformance needs ../shared/corpus)`;
}
