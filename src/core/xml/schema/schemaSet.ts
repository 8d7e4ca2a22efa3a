/*
 * Which libvirt schema set to validate with: the user's directory (setting / --schema-dir),
 * else the machine's /usr/share/libvirt/schemas, else the copy bundled into dist/schemas
 * by scripts/schemas.mjs. Schemas are versioned (libvirt 9 rejects some libvirt 11 XML),
 * so the set always carries the libvirt version it came from when that is knowable.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkSchemaFile, loadSchemaDir, schemaFileText } from './schemaFiles';

export const SYSTEM_SCHEMA_DIR = '/usr/share/libvirt/schemas';
/** Written next to the bundled copy by scripts/schemas.mjs; also honoured in a user's directory. */
export const VERSION_MARKER = 'LIBVIRT_VERSION';

export type SchemaOrigin = 'setting' | 'system' | 'bundled';

export interface SchemaSet {
  readonly dir: string;
  readonly origin: SchemaOrigin;
  /** libvirt version of the schemas (e.g. "9.0.0-4+deb12u2"), when known. */
  readonly version: string | undefined;
}

export interface SchemaSetResolution {
  readonly set?: SchemaSet;
  /** Why no set is usable (e.g. the configured directory has no domain.rng). */
  readonly problem?: string;
}

/** Where the bundled copy lives: next to the bundle (dist/schemas) or, from sources, the repo's dist/schemas. */
export function bundledSchemaDirs(): string[] {
  return [path.join(__dirname, 'schemas'), path.resolve(__dirname, '../../../../dist/schemas')];
}

/** Whether `dir` is a schema directory: undefined if it has no domain.rng, else why not (a FIFO …) or '' when usable. */
function domainRngProblem(dir: string): string | undefined {
  const file = path.join(dir, 'domain.rng');
  if (!existsSync(file)) return undefined;
  try {
    checkSchemaFile(file, statSync(file));
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

let dpkgVersion: string | null | undefined;
/** Version of Debian's libvirt0 (owner of /usr/share/libvirt/schemas), read once from dpkg's status file. */
function debianLibvirtVersion(): string | undefined {
  if (dpkgVersion === undefined) {
    dpkgVersion = null;
    try {
      const status = readFileSync('/var/lib/dpkg/status', 'utf8');
      const m = /^Package: libvirt0\n(?:[^\n]+\n)*?Version: ([^\n]+)/m.exec(status);
      if (m) dpkgVersion = m[1]!.trim();
    } catch {
      // not a Debian system
    }
  }
  return dpkgVersion ?? undefined;
}

export function schemaVersion(dir: string): string | undefined {
  try {
    const v = schemaFileText(path.join(dir, VERSION_MARKER)).trim().split('\n')[0]?.trim();
    if (v) return v;
  } catch {
    // no marker (or not a regular file)
  }
  return path.resolve(dir) === SYSTEM_SCHEMA_DIR ? debianLibvirtVersion() : undefined;
}

/**
 * The schema set to validate with (its files are read where they are used: see schemaFiles). A
 * relative `settingDir` is relative to `baseDir` (the CLI: its working directory; the extension
 * passes an absolute path, resolved against the workspace folder).
 */
export function resolveSchemaSet(settingDir?: string, baseDir = process.cwd()): SchemaSetResolution {
  if (settingDir !== undefined && settingDir.trim() !== '') {
    const dir = path.resolve(baseDir, settingDir.trim());
    const problem = domainRngProblem(dir);
    if (problem === undefined) return { problem: `the schema directory ${dir} has no domain.rng` };
    if (problem !== '') return { problem: `the schema directory ${dir} cannot be used: ${problem}` };
    return { set: { dir, origin: 'setting', version: schemaVersion(dir) } };
  }
  if (domainRngProblem(SYSTEM_SCHEMA_DIR) === '') return { set: { dir: SYSTEM_SCHEMA_DIR, origin: 'system', version: schemaVersion(SYSTEM_SCHEMA_DIR) } };
  const bundled = bundledSchemaDirs().find((d) => domainRngProblem(d) === '');
  if (bundled) return { set: { dir: bundled, origin: 'bundled', version: schemaVersion(bundled) } };
  return { problem: `no libvirt schemas found (${SYSTEM_SCHEMA_DIR} is missing and no copy is bundled)` };
}

/**
 * resolveSchemaSet, then every .rng file of the set read asynchronously (regular files of bounded
 * size only): for the extension host, whose sync readers (completion's schema index) are then
 * served from memory and never block on the disk, let alone on a FIFO.
 */
export async function loadSchemaSet(settingDir?: string, baseDir?: string): Promise<SchemaSetResolution> {
  const resolution = resolveSchemaSet(settingDir, baseDir);
  if (!resolution.set) return resolution;
  try {
    await loadSchemaDir(resolution.set.dir);
  } catch (e) {
    return { problem: `the schema directory ${resolution.set.dir} cannot be used: ${e instanceof Error ? e.message : String(e)}` };
  }
  return resolution;
}

/** One line for the status bar and hovers, e.g. "libvirt 9.0.0-4+deb12u2 schemas (machine)". */
export function describeSchemaSet(set: SchemaSet): string {
  const where = set.origin === 'setting' ? `from ${set.dir}` : set.origin === 'system' ? 'installed on this machine' : 'bundled';
  return `libvirt ${set.version ?? '(unknown version)'} schemas, ${where}`;
}
