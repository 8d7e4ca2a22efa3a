// Bundles the extension and the CLI with esbuild. `vscode` stays external (the editor provides it);
// everything else, ESM-only packages such as execa included, is bundled into CommonJS.
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { bundleSchemas } from './schemas.mjs';

const production = process.argv.includes('--production');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { KVMNET_VERSION: JSON.stringify(pkg.version), 'import.meta.url': 'import_meta_url' },
  // libxml2-wasm loads its .wasm next to its own module; keep import.meta.url working in CJS.
  inject: [new URL('./import-meta-url.js', import.meta.url).pathname],
  loader: { '.wasm': 'file' },
};

const libxml = ['libxml2-wasm', 'libxml2-wasm/*'];
const esm = { ...common, format: 'esm', define: { KVMNET_VERSION: common.define.KVMNET_VERSION }, inject: [] };
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...libxml] }),
  // The CLI: dist/cli.js is a small launcher that runs the bundle dist/cli-main.js from V8's code cache.
  esbuild.build({ ...common, minify: true, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli-main.js', external: libxml }),
  esbuild.build({ ...common, entryPoints: ['src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The askpass program ssh runs to ask the user through the editor (src/extension/askpass.ts starts it).
  esbuild.build({ ...common, entryPoints: ['src/askpass/main.ts'], outfile: 'dist/askpass.js' }),
  // libxml2-wasm has top-level await, which CommonJS cannot bundle: the schema worker thread and the
  // CommonJS bundles' in-process fallback (dist/libxml2.mjs, loaded by src/core/xml/schema/libxml.ts) are ESM.
  esbuild.build({ ...esm, entryPoints: ['src/core/xml/schema/worker.ts'], outfile: 'dist/xml-worker.mjs', external: libxml }),
  esbuild.build({ ...esm, entryPoints: ['src/core/xml/schema/libxmlBundle.ts'], outfile: 'dist/libxml2.mjs' }),
  // The composer webview runs in the browser: its own bundle (the webview UI toolkit stays inside it).
  esbuild.build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: common.sourcemap,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['src/webview/composer/main.ts'],
    outfile: 'dist/webview/composer.js',
  }),
]);
bundleSchemas();
chmodSync('dist/cli.js', 0o755);
