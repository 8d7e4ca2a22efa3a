import { constants } from 'node:fs';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { decideHelperWrite, type HelperWrite, type PathFacts } from './helperFile';
import type { GeneratedFile } from './qemu/generate';

/**
 * The file-system side of helper scripts (see ./helperFile for the policy): inspect without following links,
 * create only with O_EXCL|O_NOFOLLOW and set the mode on the descriptor just written, so neither a file nor a
 * link that appears between the check and the write is ever written to or chmodded. Shared by every caller that
 * writes helper files (the launch-script commands; the CLI if it ever writes them).
 */

/** An existing helper larger than this is not read to compare (ours are a few hundred bytes). */
export const MAX_HELPER_COMPARE_BYTES = 64 * 1024;

export class HelperFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

function describe(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return st.isBlockDevice() || st.isCharacterDevice() ? 'a device' : 'not a regular file';
}

/** UTF-8 text, or undefined when the bytes are not valid UTF-8 (so lossy decoding never makes two files "equal"). */
function utf8(buf: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return undefined;
  }
}

/** What is at `path`, found with lstat; a regular file's content is read through O_NOFOLLOW from that same inode. */
export async function inspectHelperPath(path: string): Promise<PathFacts> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    return code(e) === 'ENOENT' ? { kind: 'absent' } : { kind: 'other', what: `not inspectable (${code(e)})` };
  }
  if (st.isSymbolicLink()) return { kind: 'symlink' };
  if (!st.isFile()) return { kind: 'other', what: describe(st) };
  const mode = st.mode & 0o7777;
  if (st.size > MAX_HELPER_COMPARE_BYTES) return { kind: 'file', mode, content: undefined };
  let fh: FileHandle;
  try {
    // O_NONBLOCK: a FIFO swapped in after lstat must not hang the open.
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (code(e) === 'ELOOP') return { kind: 'symlink' };
    return code(e) === 'ENOENT' ? { kind: 'absent' } : { kind: 'other', what: `not readable (${code(e)})` };
  }
  try {
    const now = await fh.stat();
    if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) return { kind: 'other', what: 'being replaced while it was checked' };
    if (now.size > MAX_HELPER_COMPARE_BYTES) return { kind: 'file', mode: now.mode & 0o7777, content: undefined };
    return { kind: 'file', mode: now.mode & 0o7777, content: utf8(await fh.readFile()) };
  } finally {
    await fh.close();
  }
}

export interface HelperFilePlan {
  readonly file: GeneratedFile;
  readonly decision: HelperWrite;
}

/** The decision for each helper file, in order. Writes nothing. */
export async function planHelperFiles(files: readonly GeneratedFile[]): Promise<HelperFilePlan[]> {
  return Promise.all(files.map(async (file) => ({ file, decision: decideHelperWrite(await inspectHelperPath(file.path), file.content) })));
}

/** A file this module created: removed again only while the path still names that inode with that content. */
export interface CreatedHelper {
  readonly path: string;
  readonly content: string;
  readonly dev: number;
  readonly ino: number;
}

async function createOne(file: GeneratedFile): Promise<CreatedHelper> {
  let fh: FileHandle;
  try {
    // O_EXCL fails on any existing entry, a dangling symlink included; O_NOFOLLOW says so once more.
    fh = await open(file.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    throw new HelperFileError(file.path, code(e) === 'EEXIST' ? 'appeared after it was checked; nothing was written' : `cannot be created (${code(e)})`);
  }
  let created: CreatedHelper | undefined;
  try {
    const st = await fh.stat();
    created = { path: file.path, content: file.content, dev: st.dev, ino: st.ino };
    await fh.writeFile(file.content);
    // QEMU runs it as a program. fchmod on our own descriptor: no path lookup a swapped-in link could redirect.
    await fh.chmod(0o755);
    return created;
  } catch (e) {
    if (created) await removeCreatedHelpers([created]);
    throw new HelperFileError(file.path, `could not be written (${code(e)}); nothing was left behind`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Creates the files, each whole and mode 0755, none of them over an existing entry. All or nothing: when one
 * fails (for instance it appeared since planHelperFiles), those created before it are removed and the error thrown.
 */
export async function createHelperFiles(files: readonly GeneratedFile[]): Promise<CreatedHelper[]> {
  const created: CreatedHelper[] = [];
  try {
    for (const f of files) created.push(await createOne(f));
  } catch (e) {
    await removeCreatedHelpers(created);
    throw e;
  }
  return created;
}

/**
 * Undoes createHelperFiles (e.g. the script edit then failed). An entry replaced meanwhile is left alone: the inode
 * must match and still hold our text (a file deleted and re-created can get the freed inode number back).
 */
export async function removeCreatedHelpers(created: readonly CreatedHelper[]): Promise<void> {
  for (const c of created) {
    const st = await lstat(c.path).catch(() => undefined);
    if (!st?.isFile() || st.dev !== c.dev || st.ino !== c.ino) continue;
    const now = await inspectHelperPath(c.path);
    if (now.kind === 'file' && now.content === c.content) await unlink(c.path).catch(() => undefined);
  }
}
