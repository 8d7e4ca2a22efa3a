// The extension's manifest against its code: every command a menu names is contributed, every contributed command
// is registered by the code (and the other way round), and no activation event repeats what VS Code derives.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { allCommandIds } from '../../src/extension/commands';

const root = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string }[]; menus: Record<string, { command?: string }[]>; views: Record<string, { id: string }[]> };
};
const contributed = new Set(pkg.contributes.commands.map((c) => c.command));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const table = allCommandIds();

test('every menu entry names a contributed command', () => {
  for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
    for (const e of entries) if (e.command) assert.ok(contributed.has(e.command), `${menu}: ${e.command} is not in contributes.commands`);
  }
});

test('the command table (src/extension/commands.ts) is exactly the contributed commands plus the internal ones', () => {
  assert.deepEqual([...table].filter((id) => !id.startsWith('kvmnet.internal.')).sort(), [...contributed].sort());
  assert.equal(new Set(table).size, table.length, 'no id twice');
});

test('no command id is spelled out in the extension code: features use the table', () => {
  const ids = new Set(table);
  for (const file of sources(path.join(root, 'src', 'extension'))) {
    if (file.endsWith(`${path.sep}commands.ts`)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](kvmnet\.[A-Za-z0-9_.]+)['"`]/g)) {
      assert.ok(!ids.has(m[1]!), `${path.relative(root, file)} spells out ${m[1]}: use Commands`);
    }
  }
});

test('no redundant activation events: views and contributed commands activate the extension by themselves', () => {
  const views = new Set(Object.values(pkg.contributes.views).flat().map((v) => v.id));
  for (const e of pkg.activationEvents) {
    assert.ok(!(e.startsWith('onView:') && views.has(e.slice('onView:'.length))), `${e} is implied by contributes.views`);
    assert.ok(!(e.startsWith('onCommand:') && contributed.has(e.slice('onCommand:'.length))), `${e} is implied by contributes.commands`);
  }
});

test('every command is registered through registerGuarded (trust, user errors, logged bugs in one place)', () => {
  for (const file of sources(path.join(root, 'src', 'extension'))) {
    if (path.basename(file) === 'guardedCommand.ts') continue;
    assert.doesNotMatch(readFileSync(file, 'utf8'), /commands\.registerCommand\(/, `${path.relative(root, file)}: use registerGuarded`);
  }
});
