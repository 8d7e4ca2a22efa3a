/*
 * Lazy loader for libxml2-wasm, the libxml2 engine virt-xml-validate runs (xmllint --relaxng),
 * compiled to WebAssembly (the .wasm is embedded in the module). The package is ESM with
 * top-level await, so CommonJS code reaches it only through a dynamic import: from sources
 * the package itself; from the bundles, dist/libxml2.mjs (built by scripts/build.mjs: a lazily
 * initialised copy inside another bundle never finishes its top-level await).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Libxml from 'libxml2-wasm';

export type LibxmlModule = typeof Libxml;
type Loaded = LibxmlModule & { xmlRegisterFsInputProviders(): boolean };

let loading: Promise<LibxmlModule> | undefined;
let bundlePath: string | undefined = typeof __dirname === 'string' ? path.join(__dirname, 'libxml2.mjs') : undefined;

/** The bundled dist/libxml2.mjs to load (the ESM worker has no __dirname: its parent passes the path). */
export function libxmlBundlePath(): string | undefined {
  return bundlePath && existsSync(bundlePath) ? bundlePath : undefined;
}

export function useLibxmlBundle(file: string): void {
  bundlePath = file;
}

async function importLibxml(): Promise<Loaded> {
  const bundled = libxmlBundlePath();
  if (bundled) return (await import(pathToFileURL(bundled).href)) as Loaded;
  const [lib, fs] = await Promise.all([import('libxml2-wasm'), import('libxml2-wasm/lib/nodejs.mjs')]);
  return { ...lib, xmlRegisterFsInputProviders: fs.xmlRegisterFsInputProviders };
}

export function loadLibxml(): Promise<LibxmlModule> {
  loading ??= importLibxml().then((lib) => {
    // Schemas include each other by relative href (domain.rng → domaincommon.rng …): read them from disk.
    lib.xmlRegisterFsInputProviders();
    return lib;
  });
  return loading;
}
