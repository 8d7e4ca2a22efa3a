import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { knownLintCodes } from '../../../src/core/rules';
import { ConfigError, parseLintConfig, settingsFor } from '../../../src/core/lintConfig/config';

const known = knownLintCodes();
const parse = (text: string) => parseLintConfig('/p/.kvmnetrc.json', text, known);

function failsAt(text: string, line: number, column: number, problem: RegExp): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => e instanceof ConfigError && e.line === line && e.column === column && problem.test(e.problem) && e.message.startsWith(`/p/.kvmnetrc.json:${line}:${column}: `),
  );
}

test('rules and overrides with comments and trailing commas', () => {
  const c = parse('{\n  // lab scripts use -net on purpose\n  "rules": {"qemu-legacy-net": "off", "mac-qemu-default": "error",},\n  "overrides": [{"files": "lab/**", "rules": {"qemu-legacy-net": "hint"}}],\n}\n');
  assert.deepEqual(c.rules, { 'qemu-legacy-net': 'off', 'mac-qemu-default': 'error' });
  assert.deepEqual(settingsFor(c, 'vm.sh'), { 'qemu-legacy-net': 'off', 'mac-qemu-default': 'error' });
  assert.deepEqual(settingsFor(c, 'lab/a/vm.sh'), { 'qemu-legacy-net': 'hint', 'mac-qemu-default': 'error' });
  // The editor's setting comes last and wins.
  assert.deepEqual(settingsFor(c, 'lab/vm.sh', { 'qemu-legacy-net': 'warning' })['qemu-legacy-net'], 'warning');
});

test('a pattern without a slash matches the base name anywhere (like .gitignore); with one, the relative path', () => {
  const c = parse('{"overrides": [{"files": ["*.sh"], "rules": {"qemu-legacy-net": "off"}}, {"files": "vms/*.xml", "rules": {"mac-qemu-default": "off"}}]}');
  assert.equal(settingsFor(c, 'deep/dir/run.sh')['qemu-legacy-net'], 'off');
  assert.equal(settingsFor(c, 'vms/a.xml')['mac-qemu-default'], 'off');
  assert.equal(settingsFor(c, 'other/vms/a.xml')['mac-qemu-default'], undefined);
});

test('an unknown rule code is an error naming the file, line and column of the code', () => {
  failsAt('{\n  "rules": {\n    "qemu-legacy-nett": "off"\n  }\n}\n', 3, 5, /unknown rule code 'qemu-legacy-nett'/);
  failsAt('{"overrides": [\n {"files": "*", "rules": {"nope": "off"}}]}', 2, 27, /unknown rule code 'nope'/);
});

test('bad severities, keys, shapes and syntax are located errors', () => {
  failsAt('{"rules": {"qemu-legacy-net": "fatal"}}', 1, 31, /must be one of error, warning, info, hint, off/);
  failsAt('{"rules": {"qemu-legacy-net": 2}}', 1, 31, /must be a string/);
  failsAt('{\n"extends": "x"}', 2, 1, /unknown key 'extends'/);
  failsAt('{"overrides": [{"rules": {}}]}', 1, 16, /needs "files"/);
  failsAt('{"overrides": [{"files": []}]}', 1, 26, /lists no pattern/);
  failsAt('{"rules": {"qemu-legacy-net": "off"', 1, 36, /not valid JSON/);
  failsAt('[]', 1, 1, /must be an object/);
  failsAt('', 1, 1, /not valid JSON/);
});

test('any text either parses or is a ConfigError (no other exception, nothing evaluated)', () => {
  const piece = fc.constantFrom('{', '}', '[', ']', '"rules"', '"overrides"', '"files"', ':', ',', '"off"', '"qemu-legacy-net"', '"**"', '//x\n', '/*', '1', 'null', ' ', '\n');
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.array(piece, { maxLength: 30 }).map((a) => a.join(''))), (text) => {
      try {
        parse(text);
      } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
