import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEditor, waitUntil, type Editor, type ProblemEntry } from './harness';

// Real editor: the diagnostics follow the same .kvmnetrc.json as `kvmnet lint` plus the kvmnet.lint.rules setting,
// link their code to docs/rules/CODE.md, and "Suppress CODE on this line" writes the directive kvmnet lint honours.

const Q = 'qemu-system-x86_64';
const SCRIPT = `#!/bin/sh\n${Q} -m 256 -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:5 \\\n  -net nic,model=virtio -net user\n`;
const files: Record<string, string> = {
  'lab/vm.sh': SCRIPT,
  '.kvmnetrc.json': '{\n  // lab scripts keep -net on purpose\n  "rules": { "qemu-legacy-net": "off" }\n}\n',
};

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'lint-config', workspaceFiles: files, examples: false });
});
after(async () => {
  await ed?.close();
});

const ours = (ps: ProblemEntry[]) => ps.filter((p) => p.file === 'vm.sh');

test('.kvmnetrc.json turns a rule off in the editor; kvmnet.lint.rules overrides it; codes link to their docs page', async () => {
  await ed.openFile('lab/vm.sh');
  const first = ours(await ed.waitForDiagnostic((p) => /qemu-mac-malformed/.test(p.code), 'the malformed MAC'));
  assert.ok(!first.some((p) => /qemu-legacy-net/.test(p.code)), JSON.stringify(first));
  const link = ed.page.locator('.markers-panel a[href$="/docs/rules/qemu-mac-malformed.md"]');
  await link.first().waitFor();
  await ed.updateSettings({ 'kvmnet.lint.rules': { 'qemu-legacy-net': 'error' } });
  const withSetting = ours(await ed.waitForDiagnostic((p) => /qemu-legacy-net/.test(p.code) && p.severity === 'error', 'legacy -net as an error (setting)'));
  assert.ok(withSetting.some((p) => /qemu-mac-malformed/.test(p.code)));
  await ed.updateSettings({ 'kvmnet.lint.rules': {} });
  // Editing the config on disk relints the open document.
  writeFileSync(path.join(ed.workspace, '.kvmnetrc.json'), '{"rules": {"qemu-legacy-net": "hint", "qemu-mac-malformed": "warning"}}\n');
  await ed.waitForDiagnostic((p) => /qemu-mac-malformed/.test(p.code) && p.severity === 'warning', 'the MAC finding as a warning (config changed)');
  await ed.screenshot('lint-config-problems');
});

test('"Suppress CODE on this line" writes a directive above the command; the finding goes', async () => {
  await ed.openFile('lab/vm.sh'); // updateSettings left settings.json in front
  await ed.goToLine(3, 45);
  const offered = await ed.quickFix('Suppress qemu-mac-malformed on this line');
  assert.ok(offered.includes('Suppress qemu-mac-malformed on this line'), JSON.stringify(offered));
  await waitUntil(async () => (await ed.editorText()).startsWith(`#!/bin/sh\n# kvmnet disable=qemu-mac-malformed\n${Q}`), 'the directive above the command');
  await waitUntil(async () => !ours(await ed.findings()).some((p) => /qemu-mac-malformed/.test(p.code)), 'the suppressed finding to go');
  await ed.save();
  assert.match(readFileSync(path.join(ed.workspace, 'lab/vm.sh'), 'utf8'), /^#!\/bin\/sh\n# kvmnet disable=qemu-mac-malformed\n/);
});
