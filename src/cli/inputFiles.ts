import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_LINT_BYTES } from '../core/limits';

/** A path given on the command line that is not read: missing, unreadable, not a regular file, too large. */
export class InputError extends Error {}

const READ_CHUNK = 64 * 1024;

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** Why a file is not read, or undefined: only regular files up to the cap are (a FIFO can block forever, /dev/zero never ends). */
function refusal(st: Stats, maxBytes = MAX_LINT_BYTES): string | undefined {
  if (!st.isFile()) return `${kindOf(st)}, not a regular file; not read`;
  if (st.size > maxBytes) return `${st.size} bytes, over the ${megabytes(maxBytes)} limit; not read`;
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof InputError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a path component is not a directory';
  return (e as Error).message;
}

async function readCapped(file: string, maxBytes: number): Promise<string> {
  // stat first, so no device is even opened (opening one can have effects: a tape rewinds, a watchdog arms);
  // then O_NONBLOCK (a FIFO swapped in meanwhile cannot block the open) and fstat the descriptor actually read.
  const before = refusal(await stat(file), maxBytes);
  if (before) throw new InputError(before);
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const now = refusal(await handle.stat(), maxBytes);
    if (now) throw new InputError(now);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(READ_CHUNK), 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      // A file that grew past the cap since fstat is refused, never read to its end.
      if (total > maxBytes) throw new InputError(`grew over the ${megabytes(maxBytes)} limit while read; not read`);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The text of a file named on the command line (or a config file, with its own cap); InputError says why it was not read. */
export async function readInputFile(file: string, maxBytes = MAX_LINT_BYTES): Promise<string> {
  try {
    return await readCapped(file, maxBytes);
  } catch (e) {
    throw new InputError(describe(e));
  }
}

/** Files of a schema directory the validator reads (libvirt's *.rng and the version marker). */
const SCHEMA_FILE = /(?:\.rng|^LIBVIRT_VERSION)$/;

/**
 * The schema files of a --schema-dir must be regular files under the cap: the validator reads them whole and
 * synchronously, so a FIFO there would hang it and /dev/zero would exhaust its memory. A path that is no
 * directory is left to the linter, which reports it as an information finding and reads nothing.
 */
export async function checkSchemaDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return;
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new InputError(`${dir}: ${describe(e)}`);
  }
  for (const name of entries.filter((n) => SCHEMA_FILE.test(n)).sort()) {
    const file = path.join(dir, name);
    let why: string | undefined;
    try {
      why = refusal(await stat(file));
    } catch (e) {
      why = describe(e);
    }
    if (why) throw new InputError(`${file}: ${why}`);
  }
}

/** Standard input, read to its end under the same cap as a file. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    if (total > MAX_LINT_BYTES) throw new InputError(`over the ${megabytes(MAX_LINT_BYTES)} limit; not read`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
