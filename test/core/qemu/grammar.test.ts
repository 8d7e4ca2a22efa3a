// The injection grammar, tokenized by VS Code's own TextMate engine (vscode-textmate + Oniguruma), injected into
// a minimal stand-in for the shell grammar (comments only), as VS Code injects it into source.shell.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.join(import.meta.dirname, '../../..');
const grammarPath = path.join(root, 'syntaxes/qemu-launch.injection.tmLanguage.json');
const shellStandIn = {
  scopeName: 'source.shell',
  patterns: [
    { match: '(^|\\s)(#.*)$', captures: { 2: { name: 'comment.line.number-sign.shell' } } },
    { begin: "'", end: "'", name: 'string.quoted.single.shell' },
  ],
};

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (scope === 'source.shell') return textmate.parseRawGrammar(JSON.stringify(shellStandIn), 'shell.json');
      if (scope === 'kvmnet.qemu.injection') return textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath);
      return null;
    },
    getInjections: (scope) => (scope === 'source.shell' ? ['kvmnet.qemu.injection'] : undefined),
  });
  grammar = (await registry.loadGrammar('source.shell'))!;
});

function scopesOf(line: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of grammar.tokenizeLine(line, textmate.INITIAL).tokens) {
    const text = line.slice(t.startIndex, t.endIndex);
    out.set(text, [...(out.get(text) ?? []), ...t.scopes]);
  }
  return out;
}

const has = (line: string, text: string, scope: string): boolean => (scopesOf(line).get(text) ?? []).some((s) => s.startsWith(scope));

test('options, backends and keys are coloured', () => {
  const line = 'qemu-system-x86_64 -enable-kvm -netdev user,id=n0,hostfwd=tcp::2222-:22 -device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01';
  assert.ok(has(line, '-netdev', 'keyword.other.option.qemu'));
  assert.ok(has(line, 'user', 'entity.name.type.qemu'));
  assert.ok(has(line, 'virtio-net-pci', 'entity.name.type.qemu'));
  assert.ok(has(line, '-enable-kvm', 'keyword.other.option.qemu'));
  for (const key of ['id', 'hostfwd', 'netdev', 'mac']) assert.ok(has(line, key, 'variable.parameter.key.qemu'), key);
});

test('removed forms are marked, inside quotes too', () => {
  assert.ok(has('kvm -redir tcp:5555::22', '-redir', 'invalid.deprecated'));
  assert.ok(has("kvm -device 'pci-assign,host=00:15.0'", 'pci-assign', 'invalid.deprecated'));
});

test('plain shell and comments stay plain', () => {
  assert.ok(!has('ls -la /tmp', '-la', 'keyword.other.option.qemu'));
  assert.ok(!has('# -netdev user,id=x', '-netdev', 'keyword.other.option.qemu'));
});
