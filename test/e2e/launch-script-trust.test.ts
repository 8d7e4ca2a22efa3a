import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ifupScript } from '../../src/core/qemu/generate';
import { startEditor, waitUntil, type Editor } from './harness';
import { startUntrustedEditor } from './harness-trust';

// Real editor: the files the launch-script commands write. A tap with generated qemu-ifup/-ifdown creates them
// executable beside the script; where qemu-ifup-br0 is a symlink (here to a file outside the workspace holding the
// very script we would write) or a file with other content, nothing is changed and the user is told why. In an
// untrusted workspace every launch-script command refuses and points to workspace trust, while lint still works.
// Screenshots in test-results/launch-script-trust-*.png.

const NAT = `#!/bin/sh
exec qemu-system-x86_64 -m 512 \\
  -netdev user,id=net0 \\
  -device virtio-net-pci,netdev=net0,mac=52:54:00:50:00:01
`;
const MY_IFUP = '#!/bin/sh\n# my own ifup: a different bridge\nip link set dev "$1" master br9 up\n';
const modeOf = (p: string): number => statSync(p).mode & 0o7777;

/**
 * Waits until the toast with this message has slid in and shows its whole text (a long message without buttons is
 * collapsed to one line until expanded), so a screenshot shows it; leaves the mouse off the tabs.
 */
async function settledToast(ed: Editor, match: RegExp): Promise<void> {
  const toast = ed.page.locator('.notification-toast.notification-fade-in-done', { has: ed.page.locator('.notification-list-item-message', { hasText: match }) });
  await toast.waitFor();
  const expand = toast.locator('.codicon-notifications-expand');
  if ((await expand.count()) > 0) {
    await toast.hover();
    await expand.click();
    await toast.locator('.codicon-notifications-collapse').waitFor();
  }
  await ed.page.mouse.move(700, 400);
}

describe('helper scripts of "Add Network Device…" (tap, generated qemu-ifup)', () => {
  let ed: Editor;
  let target: string;

  before(async () => {
    ed = await startEditor({
      name: 'launch-script-trust',
      examples: false,
      // Distinct base names: Quick Open lists recently opened files first, by base name.
      workspaceFiles: { 'fresh/fresh-vm.sh': NAT, 'linked/linked-vm.sh': NAT, 'mine/mine-vm.sh': NAT, 'mine/qemu-ifup-br0': MY_IFUP },
    });
    // A link planted in the workspace to a file outside it (think ~/.bashrc), holding exactly our ifup script.
    const home = path.join(ed.tempDir, 'home');
    mkdirSync(home);
    target = path.join(home, 'ifup-elsewhere');
    writeFileSync(target, ifupScript('br0'));
    chmodSync(target, 0o644);
    symlinkSync(target, path.join(ed.workspace, 'linked', 'qemu-ifup-br0'));
    chmodSync(path.join(ed.workspace, 'mine', 'qemu-ifup-br0'), 0o644);
  });
  after(() => ed?.close());

  async function addTapWithGeneratedScripts(file: string): Promise<void> {
    await ed.openFile(file);
    await ed.startCommand('KVM Networking: Add Network Device…');
    await ed.answerQuickInput(/mode$/, 'Tap on a bridge');
    await ed.answerQuickInput(/^Host bridge$/);
    await ed.answerQuickInput(/^How is the tap put on the bridge\?$/, 'Generate');
    await ed.answerQuickInput(/^vhost-net acceleration$/, 'off');
    await ed.answerQuickInput(/^Guest NIC model$/);
  }

  test('no helper there yet: qemu-ifup-br0 and qemu-ifdown-br0 are created with mode 0755 and the tap uses them', async () => {
    await addTapWithGeneratedScripts('fresh/fresh-vm.sh');
    const dir = path.join(ed.workspace, 'fresh');
    await waitUntil(async () => (await ed.editorText()).includes('qemu-ifup-br0'), 'the tap device in the script');
    assert.match(await ed.editorText(), new RegExp(`-netdev tap,id=net1,ifname=tap-net1,script=${dir}/qemu-ifup-br0,downscript=${dir}/qemu-ifdown-br0`));
    assert.equal(readFileSync(path.join(dir, 'qemu-ifup-br0'), 'utf8'), ifupScript('br0'));
    assert.equal(modeOf(path.join(dir, 'qemu-ifup-br0')), 0o755);
    assert.equal(modeOf(path.join(dir, 'qemu-ifdown-br0')), 0o755);
  });

  test('qemu-ifup-br0 is a symlink out of the workspace: refused, the script and the link\'s target stay as they were', async () => {
    await addTapWithGeneratedScripts('linked/linked-vm.sh');
    const message = await ed.waitForNotification(/qemu-ifup-br0 is a symbolic link/);
    assert.match(message, /nothing was changed: linked\/qemu-ifup-br0 is a symbolic link; helper scripts are only created as new files, never written through a link/);
    await settledToast(ed, /is a symbolic link/);
    await ed.screenshot('launch-script-trust-symlink');
    assert.equal(await ed.editorText(), NAT);
    assert.equal(modeOf(target), 0o644);
    assert.equal(readFileSync(target, 'utf8'), ifupScript('br0'));
    assert.equal(existsSync(path.join(ed.workspace, 'linked', 'qemu-ifdown-br0')), false, 'all or nothing: no qemu-ifdown-br0 either');
  });

  test('qemu-ifup-br0 exists with other content: refused, "Show Differences" shows it beside the generated script', async () => {
    await addTapWithGeneratedScripts('mine/mine-vm.sh');
    await ed.waitForNotification(/mine\/qemu-ifup-br0 already exists with other content/);
    await ed.notificationAction(/already exists with other content/, 'Show Differences');
    const diff = ed.page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.waitFor();
    await ed.page.locator('.tabs-container .tab.active', { hasText: /qemu-ifup-br0: existing ↔ KVM Networking's/ }).waitFor();
    await diff.locator('.modified .view-line', { hasText: /master\sbr0/ }).first().waitFor();
    await diff.locator('.original .view-line', { hasText: /master\sbr9/ }).first().waitFor();
    await ed.screenshot('launch-script-trust-diff');
    const mine = path.join(ed.workspace, 'mine', 'qemu-ifup-br0');
    assert.equal(readFileSync(mine, 'utf8'), MY_IFUP);
    assert.equal(modeOf(mine), 0o644);
    assert.equal(existsSync(path.join(ed.workspace, 'mine', 'qemu-ifdown-br0')), false);
    assert.equal(readFileSync(path.join(ed.workspace, 'mine', 'mine-vm.sh'), 'utf8'), NAT);
  });
});

describe('an untrusted workspace (Restricted Mode)', () => {
  let ed: Editor;
  const LEGACY = '#!/bin/sh\nqemu-system-x86_64 -m 512 -net nic,model=virtio -net user\n';

  before(async () => {
    ed = await startUntrustedEditor({ name: 'launch-script-trust-untrusted', examples: false, workspaceFiles: { 'vm.sh': LEGACY } });
  });
  after(() => ed?.close());

  const REFUSAL = /trust the workspace to edit launch scripts \(in Restricted Mode KVM Networking only lints\)/;

  async function clearNotifications(): Promise<void> {
    await ed.runCommand('Notifications: Clear All Notifications');
    await waitUntil(async () => (await ed.notifications()).length === 0, 'the notifications to clear');
  }

  test('lint still works; every launch-script command refuses and changes nothing', async () => {
    await ed.openFile('vm.sh');
    await ed.waitForSquiggle('info'); // legacy -net with a user-mode backend (an info finding)
    const commands = [
      'Add Network Device…',
      'Edit Network Device…',
      'Remove Network Device…',
      'Convert Legacy -net Options to -netdev/-device',
      'Add Port Forward…',
      'Add PCI Passthrough…',
    ];
    for (const title of commands) {
      await clearNotifications();
      await ed.runCommand(`KVM Networking: ${title}`);
      await ed.waitForNotification(REFUSAL);
      assert.equal(await ed.editorText(), LEGACY, title);
    }
    // The code lenses lead to the same refusal.
    await clearNotifications();
    await ed.goToLine(1); // no selection left over from reading the text
    await ed.clickCodeLens('Convert legacy -net options');
    await settledToast(ed, REFUSAL);
    await ed.screenshot('launch-script-trust-untrusted');
    assert.equal(await ed.editorText(), LEGACY);
    assert.equal(readFileSync(path.join(ed.workspace, 'vm.sh'), 'utf8'), LEGACY);
  });

  test('"Manage Workspace Trust" on the refusal opens the workspace trust editor', async () => {
    await clearNotifications();
    await ed.runCommand('KVM Networking: Add Port Forward…');
    await ed.notificationAction(REFUSAL, 'Manage Workspace Trust');
    await ed.page.locator('.tabs-container .tab.active', { hasText: /Workspace Trust/ }).waitFor();
  });
});
