/*
 * dist/cli.js: starts the CLI bundle (dist/cli-main.js) from V8's code cache. Compiling the 4 MB bundle was the
 * largest single cost of a one-file `kvmnet lint` (a pre-commit hook starts one per commit); with the cache a
 * process compiles almost nothing. The cache is V8's own format, checked by V8 against its version and flags;
 * a rejected or missing one is rebuilt at exit. It lives in the user's cache directory and is only read from a
 * directory and file of this user that no one else can write, so it is no new way to change what runs.
 * KVMNET_COMPILE_CACHE=0 turns it off.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

declare const KVMNET_VERSION: string | undefined;

/** The bundle's dynamic imports (dist/libxml2.mjs is ESM) run here: a vm script cannot import by itself. */
export const IMPORT_HOOK = '__kvmnetImport';

const MAX_CACHE_BYTES = 64 * 1024 * 1024;

function cacheDir(): string | undefined {
  if (process.env.KVMNET_COMPILE_CACHE === '0') return undefined;
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'kvmnet');
}

/** Ours alone: a real directory or file (no symlink) owned by this user, writable by nobody else. */
function ownedPrivately(p: string, kind: 'dir' | 'file'): boolean {
  try {
    const st = fs.lstatSync(p);
    const uid = process.getuid?.();
    return (kind === 'dir' ? st.isDirectory() : st.isFile()) && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** One cache file per bundle and Node: V8 checks the source only by its length, so the name carries the rest. */
function cacheFile(dir: string, bundle: string): string {
  const st = fs.statSync(bundle);
  const key = [typeof KVMNET_VERSION === 'string' ? KVMNET_VERSION : 'dev', process.version, process.arch, st.size, st.mtimeMs, st.ino].join('\0');
  return path.join(dir, `cli-${createHash('sha256').update(key).digest('hex').slice(0, 24)}.v8cache`);
}

function readCache(dir: string | undefined, file: string | undefined): Buffer | undefined {
  if (!dir || !file || !ownedPrivately(dir, 'dir') || !ownedPrivately(file, 'file')) return undefined;
  try {
    const data = fs.readFileSync(file);
    return data.length > 0 && data.length <= MAX_CACHE_BYTES ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (temp file + rename); any failure only means the next run compiles again. */
function writeCache(dir: string, file: string, data: Buffer): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedPrivately(dir, 'dir')) return;
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only home, a full disk: the CLI works the same without the cache.
  }
}

function start(): void {
  const bundle = path.join(__dirname, 'cli-main.js');
  const imports = new Map<string, Promise<unknown>>();
  const load = (specifier: string): Promise<unknown> => {
    let p = imports.get(specifier);
    if (!p) imports.set(specifier, (p = import(specifier)));
    return p;
  };
  (globalThis as Record<string, unknown>)[IMPORT_HOOK] = load;
  // lint validates XML with libxml2 (WebAssembly): its module loads and compiles while the bundle starts.
  const libxml = path.join(__dirname, 'libxml2.mjs');
  if (process.argv[2] === 'lint' && fs.existsSync(libxml)) load(pathToFileURL(libxml).href).catch(() => undefined);
  const dir = cacheDir();
  let file: string | undefined;
  try {
    file = dir ? cacheFile(dir, bundle) : undefined;
  } catch {
    file = undefined;
  }
  const cached = readCache(dir, file);
  const source = fs.readFileSync(bundle, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  if (dir && file && (!cached || script.cachedDataRejected === true)) {
    // At exit the cache also holds the functions this run compiled lazily.
    process.once('exit', () => writeCache(dir, file, script.createCachedData()));
  }
  const compiled = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  compiled.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
}

start();
