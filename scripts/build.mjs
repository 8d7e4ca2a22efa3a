// Bundles the extension and the CLI with esbuild. `vscode` stays external (the editor provides it);
// everything else, ESM-only packages such as execa included, is bundled into CommonJS.
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

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

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync('dist/cli.js', 0o755);
