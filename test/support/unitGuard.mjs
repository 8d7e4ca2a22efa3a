// Loaded into every unit-tier test process (scripts/test.mjs unit): the unit tier runs no real tool. Starting any
// program but node itself, sh, git, mkfifo or tar fails the test with the file's proper tier named, so the fast loop
// stays fast and an oracle test never hides among the unit tests.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const ALLOWED = new Set(['node', 'sh', 'git', 'mkfifo', 'tar', path.basename(process.execPath)]);

function check(file) {
  const name = path.basename(String(file).trim().split(/\s+/)[0] ?? '');
  if (file === process.execPath || ALLOWED.has(name)) return;
  throw new Error(`unit tier: this test starts ${name}, a real tool; name the file *.oracle.test.ts (or *.lab.test.ts if it boots a VM)`);
}

for (const fn of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) {
  const original = childProcess[fn];
  childProcess[fn] = function guarded(file, ...rest) {
    check(file);
    return original.call(this, file, ...rest);
  };
}
syncBuiltinESMExports();
