import { looksBinary } from './limits';

/**
 * Whether a generated helper file (qemu-ifup-BR, qemu-ifdown-BR) may be written where it goes. The folder is the
 * launch script's, and whoever wrote the workspace controls what already sits there: a helper is only ever
 * created as a new file. A symbolic link is refused even when it points at the very content we would write (the
 * link, not us, decides what QEMU runs later), and an existing file is never changed, not even its mode.
 */

/** What lstat (not stat: a final symlink is not followed) found at the helper's path. */
export type PathFacts =
  | { readonly kind: 'absent' }
  | { readonly kind: 'symlink' }
  /** A regular file; `content` is undefined when it was too large or could not be read to compare. */
  | { readonly kind: 'file'; readonly mode: number; readonly content: string | undefined }
  /** A directory, FIFO, socket or device, or a path that could not be inspected; `what` says which. */
  | { readonly kind: 'other'; readonly what: string };

export type HelperWrite =
  | { readonly action: 'create' }
  /** The file already holds exactly the wanted content; it is left as it is (`executable`: its owner may run it). */
  | { readonly action: 'unchanged'; readonly executable: boolean }
  | { readonly action: 'refuse'; readonly reason: string }
  /** A text file with other content: nothing is written; the caller may show `existing` beside the wanted text. */
  | { readonly action: 'needs-diff'; readonly reason: string; readonly existing: string };

export function decideHelperWrite(facts: PathFacts, wanted: string): HelperWrite {
  switch (facts.kind) {
    case 'absent':
      return { action: 'create' };
    case 'symlink':
      return { action: 'refuse', reason: 'is a symbolic link; helper scripts are only created as new files, never written through a link' };
    case 'other':
      return { action: 'refuse', reason: `is ${facts.what}, not a helper script` };
    case 'file':
      if (facts.content === wanted) return { action: 'unchanged', executable: (facts.mode & 0o100) !== 0 };
      if (facts.content === undefined || looksBinary(facts.content)) {
        return { action: 'refuse', reason: 'already exists and is not the generated script (too large or not text to compare)' };
      }
      return { action: 'needs-diff', reason: 'already exists with other content', existing: facts.content };
  }
}
