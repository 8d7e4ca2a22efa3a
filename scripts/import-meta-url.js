// esbuild inject: gives bundled ESM code a working import.meta.url inside the CommonJS bundle.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
