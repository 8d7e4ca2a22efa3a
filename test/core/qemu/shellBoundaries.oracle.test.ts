// Command boundaries as the shell draws them, with bash and dash as the oracle: a stub qemu-system-x86_64 on PATH
// records the arguments each QEMU command really receives, and the shell reports option lines it ran as commands
// of their own ("-nic: command not found"). The model must see exactly those arguments, and the linter must report
// qemu-comment-in-continuation (an error) exactly when the shell ran orphaned option lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { QemuCode } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { applyEdits } from '../../../src/core/text';

const SHELLS = ['bash', 'dash'] as const;
const work = mkdtempSync(path.join(tmpdir(), 'kvmnet-boundaries-'));
const bin = path.join(work, 'bin');
mkdirSync(bin);
const record = path.join(work, 'argv');
// One line per QEMU command: its arguments, NUL-terminated.
writeFileSync(path.join(bin, 'qemu-system-x86_64'), `#!/bin/sh\nprintf '%s\\0' "$@" >> '${record}'\necho >> '${record}'\n`);
chmodSync(path.join(bin, 'qemu-system-x86_64'), 0o755);
after(() => rmSync(work, { recursive: true, force: true }));

interface ShellVerdict {
  /** The arguments of each QEMU command the shell ran, in order. */
  readonly argv: string[][];
  /** The shell ran a line starting with an option as a command. */
  readonly orphaned: boolean;
  readonly stderr: string;
}

function runShell(shell: (typeof SHELLS)[number], text: string): ShellVerdict {
  const file = path.join(work, 'launch.sh');
  writeFileSync(file, text);
  writeFileSync(record, '');
  const r = spawnSync(shell, [file], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}` }, cwd: work });
  assert.equal(r.error, undefined, `${shell} must be installed: ${String(r.error)}`);
  const argv = readFileSync(record, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\0').slice(0, -1));
  return { argv, orphaned: /(^|\n)[^\n]*: ?-[\w-]+: (command )?not found/.test(r.stderr), stderr: r.stderr };
}

function lintVerdict(text: string): { argv: string[][]; errors: number } {
  const argv = parseLaunchScript(text).invocations.map((inv) => inv.args.map((w) => w.value));
  const errors = lintLaunchScript(text, { fileName: path.join(work, 'launch.sh') }).filter((f) => (f.code === QemuCode.CommentInContinuation.id || f.code === QemuCode.OptionsOrphaned.id) && f.severity === 'error').length;
  return { argv, errors };
}

function agrees(text: string): void {
  const mine = lintVerdict(text);
  for (const shell of SHELLS) {
    const real = runShell(shell, text);
    assert.deepEqual(mine.argv, real.argv, `${shell}: the model's QEMU arguments differ from what QEMU receives\n${text}`);
    assert.equal(mine.errors > 0, real.orphaned, `${shell}: ${real.orphaned ? 'ran option lines as commands but no error' : 'an error the shell contradicts'}\n${text}\n${real.stderr}`);
  }
}

const Q = 'qemu-system-x86_64 -m 64';

describe('command boundaries agree with bash and dash', () => {
  const scripts: Record<string, string> = {
    'comment line with a backslash inside a continued command': `${Q} \\\n  # -net nic,vlan=0 \\\n  -netdev user,id=n0 \\\n  -device e1000,netdev=n0\n`,
    'comment line without a backslash': `${Q} \\\n  # networking\n  -nic user\n`,
    'trailing comment ending in a backslash': `${Q} \\\n  -netdev user,id=n0 # user net \\\n  -device e1000,netdev=n0\n`,
    'trailing comment at the end of the command': `${Q} \\\n  -nic user # the end\necho done\n`,
    'comment line closing the command, nothing after it': `${Q} \\\n  -nic user \\\n  # -device e1000\n\necho done\n`,
    'two comment lines, options after them': `${Q} \\\n  # a \\\n  # b \\\n  -nic user\n`,
    'a # inside a word is no comment': `${Q} \\\n  -name a#b \\\n  -nic user\n`,
    'here-document lines are no comments': `cat > /dev/null <<'EOF'\n# x \\\nEOF\n${Q} -nic user\n`,
  };
  for (const [name, text] of Object.entries(scripts)) test(name, () => agrees(text));

  test('random continued commands with comment lines and trailing comments', () => {
    const option = fc.constantFrom('-nic user', '-smp 1', '-name vm', '-netdev user,id=n0', '-device e1000,netdev=n0');
    const line = fc.oneof(
      option.map((o) => ({ text: `  ${o}`, continues: true })),
      fc.record({ text: fc.constantFrom('  # note', '  #-nic user', '# x,y', ''), continues: fc.boolean() }),
      option.map((o) => ({ text: `  ${o}`, continues: false })),
      fc.record({ text: option.map((o) => `  ${o} # why`), continues: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), fc.constantFrom('  -nic user', ''), fc.boolean(), (lines, last, tail) => {
        const parts = [{ text: Q, continues: true }, ...lines, ...(last ? [{ text: last, continues: false }] : [])];
        const text = `${parts.map((p) => (p.continues ? `${p.text} \\` : p.text)).join('\n')}\n${tail ? 'echo done\n' : ''}`;
        agrees(text);
      }),
      { numRuns: 120 },
    );
  });

  test('the fix leaves one command that the shell runs whole', () => {
    for (const text of [
      `${Q} \\\n  # gone \\\n  -nic user \\\n  -smp 1\n`,
      `${Q} \\\n  -smp 1 # why \\\n  -nic user\n`,
      `  ${Q} \\\n  -smp 1 # why\n\n  # more\n  -nic user\n`,
      `${Q} \\\n  -smp 1\n  -nic user\n`,
      `${Q} \\\n  -smp 1 \\\n\n  -nic user\n`,
    ]) {
      const finding = lintLaunchScript(text).find((f) => f.code === QemuCode.CommentInContinuation.id || f.code === QemuCode.OptionsOrphaned.id)!;
      const fixed = applyEdits(text, finding.fixes![0]!.edits);
      agrees(fixed);
      assert.equal(lintVerdict(fixed).argv.length, 1, fixed);
      assert.ok(lintVerdict(fixed).argv[0]!.includes('-nic'), fixed);
    }
  });
});
