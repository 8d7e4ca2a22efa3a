import { randomBytes } from 'node:crypto';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './inputFiles';

/**
 * Replaces a regular file's content all at once: a temp file in the same directory (same file system, created
 * exclusively, with the file's permission bits), fsynced, then renamed over it. A reader sees the old or the new
 * file, never half of one. Symlinks and non-regular files are refused: --fix must not write through a link to a
 * file elsewhere, nor replace the link with a file.
 */
export async function replaceFileAtomically(file: string, text: string): Promise<void> {
  const st = await lstat(file);
  if (st.isSymbolicLink()) throw new InputError('a symbolic link; not fixed (fix its target instead)');
  if (!st.isFile()) throw new InputError('not a regular file; not fixed');
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.kvmnet-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', st.mode & 0o7777);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      // The umask may have narrowed the mode given to open.
      await handle.chmod(st.mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
