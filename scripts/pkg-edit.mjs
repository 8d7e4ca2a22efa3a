// Read-modify-write of package.json under a lock, for scripted edits of `contributes` (several people or helpers
// may add contributions at once). Data only, never code: append a JSON value to an array, or set a value, at a
// dotted path:
//   flock /tmp/kvmnet-pkg.lock node scripts/pkg-edit.mjs push contributes.commands '{"command":"kvmnet.x","title":"X"}'
//   flock /tmp/kvmnet-pkg.lock node scripts/pkg-edit.mjs set contributes.configuration.properties.kvmnet\.y '{"type":"string"}'
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const [op, dotted, json] = process.argv.slice(2);
if (!['push', 'set'].includes(op ?? '') || !dotted || json === undefined) {
  console.error('usage: node scripts/pkg-edit.mjs push|set PATH JSON   (PATH: dotted keys, \\. for a literal dot)');
  process.exit(2);
}
const keys = dotted.split(/(?<!\\)\./).map((k) => k.replaceAll('\\.', '.'));
let value;
try {
  value = JSON.parse(json);
} catch (e) {
  console.error(`pkg-edit: the value is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
const file = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(file, 'utf8'));
let parent = pkg;
for (const k of keys.slice(0, -1)) {
  if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`pkg-edit: refusing key ${k}`);
  parent = parent[k] ??= {};
}
const last = keys.at(-1);
if (op === 'push') {
  if (!Array.isArray(parent[last])) throw new Error(`pkg-edit: ${dotted} is not an array`);
  parent[last].push(value);
} else {
  parent[last] = value;
}
writeFileSync(`${file.pathname}.tmp`, `${JSON.stringify(pkg, null, 2)}\n`);
renameSync(`${file.pathname}.tmp`, file);
