// The extension's manifest against its code: every command a menu names is contributed, every contributed command
// is registered by the code (and the other way round), and no activation event repeats what VS Code derives.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

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
const code = sources(path.join(root, 'src', 'extension')).map((f) => readFileSync(f, 'utf8')).join('\n');
/** Every 'kvmnet.*' string the extension's code names (command ids, view ids, settings, internal commands). */
const named = new Set([...code.matchAll(/['"`](kvmnet\.[A-Za-z0-9_.]+)['"`]/g)].map((m) => m[1]!));

test('every menu entry names a contributed command', () => {
  for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
    for (const e of entries) if (e.command) assert.ok(contributed.has(e.command), `${menu}: ${e.command} is not in contributes.commands`);
  }
});

test('every contributed command id appears in the extension code (a command nobody registers fails when run)', () => {
  for (const id of contributed) assert.ok(named.has(id), `${id} is contributed but never named in src/extension`);
});

test('no redundant activation events: views and contributed commands activate the extension by themselves', () => {
  const views = new Set(Object.values(pkg.contributes.views).flat().map((v) => v.id));
  for (const e of pkg.activationEvents) {
    assert.ok(!(e.startsWith('onView:') && views.has(e.slice('onView:'.length))), `${e} is implied by contributes.views`);
    assert.ok(!(e.startsWith('onCommand:') && contributed.has(e.slice('onCommand:'.length))), `${e} is implied by contributes.commands`);
  }
});
