/**
 * Real editor, foundation: the extension activates in VS Code 1.100 (code-server), its activity-bar
 * container shows both views, a palette command runs. The screenshot is the README's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, startEditor, type Editor } from './harness';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'foundation' });
});
after(() => ed?.close());

test('the KVM Networking container opens with the Devices and Host readiness views', async () => {
  await ed.openViewContainer('KVM Networking');
  const devices = await ed.treeItems('Devices');
  const readiness = await ed.treeItems('Host readiness');
  // The embedded demo host is on by default: both views show it with zero configuration.
  assert.ok(devices.some((i) => i.label === 'Demo host (embedded)'), JSON.stringify(devices));
  assert.ok(readiness.some((i) => i.label === 'Demo host (embedded)'), JSON.stringify(readiness));
  const log = await ed.waitForExtensionLog(/activated/);
  assert.match(log, new RegExp(`KVM Networking ${pkg.version.replaceAll('.', '\\.')} activated`));

  await ed.openFile('domain.xml');
  await ed.screenshot('foundation-views');
});

test('every palette command of the extension is in the "KVM Networking" category', async () => {
  const titles = await ed.paletteCommands('KVM Networking: Show Log');
  assert.ok(titles.includes('KVM Networking: Show Log'), JSON.stringify(titles));
});

test('"KVM Networking: Show Log" shows the extension\'s output channel', async () => {
  await ed.runCommand('KVM Networking: Show Log');
  // The Output panel opens on the "KVM Networking" channel, whose first line is the activation
  // (Monaco renders spaces as no-break spaces, hence \s).
  await ed.page.locator('.part.panel .monaco-editor .view-lines', { hasText: /KVM\sNetworking\s\S+\sactivated/ }).first().waitFor();
  await ed.screenshot('foundation-show-log');
});
