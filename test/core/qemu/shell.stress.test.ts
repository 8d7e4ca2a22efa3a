// Differential test: parseShell (the fast walk that reads whole simple commands at once) gives exactly the
// ShellScript of the straightforward full walk (shellReference.ts) on real command lines and fuzzed scripts.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parseShell, type ShellScript, type Span } from '../../../src/core/qemu/shell';
import { parseShellReference } from './shellReference';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const corpus = path.resolve(repo, '../shared/corpus');

const bySource = <T extends Span>(xs: readonly T[]): T[] => [...xs].sort((a, b) => a.start - b.start);
const normal = (s: ShellScript): ShellScript => ({ ...s, arrays: bySource(s.arrays), vars: bySource(s.vars), comments: bySource(s.comments) });

function same(text: string): void {
  const ref = parseShellReference(text);
  assert.deepEqual(normal(parseShell(text)), normal(ref), text);
  // The reference walk meets comments in source order, so keeping them sorted keeps the lint's finding order.
  assert.deepEqual(ref.comments, bySource(ref.comments), `reference comments out of order:\n${text}`);
}

test('same ShellScript on the example script and the bench script', async () => {
  same(readFileSync(path.join(repo, 'examples/launch-vm.sh'), 'utf8'));
  const bench = (await import(pathToFileURL(path.join(repo, 'scripts/bench/qemu-lint.mjs')).href)) as { syntheticScript(lines: number): string };
  same(bench.syntheticScript(300));
});

test('same ShellScript on the libvirt corpus QEMU command lines', (t) => {
  if (!existsSync(corpus)) return t.skip(`corpus not found at ${corpus}`);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.args')) files.push(path.join(dir, e.name));
    }
  };
  walk(corpus);
  assert.ok(files.length > 50, `expected the corpus .args files, found ${files.length}`);
  for (const f of files) same(readFileSync(f, 'utf8'));
});

const fragment = fc.constantFrom(
  'qemu-system-x86_64 -m 256 \\\n  -netdev user,id=n0 -device "e1000,netdev=n0,mac=$MAC"',
  "exec kvm -nic 'user,hostfwd=tcp::2222-:22' $'a\\tb' $\"x\" \"${args[@]}\" ${QEMU:-qemu-kvm} 3<>/dev/tap$(cat /sys/class/net/m/ifindex)",
  'args=(-m 1 # the memory\n  -smp 2 "$(kvm -version)")',
  'args+=(-nic user)',
  'opts=(-m 1 # the memory\n  -smp 2 # cpus\n)',
  'declare -a extra=(-display none)',
  'local QEMU=qemu-system-x86_64',
  'export K=`kvm -help` Q=$(qemu-kvm -m 1)',
  'X=$(qemu-system-x86_64 -m 1; # in a substitution\n) qemu-kvm -m 2',
  'cat <<EOF\nqemu-kvm -net nic $(kvm -net user)\nEOF',
  'cat <<\'EOF\'\n$(not run)\nEOF',
  'diff <(qemu-kvm -m 1) >(kvm -m 2) 2>&1',
  'ls @(a|b) !(c) *.img ?x +(y)',
  'f() { sudo -u vm $QEMU "$@" -net nic,macaddr=52:54:00:12:34:56 & }',
  'if [ -x "$Q" ]; then $Q -m 1; elif true; then :; else echo "é ünï"; fi',
  'case $1 in a) qemu-kvm -m 1 ;; *) kvm ;; esac',
  'for i in 1 $(seq 2); do echo "$i" # loop\ndone',
  'while read -r l; do kvm -m "$l"; done < <(echo 1)',
  '# a comment',
  "echo 'it''s' \"a\\\"b\" \\$x a\\ b ~/x",
  'qemu-kvm -m 1 \\\n  # comment ends it\n  -nic user',
  '(( x = 1 + 2 )); [[ -n $x ]] && env A=1 kvm -m $((x*2)) ${#x} ${x/a/b} ${!y} ${z[1]}',
  'exec 3<>/dev/net/tun',
  'if then ((( "',
);
const scriptArb = fc.array(fragment, { maxLength: 8 }).map((xs) => `${xs.join('\n')}\n`);

test('property: same ShellScript on random scripts (quotes, expansions, substitutions, here-documents, syntax errors)', () => {
  fc.assert(fc.property(scriptArb, (text) => same(text)), { numRuns: 150 });
});

// Random simple commands word by word: what the fast path reads itself, and the edges where it hands over.
const token = fc.constantFrom(
  'qemu-system-x86_64', 'kvm', '$QEMU', '"${QEMU}"', '${QEMU:-qemu-kvm}', '"${args[@]}"', '${a[*]}', '"$@"', '$1', '$#', '${#x}', '${x[1]}', '${x/a/b}',
  '-netdev', 'user,id=n0,hostfwd=tcp::2222-:22', `"a'b$X"`, `"$'x"`, `"$"`, `"a$ b"`, `"\\$'y'"`, '"a"\\\n"b"', '"p\\\nq"', "'x'\\\n$Y", "'e1000,netdev=n0'", '"virtio-net-pci,netdev=n0,mac=$MAC"', '"a$X"b', "$'a\\tb'", '$"t"',
  'a\\ b', '\\"x', '"a\\"b\\$c\\\\d\\x"', '""', "''", 'é-ü', '~/vm.img', 'a=b', 'A=1', 'B+=2', 'C=', 'arr=(a "b c" $d)', 'arr+=(x)', 'arr=([0]=a)',
  '>/dev/null', '2>&1', '&>log', '>>x', '<in', '3<>/dev/tap5', '>&-', '>|f', '2> err', '<<<here', '{fd}>x', '$', 'x$', "'x'#y", 'a#b', '#c',
  '@(a|b)', '*.img', '[ab]', '{a,b}', 'x\\\n  y', '$(kvm)', '`kvm`', '<(kvm)', '!',
);
const command = fc.tuple(fc.array(token, { minLength: 1, maxLength: 7 }), fc.constantFrom(' ', ' \\\n  ', '\t', '\\\n ', '\\\n')).map(([ts, sep]) => ts.join(sep));
const joiner = fc.constantFrom('\n', '; ', ' & ', ' | ', ' && ', ' || ', '\r\n', ';\n');
const simpleScript = fc.tuple(fc.array(fc.tuple(command, joiner), { minLength: 1, maxLength: 5 })).map(([xs]) => xs.map(([c, j]) => c + j).join(''));

test('property: same ShellScript on random simple commands (words, parameters, redirections, assignments)', () => {
  fc.assert(fc.property(simpleScript, (text) => same(text)), { numRuns: 400 });
});

test('property: same ShellScript on randomly mutated copies of the example launch script (syntax errors included)', () => {
  const base = readFileSync(path.join(repo, 'examples/launch-vm.sh'), 'utf8');
  const chars = fc.constantFrom('"', "'", '\\', '$', '(', ')', '#', ';', '&', '|', '<', '>', '\n', ' ', '{', '}', '`', '=', 'é');
  fc.assert(
    fc.property(fc.nat(base.length), fc.nat(8), fc.array(chars, { maxLength: 4 }), (at, cut, ins) => same(base.slice(0, at) + ins.join('') + base.slice(Math.min(base.length, at + cut)))),
    { numRuns: 150 },
  );
});
