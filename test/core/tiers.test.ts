import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..', '..');
const guard = path.join(root, 'test', 'support', 'unitGuard.mjs');

function run(code: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', guard, '--input-type=module', '-e', code], { encoding: 'utf8', cwd: root });
  return { status: r.status, stderr: r.stderr };
}

test('the unit tier refuses to start a real tool, through child_process or execa, and names the tier to use', () => {
  for (const code of [
    "import { spawnSync } from 'node:child_process'; spawnSync('qemu-system-x86_64', ['-version']);",
    "import cp from 'node:child_process'; cp.execFileSync('/usr/bin/virt-xml-validate', ['x']);",
    "const { execa } = await import('execa'); await execa('ssh', ['-V']);",
  ]) {
    const r = run(code);
    assert.notEqual(r.status, 0, code);
    assert.match(r.stderr, /unit tier: this test starts (qemu-system-x86_64|virt-xml-validate|ssh), a real tool; name the file \*\.oracle\.test\.ts/);
  }
  assert.equal(run("import { spawnSync } from 'node:child_process'; if (spawnSync(process.execPath, ['-e', '0']).status !== 0 || spawnSync('sh', ['-c', 'true']).status !== 0) process.exit(1);").status, 0);
});

test('every test file belongs to one tier by its name (unit, or .oracle, .lab, .stress)', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) files.push(path.relative(root, p));
    }
  };
  for (const d of ['test/core', 'test/cli', 'test/hostile']) walk(path.join(root, d));
  for (const f of files) assert.match(f, /^test\/[a-z/A-Z0-9_-]+\/[A-Za-z0-9_-]+(\.(oracle|lab|stress))?\.test\.ts$/, f);
});
