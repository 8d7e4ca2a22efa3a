// Read-modify-write of package.json under a lock, for scripted edits of `contributes`
// (several people or helpers may add contributions at once):
//   flock /tmp/kvmnet-pkg.lock node scripts/pkg-edit.mjs 'pkg.contributes.commands.push({...})'
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
const file = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(file, 'utf8'));
new Function('pkg', process.argv[2])(pkg);
writeFileSync(`${file.pathname}.tmp`, `${JSON.stringify(pkg, null, 2)}\n`);
renameSync(`${file.pathname}.tmp`, file);
