import type { Finding } from '../core/findings';
import { preferredEdits } from '../core/lintConfig/fix';
import { applyEdits } from '../core/text';

/** Passes of fix-then-relint, like eslint: a fix skipped for overlapping another is applied on the next pass. */
const MAX_FIX_PASSES = 10;

/** Applies the preferred fixes until none is left (or MAX_FIX_PASSES); returns the text and its fresh findings. */
export async function fixText(
  text: string,
  findings: readonly Finding[],
  relint: (text: string) => Promise<readonly Finding[]>,
): Promise<{ text: string; findings: readonly Finding[] }> {
  let current = { text, findings };
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const edits = preferredEdits(current.text, current.findings);
    if (edits.length === 0) break;
    const next = applyEdits(current.text, edits);
    if (next === current.text) break;
    current = { text: next, findings: await relint(next) };
  }
  return current;
}
