import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { lintText } from '../../src/core/lint';
import { preferredEdits, unifiedDiff } from '../../src/core/lintConfig/fix';
import { applyEdits } from '../../src/core/text';

async function run(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

const Q = 'qemu-system-x86_64';
// Two fixable findings (a malformed hostfwd, an unused netdev) and one that has no preferred fix (-net).
const SCRIPT = `#!/bin/sh\n${Q} -m 256 \\\n  -netdev user,id=n0,hostfwd=tcp:0-:22 -device virtio-net-pci,netdev=n0 \\\n  -netdev user,id=n1 \\\n  -net nic\n`;

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'kvmnet-fix-'));
}

test('--fix applies the preferred fixes the editor offers, keeps the mode, reports what is left', async () => {
  const d = dir();
  const file = path.join(d, 'vm.sh');
  writeFileSync(file, SCRIPT);
  chmodSync(file, 0o750);
  const before = await lintText(file, SCRIPT);
  const codes = before.findings.map((f) => f.code);
  assert.ok(codes.includes('qemu-hostfwd-malformed') && codes.includes('qemu-netdev-unused') && codes.includes('qemu-legacy-net'), codes.join());
  const r = await run(['lint', '--fix', '--format', 'json', 'vm.sh'], d);
  const fixed = readFileSync(file, 'utf8');
  assert.notEqual(fixed, SCRIPT);
  // The first pass is exactly the editor's preferred quick fixes.
  assert.equal(applyEdits(SCRIPT, preferredEdits(SCRIPT, before.findings)), fixed);
  assert.equal(statSync(file).mode & 0o777, 0o750);
  assert.deepEqual(readdirSync(d), ['vm.sh'], 'no temp file left');
  const left = JSON.parse(r.out) as { code: string }[];
  assert.deepEqual(left.map((f) => f.code), (await lintText(file, fixed)).findings.map((f) => f.code));
  assert.ok(!left.some((f) => f.code === 'qemu-hostfwd-malformed' || f.code === 'qemu-netdev-unused'));
  assert.equal(r.code, 0);
  // Nothing left to fix: a second run changes nothing.
  await run(['lint', '--fix', 'vm.sh'], d);
  assert.equal(readFileSync(file, 'utf8'), fixed);
});

test('--fix refuses a symlink (its target is unchanged) and still reports its findings (exit 2)', async () => {
  const d = dir();
  writeFileSync(path.join(d, 'real.sh'), SCRIPT);
  symlinkSync(path.join(d, 'real.sh'), path.join(d, 'link.sh'));
  const r = await run(['lint', '--fix', 'link.sh'], d);
  assert.equal(r.code, 2);
  assert.match(r.err, /^kvmnet lint: link\.sh: a symbolic link; not fixed/);
  assert.match(r.out, /qemu-hostfwd-malformed/);
  assert.equal(readFileSync(path.join(d, 'real.sh'), 'utf8'), SCRIPT);
});

test('--fix-dry-run prints a unified diff that git apply turns into what --fix writes; nothing is written', async () => {
  const d = dir();
  writeFileSync(path.join(d, 'vm.sh'), SCRIPT);
  const dry = await run(['lint', '--fix-dry-run', 'vm.sh'], d);
  assert.equal(readFileSync(path.join(d, 'vm.sh'), 'utf8'), SCRIPT);
  assert.match(dry.out, /^--- a\/vm\.sh\n\+\+\+ b\/vm\.sh\n@@ /);
  writeFileSync(path.join(d, 'patch.diff'), dry.out);
  execFileSync('git', ['apply', '--unsafe-paths', 'patch.diff'], { cwd: d });
  const patched = readFileSync(path.join(d, 'vm.sh'), 'utf8');
  writeFileSync(path.join(d, 'vm.sh'), SCRIPT);
  await run(['lint', '--fix', 'vm.sh'], d);
  assert.equal(patched, readFileSync(path.join(d, 'vm.sh'), 'utf8'));
  assert.equal((await run(['lint', '--fix', '--fix-dry-run', 'vm.sh'], d)).code, 2);
});

test('--show-fixes: JSON findings carry their fixes with 1-based located edits; without it the JSON is as before', async () => {
  const d = dir();
  writeFileSync(path.join(d, 'vm.sh'), SCRIPT);
  const plain = JSON.parse((await run(['lint', '--format', 'json', 'vm.sh'], d)).out) as Record<string, unknown>[];
  assert.ok(plain.every((f) => !('fixes' in f)));
  const shown = JSON.parse((await run(['lint', '--format', 'json', '--show-fixes', 'vm.sh'], d)).out) as { code: string; fixes: { isPreferred: boolean; edits: { line: number; column: number; text: string }[] }[] }[];
  const hostfwd = shown.find((f) => f.code === 'qemu-hostfwd-malformed')!;
  assert.deepEqual(hostfwd.fixes.map((x) => [x.isPreferred, x.edits.map((e) => [e.line, e.text])]), [[true, [[3, 'tcp::0-:22']]]]);
  assert.deepEqual(shown.map(({ fixes: _, ...f }) => f), plain);
});

test('unifiedDiff: git apply of the diff turns any text into any other (fast-check)', () => {
  const d = dir();
  const line = fc.constantFrom('a\n', 'b\n', 'c\n', 'qemu \\\n', '\n', 'x');
  const text = fc.array(line, { maxLength: 25 }).map((ls) => ls.join(''));
  fc.assert(
    fc.property(text, text, (before, after) => {
      writeFileSync(path.join(d, 'f'), before);
      const diff = unifiedDiff('f', before, after);
      if (before === after) return diff === '';
      writeFileSync(path.join(d, 'p.diff'), diff);
      execFileSync('git', ['apply', '--unsafe-paths', 'p.diff'], { cwd: d, stdio: 'pipe' });
      return readFileSync(path.join(d, 'f'), 'utf8') === after;
    }),
    { numRuns: 150 },
  );
});
