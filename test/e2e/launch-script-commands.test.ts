import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { resultsDir, startEditor, waitUntil, type Editor } from './harness';

// Real editor: the code lenses over each QEMU invocation, "Remove Network Device…" (and its undo), "Add Port
// Forward…" (idempotent) and the launch-script template offered for shell files without a QEMU command.
// Screenshots in test-results/launch-script-commands-*.png.

let ed: Editor;

/** Two guests started from one script: a lens group over each qemu line. */
const TWO_GUESTS = `#!/bin/sh
# Two guests from one script.
set -eu
qemu-system-x86_64 -enable-kvm -m 512 -daemonize \\
  -netdev user,id=web0 \\
  -device virtio-net-pci,netdev=web0,mac=52:54:00:30:00:01
qemu-system-x86_64 -enable-kvm -m 512 -daemonize \\
  -netdev user,id=db0 \\
  -device virtio-net-pci,netdev=db0,mac=52:54:00:30:00:02
`;

/** NAT for ssh plus a tap on the bridge; the tap pair is what gets removed. */
const TWO_NICS = `#!/bin/bash
# NAT for ssh, a tap on br0 for the LAN.
set -eu
exec qemu-system-x86_64 -enable-kvm -m 1024 \\
  -drive file=vm.qcow2,if=virtio \\
  -netdev user,id=nat0,hostfwd=tcp::2222-:22 \\
  -device virtio-net-pci,netdev=nat0,mac=52:54:00:10:00:01 \\
  -netdev tap,id=lan0,ifname=tap-vm,script=no,downscript=no \\
  -device e1000,netdev=lan0,mac=52:54:00:10:00:02 \\
  -display none
`;

const NAT = `#!/bin/sh
exec qemu-system-x86_64 -m 512 \\
  -netdev user,id=net0 \\
  -device virtio-net-pci,netdev=net0,mac=52:54:00:20:00:01
`;

/** Two user-mode networks, one a -nic: "Add Port Forward…" asks which. */
const TWO_NATS = `#!/bin/sh
qemu-system-x86_64 -m 512 \\
  -netdev user,id=a \\
  -device virtio-net-pci,netdev=a,mac=52:54:00:40:00:01 \\
  -nic user,id=b,model=e1000,mac=52:54:00:40:00:02
`;

/** Two user-mode networks, the -nic without an id: told apart by its line. */
const NAT_NO_ID = TWO_NATS.replace('-nic user,id=b,', '-nic user,');

/** A shell script that is not a launch script. */
const BACKUP = `#!/bin/sh
# Nightly copy of the VM images.
set -eu
rsync -a /var/lib/libvirt/images/ /backup/images/
`;

/** Old-guide -net options: the lens group gets "Convert legacy -net options". */
const LEGACY = `#!/bin/sh
# Old guide style.
qemu-system-x86_64 -m 512 -net nic,model=virtio -net user,hostfwd=tcp::2222-:22
`;

const MAC = '52:54:00(?::[0-9a-f]{2}){3}';

before(async () => {
  rmSync(path.join(resultsDir, 'launch-script-commands-wait-failed.png'), { force: true });
  ed = await startEditor({
    name: 'launch-script-commands',
    examples: false,
    workspaceFiles: { 'two-guests.sh': TWO_GUESTS, 'two-nics.sh': TWO_NICS, 'nat.sh': NAT, 'pci.sh': NAT.replace('52:54:00:20:00:01', '52:54:00:20:00:02'), 'backup.sh': BACKUP, 'legacy.sh': LEGACY, 'two-nats.sh': TWO_NATS, 'nat-no-id.sh': NAT_NO_ID, 'new-vm.sh': '#!/bin/sh\n' },
  });
});
after(() => ed?.close());

async function waitForText(pred: (text: string) => boolean, what: string): Promise<string> {
  let text = '';
  try {
    await waitUntil(async () => pred((text = await ed.editorText())), `${what} (editor had ${JSON.stringify(text)})`);
  } catch (e) {
    await ed.screenshot('launch-script-commands-wait-failed'); // the logs dir is rewritten on close
    throw e;
  }
  return text;
}

test('code lenses above each qemu line; "Add port forward…" of the second one edits the second guest', async () => {
  await ed.openFile('two-guests.sh');
  const lens = ed.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration');
  await waitUntil(async () => (await lens.count()) === 2, 'a code lens group over each of the two qemu lines');
  const titles = await ed.codeLensTitles();
  // The first lens comes from the convert feature's own provider (src/extension/convert).
  const group = ['Convert to libvirt Domain XML', 'Add network device…', 'Edit network device…', 'Remove network device…', 'Add port forward…', 'Add PCI passthrough…'];
  assert.deepEqual(titles, [...group, ...group]);

  // Each group sits right above its qemu line (a view zone one line high between it and the line before).
  const qemuLines = ed.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /^qemu-system-x86_64/ });
  await waitUntil(async () => (await qemuLines.count()) === 2, 'both qemu lines to render');
  for (let i = 0; i < 2; i++) {
    const lensBox = (await lens.nth(i).boundingBox())!;
    const lineBox = (await qemuLines.nth(i).boundingBox())!;
    assert.ok(lensBox.y < lineBox.y && lineBox.y - lensBox.y <= 2 * lineBox.height, `lens ${i} at y=${lensBox.y}, its qemu line at y=${lineBox.y}`);
  }
  await ed.screenshot('launch-script-commands-lenses');

  await ed.clickCodeLens('Add port forward…', 1);
  await ed.answerQuickInput(/^Add port forward$/, '8443:443');
  const text = await waitForText((t) => t.includes('hostfwd'), 'the port forward');
  assert.equal(text, TWO_GUESTS.replace('-netdev user,id=db0', '-netdev user,id=db0,hostfwd=tcp::8443-:443'));
});

test('"Remove Network Device…" removes the -netdev/-device pair and nothing else; Ctrl+Z restores it', async () => {
  await ed.openFile('two-nics.sh');
  await ed.startCommand('KVM Networking: Remove Network Device…');
  const rows = await ed.quickPickRows(/^Remove network device$/);
  assert.deepEqual(rows, ['user nat0 → virtio-net-pci', 'tap lan0 → e1000']);
  await ed.answerQuickInput(/^Remove network device$/, 'tap lan0');
  const removed = await waitForText((t) => !t.includes('lan0'), 'the tap device to go');
  assert.equal(removed, TWO_NICS.replace('  -netdev tap,id=lan0,ifname=tap-vm,script=no,downscript=no \\\n  -device e1000,netdev=lan0,mac=52:54:00:10:00:02 \\\n', ''));
  await ed.codeLensTitles(); // the lenses are back after the edit
  await ed.screenshot('launch-script-commands-removed');

  await ed.page.keyboard.press('Control+Z');
  await waitForText((t) => t === TWO_NICS, 'undo to restore the device');
});

test('"Add Port Forward…" adds hostfwd to the user-mode netdev; the same forward again adds nothing', async () => {
  await ed.openFile('nat.sh');
  const run = async (): Promise<void> => {
    await ed.startCommand('KVM Networking: Add Port Forward…');
    await ed.answerQuickInput(/^Add port forward$/, '5555:22');
  };
  await run();
  const once = await waitForText((t) => t.includes('hostfwd'), 'the port forward');
  assert.equal(once, NAT.replace('-netdev user,id=net0', '-netdev user,id=net0,hostfwd=tcp::5555-:22'));
  await ed.codeLensTitles(); // the lenses are back after the edit
  await ed.screenshot('launch-script-commands-port-forward');

  await run();
  await ed.waitForNotification(/this port forward is already there/);
  assert.equal(await ed.editorText(), once);
});

/** Answers the user-mode questions of "Add network device…" with their defaults (forward 2222:22, virtio). */
async function userModeDefaults(): Promise<void> {
  await ed.answerQuickInput(/mode$/, 'User-mode');
  await ed.answerQuickInput(/^Port forwards/);
  await ed.answerQuickInput(/^Guest NIC model$/);
}

/**
 * The template that "Add network device…" (user-mode defaults) writes, without its shebang; `set -eu` only when
 * the script does not already turn both flags on.
 */
const templateBody = (withSet: boolean): RegExp =>
  new RegExp(
    `^# QEMU launch script \\(KVM Networking\\)\\. Adjust the disk image, memory and CPUs\\.\\n${withSet ? 'set -eu\\n' : ''}\\nexec qemu-system-x86_64 \\\\\\n` +
      ` {2}-enable-kvm -m 1024 -smp 2 \\\\\\n {2}-drive file=disk\\.qcow2,if=virtio \\\\\\n` +
      ` {2}-netdev user,id=net0,hostfwd=tcp::2222-:22 \\\\\\n {2}-device virtio-net-pci,netdev=net0,mac=${MAC}\\n$`,
  );

test('a shell file without a QEMU command is offered a launch-script template, appended after its text', async () => {
  await ed.openFile('backup.sh');
  // Commands with nothing to act on offer the template; dismissing it changes nothing.
  await ed.startCommand('KVM Networking: Remove Network Device…');
  await ed.page.mouse.move(700, 400); // off the tab bar: no tab tooltip in the screenshot
  // The toast slides in: the screenshot waits until VS Code marks its fade-in done.
  await ed.page
    .locator('.notification-toast.notification-fade-in-done', { has: ed.page.locator('.notification-list-item-message', { hasText: /this file has no QEMU command\.$/ }) })
    .waitFor();
  await ed.screenshot('launch-script-commands-template-offer');
  await ed.notificationAction(/this file has no QEMU command\.$/, 'Insert Launch-Script Template…');
  await userModeDefaults();
  const text = await waitForText((t) => t.includes('qemu-system'), 'the template');
  assert.ok(text.startsWith(`${BACKUP}\n`), text);
  assert.match(text.slice(BACKUP.length + 1), templateBody(false)); // the script already has set -eu
  // The new invocation gets its lenses.
  await waitUntil(async () => (await ed.codeLensTitles()).includes('Add port forward…'), 'the lenses over the new qemu line');
  await ed.screenshot('launch-script-commands-template');
});

test('"Add Network Device…" on a non-launch script asks before appending a template', async () => {
  await ed.openFile('backup.sh');
  await ed.page.keyboard.press('Control+A');
  await ed.insertText(BACKUP);
  await waitForText((t) => t === BACKUP, 'the file reset');
  await ed.startCommand('KVM Networking: Add Network Device…');
  await ed.notificationAction(/Append a launch-script template with the new device\?/, 'Insert Launch-Script Template…');
  await userModeDefaults();
  const text = await waitForText((t) => t.includes('qemu-system'), 'the template');
  assert.ok(text.startsWith(`${BACKUP}\n`), text);
  assert.match(text.slice(BACKUP.length + 1), templateBody(false)); // the script already has set -eu
});

test('a blank script shows an "Insert QEMU launch-script template…" lens; it writes the template at once', async () => {
  await ed.openFile('new-vm.sh');
  assert.deepEqual(await ed.codeLensTitles(), ['Insert QEMU launch-script template…']);
  await ed.clickCodeLens('Insert QEMU launch-script template…');
  await userModeDefaults();
  const text = await waitForText((t) => t.includes('qemu-system'), 'the template');
  assert.ok(text.startsWith('#!/bin/sh\n\n'), text);
  assert.match(text.slice('#!/bin/sh\n\n'.length), templateBody(true));
  await waitUntil(async () => (await ed.codeLensTitles()).includes('Add port forward…'), 'the lenses over the new qemu line');
  await ed.screenshot('launch-script-commands-new-script');
});

test('with two qemu commands, the palette asks which one unless the cursor is in one', async () => {
  await ed.openFile('two-guests.sh');
  await ed.goToLine(1);
  await ed.startCommand('KVM Networking: Remove Network Device…');
  assert.deepEqual(await ed.quickPickRows(/^Which QEMU command\?$/), ['Line 4: qemu-system-x86_64', 'Line 7: qemu-system-x86_64']);
  await ed.answerQuickInput(/^Which QEMU command\?$/, 'Line 4');
  assert.deepEqual(await ed.quickPickRows(/^Remove network device$/), ['user web0 → virtio-net-pci']);
  await ed.answerQuickInput(/^Remove network device$/);
  const first = await waitForText((t) => !t.includes('web0'), 'the first guest\'s device to go');
  assert.ok(first.includes('-netdev user,id=db0'), first);

  await ed.goToLine(first.split('\n').findIndex((l) => l.includes('id=db0')) + 1, 5);
  await ed.startCommand('KVM Networking: Remove Network Device…');
  assert.deepEqual(await ed.quickPickRows(/^Remove network device$/), ['user db0 → virtio-net-pci']);
  await ed.answerQuickInput(/^Remove network device$/);
  const both = await waitForText((t) => !t.includes('db0'), 'the second guest\'s device to go');
  assert.equal(both, '#!/bin/sh\n# Two guests from one script.\nset -eu\nqemu-system-x86_64 -enable-kvm -m 512 -daemonize\nqemu-system-x86_64 -enable-kvm -m 512 -daemonize\n');
});

test('the editor context menu offers the launch-script commands; "Add PCI Passthrough…" from it adds vfio-pci once', async () => {
  await ed.openFile('pci.sh');
  // Right-click on the qemu line (the middle of .view-lines can be scrolled past the end of a short file).
  const lines = ed.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /qemu-system/ }).first();
  const titles = await ed.contextMenuTitlesOn(lines);
  const commands = ['Add Network Device…', 'Edit Network Device…', 'Remove Network Device…', 'Convert Legacy -net Options to -netdev/-device', 'Add Port Forward…', 'Add PCI Passthrough…'];
  const at = titles.indexOf(commands[0]!);
  assert.deepEqual(titles.slice(at, at + commands.length), commands, JSON.stringify(titles));
  await ed.contextMenuOn(lines, 'Add PCI Passthrough…');
  await ed.answerQuickInput(/^PCI device to pass through$/, '03:00.0');
  const text = await waitForText((t) => t.includes('vfio-pci'), 'the passthrough device');
  assert.ok(text.startsWith('#!/bin/sh\n'), text);
  assert.match(text, /# PCI passthrough of 0000:03:00\.0 with vfio-pci/);
  assert.ok(text.endsWith(`-device virtio-net-pci,netdev=net0,mac=52:54:00:20:00:02 \\\n  -device vfio-pci,host=0000:03:00.0,id=hostdev0\n`), text);
  await ed.codeLensTitles();
  await ed.screenshot('launch-script-commands-pci');

  await ed.contextMenuOn(lines, 'Add PCI Passthrough…');
  await ed.answerQuickInput(/^PCI device to pass through$/, '0000:03:00.0');
  await ed.waitForNotification(/0000:03:00\.0 is already passed through/);
  assert.equal(await ed.editorText(), text);
});

test('the "Convert legacy -net options" lens converts the -net pair; afterwards it is no longer offered', async () => {
  await ed.openFile('legacy.sh');
  await waitUntil(async () => (await ed.codeLensTitles()).includes('Convert legacy -net options'), 'the convert lens');
  await ed.clickCodeLens('Convert legacy -net options');
  const text = await waitForText((t) => !t.includes('-net '), 'the conversion');
  assert.equal(text, LEGACY.replace('-net nic,model=virtio -net user,hostfwd=tcp::2222-:22', '-netdev user,id=net0,hostfwd=tcp::2222-:22 -device virtio-net-pci,netdev=net0'));
  await waitUntil(async () => !(await ed.codeLensTitles()).includes('Convert legacy -net options'), 'the convert lens to go');
  assert.deepEqual(await ed.codeLensTitles(), ['Convert to libvirt Domain XML', 'Add network device…', 'Edit network device…', 'Remove network device…', 'Add port forward…', 'Add PCI passthrough…']);
});

test('"Add Port Forward…" with two user-mode networks (-netdev and -nic) asks which one', async () => {
  await ed.openFile('two-nats.sh');
  await ed.startCommand('KVM Networking: Add Port Forward…');
  assert.deepEqual(await ed.quickPickRows(/^Forward to which user-mode network\?$/), ['a -netdev user,id=a', 'b -nic user,id=b,model=e1000,mac=52:54:00:40:00:02']);
  await ed.answerQuickInput(/^Forward to which user-mode network\?$/, 'b');
  await ed.answerQuickInput(/^Add port forward$/, '6000:60');
  const text = await waitForText((t) => t.includes('hostfwd'), 'the port forward');
  assert.equal(text, TWO_NATS.replace('mac=52:54:00:40:00:02', 'mac=52:54:00:40:00:02,hostfwd=tcp::6000-:60'));
});

test('"Add Port Forward…" onto a -nic user without an id: offered by its line, the forward goes into it', async () => {
  await ed.openFile('nat-no-id.sh');
  await ed.startCommand('KVM Networking: Add Port Forward…');
  assert.deepEqual(await ed.quickPickRows(/^Forward to which user-mode network\?$/), ['a -netdev user,id=a', '(no id, line 5) -nic user,model=e1000,mac=52:54:00:40:00:02']);
  await ed.answerQuickInput(/^Forward to which user-mode network\?$/, 'line 5');
  await ed.answerQuickInput(/^Add port forward$/, '7000:70');
  const text = await waitForText((t) => t.includes('hostfwd'), 'the port forward');
  assert.equal(text, NAT_NO_ID.replace('mac=52:54:00:40:00:02', 'mac=52:54:00:40:00:02,hostfwd=tcp::7000-:70'));
});
