/*
 * Lazy loader for libxml2-wasm, the libxml2 engine virt-xml-validate runs (xmllint --relaxng),
 * compiled to WebAssembly (the .wasm is embedded in the module). The package is ESM with
 * top-level await, so CommonJS code reaches it only through a dynamic import: from sources
 * the package itself; from the bundles, dist/libxml2.mjs (built by scripts/build.mjs: a lazily
 * initialised copy inside another bundle never finishes its top-level await).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Libxml from 'libxml2-wasm';
import { schemaFileText } from './schemaFiles';

export type LibxmlModule = typeof Libxml;

let loading: Promise<LibxmlModule> | undefined;
let bundlePath: string | undefined = typeof __dirname === 'string' ? path.join(__dirname, 'libxml2.mjs') : undefined;

/** The bundled dist/libxml2.mjs to load (the ESM worker has no __dirname: its parent passes the path). */
export function libxmlBundlePath(): string | undefined {
  return bundlePath && existsSync(bundlePath) ? bundlePath : undefined;
}

export function useLibxmlBundle(file: string): void {
  bundlePath = file;
}

/** Set by the CLI launcher (src/cli/launcher.ts), whose bundle runs as a vm script that cannot import itself. */
const IMPORT_HOOK = '__kvmnetImport';

async function importLibxml(): Promise<LibxmlModule> {
  const bundled = libxmlBundlePath();
  if (bundled) {
    const url = pathToFileURL(bundled).href;
    const hook = (globalThis as Record<string, unknown>)[IMPORT_HOOK];
    return (await (typeof hook === 'function' ? (hook as (s: string) => Promise<unknown>)(url) : import(url))) as LibxmlModule;
  }
  return import('libxml2-wasm');
}

/** A local path from what libxml2 asks for (a path or a file: URL); undefined for anything else. */
function localPath(name: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
  return name.startsWith('file:') ? fileURLToPath(name) : undefined;
}

/**
 * Schemas include each other by relative href (domain.rng → domaincommon.rng …). libxml2 reads them
 * through schemaFileText (regular files of bounded size only, the extension host's loaded copy when
 * there is one), never straight from disk: a FIFO or /dev/zero named by a schema cannot hang or
 * exhaust the reader.
 */
function registerSchemaInput(lib: LibxmlModule): void {
  const open = new Map<number, { data: Buffer; at: number }>();
  let next = 1;
  lib.xmlRegisterInputProvider({
    match: (name) => localPath(name) !== undefined,
    open: (name) => {
      const file = localPath(name);
      if (file === undefined) return undefined;
      try {
        open.set(next, { data: Buffer.from(schemaFileText(file), 'utf8'), at: 0 });
      } catch {
        return undefined; // libxml2 reports the include as failed to load
      }
      return next++;
    },
    read: (fd, buf) => {
      const f = open.get(fd);
      if (!f) return -1;
      const n = f.data.copy(buf, 0, f.at, f.at + buf.byteLength);
      f.at += n;
      return n;
    },
    close: (fd) => open.delete(fd),
  });
}

export function loadLibxml(): Promise<LibxmlModule> {
  loading ??= importLibxml().then((lib) => {
    registerSchemaInput(lib);
    return lib;
  });
  return loading;
}
