import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEditor, waitUntil, type Editor, type ProblemEntry } from './harness';

// Real editor on examples/launch-vm.sh (legacy -net, pci-assign): "Add Network Device…" through the palette,
// lint squiggles on the legacy options, and their quick fix; screenshots in test-results/.

let ed: Editor;

const DEFAULT_MAC = '52:54:00:12:34:56';
/** A guest's launch script on a bridge with QEMU's default MAC (the db one is a script by its shebang only). */
function guest(name: string, mac = DEFAULT_MAC): string {
  return `#!/bin/bash\nexec qemu-system-x86_64 -enable-kvm -m 512 -drive file=${name}.qcow2,if=virtio \\\n  -netdev tap,id=net0,ifname=tap-${name},script=no,downscript=no \\\n  -device virtio-net-pci,netdev=net0,mac=${mac}\n`;
}
const APP = `#!/bin/sh
exec qemu-system-x86_64 -m 512 \\
  -netdev user,id=net0,hostfwd=tcp::8080-:80,hostfwd=tcp::2222-:22 \\
  -device e1000,netdev=net0,mac=52:54:00:aa:bb:cc
`;

before(async () => {
  ed = await startEditor({ name: 'launch-script', workspaceFiles: { 'guests/web.sh': guest('web'), 'guests/db': guest('db'), 'guests/app.sh': APP } });
});
after(() => ed?.close());

/** Runs a palette command whose quick picks follow at once (the harness's runCommand waits for the palette to close). */
async function palette(title: string): Promise<void> {
  await ed.page.keyboard.press('F1');
  const input = ed.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = ed.page.locator('.quick-input-list .monaco-list-row').filter({ has: ed.page.locator('.label-name', { hasText: title }) });
  await row.first().waitFor();
  await ed.page.keyboard.press('Enter');
}

/** Waits for the quick input with this title, optionally types into it, and accepts. */
async function answer(title: RegExp, text?: string): Promise<void> {
  await ed.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const input = ed.page.locator('.quick-input-widget .quick-input-box input');
  if (text !== undefined) await input.fill(text);
  await ed.page.keyboard.press('Enter');
}

test('legacy options get squiggles; "Add Network Device…" adds a user-mode NIC with a port forward', async () => {
  await ed.openFile('launch-vm.sh');
  await ed.waitForSquiggle('error'); // pci-assign
  await ed.waitForSquiggle('warning'); // -net
  const problems = await ed.waitForDiagnostic((p) => p.file === 'launch-vm.sh' && p.code.includes('qemu-legacy-net'), 'a legacy -net warning');
  assert.ok(problems.some((p) => p.code.includes('qemu-pci-assign') && p.severity === 'error'), JSON.stringify(problems));
  await ed.screenshot('launch-script-lint');

  await palette('KVM Networking: Add Network Device…');
  await answer(/mode/, 'User-mode');
  await answer(/Port forwards/, 'tcp:127.0.0.1:8022-:22');
  await answer(/NIC model/);
  await waitUntil(async () => (await ed.editorText()).includes('hostfwd=tcp:127.0.0.1:8022-:22'), 'the device to be added');
  const text = await ed.editorText();
  assert.match(text, /-serial mon:stdio \\\n {2}-netdev user,id=net0,hostfwd=tcp:127\.0\.0\.1:8022-:22 \\\n {2}-device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  await ed.screenshot('launch-script-added');

  // The same again changes nothing.
  await palette('KVM Networking: Add Network Device…');
  await answer(/mode/, 'User-mode');
  await answer(/Port forwards/, 'tcp:127.0.0.1:8022-:22');
  await answer(/NIC model/);
  await ed.waitForNotification(/already has this network device/);
  assert.equal(await ed.editorText(), text);
});

test('the legacy -net quick fix converts to -netdev/-device', async () => {
  await ed.openFile('launch-vm.sh');
  const line = (await ed.editorText()).split('\n').findIndex((l) => l.includes('-net nic,model=e1000')) + 1;
  await ed.goToLine(line, 4);
  await ed.page.keyboard.press('Control+.');
  const first = ed.page.locator('.action-widget .monaco-list-row.action').first();
  await first.waitFor();
  assert.match(await first.innerText(), /Convert -net options to -netdev\/-device/);
  await ed.screenshot('launch-script-quickfix');
  await ed.page.keyboard.press('Enter');
  await waitUntil(async () => !(await ed.editorText()).includes('-net nic,model=e1000'), 'the conversion');
  const text = await ed.editorText();
  assert.match(text, /-netdev user,id=net1,hostfwd=tcp::2222-:22 -device e1000,netdev=net1/);
  assert.match(text, /-netdev tap,id=net2,script=\/etc\/qemu-ifup -device "virtio-net-pci,netdev=net2,mac=\$MACADDR"/);
  await ed.save();
  assert.equal(readFileSync(path.join(ed.workspace, 'launch-vm.sh'), 'utf8'), text);
  await ed.screenshot('launch-script-converted');
});

test('QEMU\'s default MAC in two scripts of the workspace warns in both; giving one its own MAC clears both', async () => {
  const isDefaultMacWarning = (p: ProblemEntry): boolean => p.code.includes('qemu-mac-default') && p.severity === 'warning';
  const problems = await ed.waitForDiagnostic((p) => p.file === 'web.sh' && isDefaultMacWarning(p), 'the default-MAC warning on web.sh');
  assert.ok(problems.some((p) => p.file === 'db' && isDefaultMacWarning(p)), JSON.stringify(problems));
  const onWeb = problems.find((p) => p.file === 'web.sh' && isDefaultMacWarning(p))!;
  assert.match(onWeb.message, /guests\/db/);
  assert.deepEqual([onWeb.line, onWeb.column], [4, guest('web').split('\n')[3]!.indexOf(DEFAULT_MAC) + 1]);

  await ed.openFile('guests/web.sh');
  await ed.page.keyboard.press('Control+A');
  await ed.insertText(guest('web', '52:54:00:0a:0b:0c'));
  await waitUntil(async () => !(await ed.readDiagnostics()).some(isDefaultMacWarning), 'the default-MAC warnings to clear in both files');
  await ed.save();
  assert.equal(readFileSync(path.join(ed.workspace, 'guests/web.sh'), 'utf8'), guest('web', '52:54:00:0a:0b:0c'));
  await ed.screenshot('launch-script-workspace-macs');
});

/** Waits for the quick input with this title and returns its input's value. */
async function inputValue(title: RegExp): Promise<string> {
  await ed.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  return ed.page.locator('.quick-input-widget .quick-input-box input').inputValue();
}

/** Waits for the quick pick with this title and returns its first row's text. */
async function firstRow(title: RegExp): Promise<string> {
  await ed.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const row = ed.page.locator('.quick-input-list .monaco-list-row').first();
  await row.waitFor();
  return (await row.innerText()).replace(/\s+/g, ' ');
}

test('"Edit Network Device…" starts from the device\'s current settings; unchanged answers change nothing, a new model keeps the rest', async () => {
  await ed.openFile('guests/app.sh');
  const walk = async (model?: string): Promise<void> => {
    await palette('KVM Networking: Edit Network Device…');
    await answer(/keeps its id and MAC/);
    assert.match(await firstRow(/mode/), /User-mode.*current/);
    await answer(/mode/);
    assert.equal(await inputValue(/Port forwards/), 'tcp::8080-:80 tcp::2222-:22');
    await answer(/Port forwards/);
    assert.match(await firstRow(/NIC model/), /^e1000\s*current/);
    await answer(/NIC model/, model);
    assert.equal(await inputValue(/MAC address/), '52:54:00:aa:bb:cc');
    await answer(/MAC address/);
  };
  await walk();
  await ed.waitForNotification(/already has these settings/);
  assert.equal(await ed.editorText(), APP);

  await walk('virtio-net-pci');
  await waitUntil(async () => (await ed.editorText()).includes('-device virtio-net-pci'), 'the edited device');
  assert.equal(await ed.editorText(), APP.replace('-device e1000,', '-device virtio-net-pci,'));
});
