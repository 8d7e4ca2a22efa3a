/*
 * Reading libvirt schema files. The directory can come from a setting (a workspace's, too), so a
 * "domain.rng" may be a FIFO (a read would block forever), a link to /dev/zero (endless) or a
 * directory: only regular files of bounded size are read, each opened non-blocking and checked
 * after opening. The extension host reads a directory once, asynchronously (loadSchemaDir), and
 * the sync readers (grammar compile, schema index, libxml2's includes) are served from that copy;
 * the worker thread, which may block, reads on demand with the same checks.
 */
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync, type Stats } from 'node:fs';
import path from 'node:path';

/** libvirt's largest schema (domaincommon.rng) is ~250 KB. */
export const MAX_SCHEMA_FILE_BYTES = 8 * 1024 * 1024;
const MAX_SCHEMA_FILES = 1000;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export class SchemaFileError extends Error {}

const loaded = new Map<string, string>();

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws SchemaFileError unless `st` is a regular file of at most MAX_SCHEMA_FILE_BYTES. */
export function checkSchemaFile(file: string, st: Stats): void {
  if (!st.isFile()) throw new SchemaFileError(`${file} is ${kind(st)}, not a regular file`);
  if (st.size > MAX_SCHEMA_FILE_BYTES) throw new SchemaFileError(`${file} is larger than ${MAX_SCHEMA_FILE_BYTES / 1024 / 1024} MiB`);
}

function tooLarge(file: string): SchemaFileError {
  return new SchemaFileError(`${file} is larger than ${MAX_SCHEMA_FILE_BYTES / 1024 / 1024} MiB`);
}

/** One schema file, asynchronously: a regular file (links followed) of at most MAX_SCHEMA_FILE_BYTES. */
export async function readSchemaFile(file: string): Promise<string> {
  checkSchemaFile(file, await fsp.stat(file));
  const fh = await fsp.open(file, OPEN_FLAGS);
  try {
    const st = await fh.stat();
    checkSchemaFile(file, st); // it may have been swapped since the stat above
    const buf = Buffer.alloc(Math.min(st.size, MAX_SCHEMA_FILE_BYTES) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = await fh.read(buf, n, buf.length - n, n)).bytesRead > 0; ) n += r.bytesRead;
    if (n > MAX_SCHEMA_FILE_BYTES) throw tooLarge(file);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The same, synchronously (the worker thread; the extension host only reads what loadSchemaDir loaded). */
export function schemaFileText(file: string): string {
  const abs = path.resolve(file);
  const cached = loaded.get(abs);
  if (cached !== undefined) return cached;
  const fd = openSync(abs, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    checkSchemaFile(abs, st);
    const buf = Buffer.alloc(Math.min(st.size, MAX_SCHEMA_FILE_BYTES) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += r;
    if (n > MAX_SCHEMA_FILE_BYTES) throw tooLarge(abs);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads every .rng file of a schema directory once, asynchronously, so later sync reads of it in
 * this thread are served from memory. Throws SchemaFileError naming the first file that is not a
 * regular file of bounded size.
 */
export async function loadSchemaDir(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  const names = (await fsp.readdir(abs)).filter((n) => n.endsWith('.rng'));
  if (names.length > MAX_SCHEMA_FILES) throw new SchemaFileError(`${abs} holds more than ${MAX_SCHEMA_FILES} .rng files`);
  for (const name of names) {
    const file = path.join(abs, name);
    if (!loaded.has(file)) loaded.set(file, await readSchemaFile(file));
  }
}
