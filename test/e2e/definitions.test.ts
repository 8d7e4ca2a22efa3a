/**
 * Real editor (#15 part 3, "virsh edit, done right"), on a private libvirtd reached over ssh: Open Definition on a
 * guest opens its stored XML; a changed NIC model is saved through a confirmation showing the exact command, and
 * lands in libvirt; an element libvirt drops is reported after the save; a change made on the host meanwhile
 * refuses the next save. "Define on Host…" defines a new domain from a workspace file (the host picked, the exact command
 * confirmed), reports what libvirt dropped on that file, and refuses a name already defined there. A network's
 * definition opens and saves the same way (net-dumpxml / net-define).
 * Screenshots test-results/definitions-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostLabel, parseHostSpec } from '../../src/core/host/hostSpec';
import { startPrivateLibvirt, type PrivateLibvirt } from '../core/libvirt/libvirtd';
import { startEditor, waitUntil, type Editor } from './harness';

const GUESTS = 'Guests';
const GUEST = 'kvmnet-def';
const NETWORK = 'kvmnet-net';
const HOST_TIMEOUT = 60_000;
let lv: PrivateLibvirt;
let ed: Editor;
let label: string;
const NEW = 'kvmnet-new';
const NEW_GUEST = [
  "<domain type='qemu'>",
  `  <name>${NEW}</name>`,
  "  <memory unit='MiB'>64</memory>",
  "  <os><type arch='x86_64' machine='pc'>hvm</type></os>",
  '  <devices>',
  "    <interface type='user'>",
  "      <mac address='52:54:00:de:00:02'/>",
  "      <model type='virtio'/>",
  '      <kvmnet-unknown/>',
  '    </interface>',
  '  </devices>',
  '</domain>',
  '',
].join('\n');

const MIGRATED = 'kvmnet-migrated';
const MIGRATE_SH = `#!/bin/sh\nexec qemu-system-x86_64 -name ${MIGRATED} -m 64 -netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:de:00:03\n`;

function define(xml: string): void {
  const file = path.join(lv.dir, 'def.xml');
  writeFileSync(file, xml);
  const r = lv.virsh('define', file);
  assert.equal(r.status, 0, r.output);
}

before(async () => {
  lv = await startPrivateLibvirt();
  const net = path.join(lv.dir, 'net.xml');
  writeFileSync(net, `<network><name>${NETWORK}</name><bridge name='virbr-kvmnet'/><ip address='192.168.123.1' netmask='255.255.255.0'/></network>`);
  const r = lv.virsh('net-define', net);
  assert.equal(r.status, 0, r.output);
  define(`<domain type='qemu'><name>${GUEST}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><interface type='user'><mac address='52:54:00:de:00:01'/><model type='virtio'/></interface></devices></domain>`);
  label = hostLabel(parseHostSpec(lv.sshd.hostSpec));
  const machine = { 'kvmnet.hosts': [lv.sshd.hostSpec], 'kvmnet.ssh.options': lv.sshd.clientOptions, 'kvmnet.ssh.connectTimeout': 10 };
  ed = await startEditor({ name: 'definitions', examples: false, workspaceFiles: { 'new-guest.xml': NEW_GUEST, 'migrate.sh': MIGRATE_SH }, settings: { ...machine, 'kvmnet.demoHost.enabled': false } });
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
  await ed.openViewContainer('KVM Networking');
});

after(async () => {
  await ed?.close();
  lv?.stop();
});

const activeText = () => ed.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText();

async function replaceDocument(text: string): Promise<void> {
  await ed.page.locator('.editor-group-container.active .monaco-editor').first().click();
  await ed.page.keyboard.press('Control+A');
  await ed.insertText(text);
}

test('open a guest definition, change its NIC model, save: confirmed with the exact command, stored by libvirt, dropped element reported', async () => {
  await ed.expandTreeItem(GUESTS, label);
  await waitUntil(async () => (await ed.treeItems(GUESTS)).some((r) => r.label === GUEST), 'the guest row', HOST_TIMEOUT);
  await ed.contextMenu(GUESTS, GUEST, 'Open Definition');
  await waitUntil(async () => /<name>kvmnet-def<\/name>/.test((await activeText()).replace(/\u00a0/g, ' ')), 'the stored definition in the editor', HOST_TIMEOUT);
  const stored = await ed.editorText();
  assert.match(stored, /<model type='virtio'\/>/);
  const edited = stored.replace("<model type='virtio'/>", "<model type='e1000'/>\n      <kvmnet-unknown/>");
  await replaceDocument(edited);
  await ed.page.keyboard.press('Control+S');
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Define domain ${GUEST} on ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(dialog, /ssh -T -o BatchMode=no .* -- 127\.0\.0\.1 virsh -c qemu:\/\/\/system define \/proc\/self\/fd\/0/);
  await ed.screenshot('definitions-confirm');
  await ed.answerDialog('Define');
  await ed.waitForNotification(/Defined kvmnet-def on .*libvirt dropped 1 item/);
  assert.match(lv.virsh('dumpxml', '--inactive', GUEST).output, /<model type='e1000'\/>/);
  const problems = await ed.waitForDiagnostic((p) => /libvirt dropped <kvmnet-unknown> from <interface>/.test(p.message), 'the dropped element reported');
  const dropped = problems.find((p) => /kvmnet-unknown/.test(p.message) && /dropped/.test(p.message))!;
  assert.equal(dropped.line, edited.split('\n').findIndex((l) => l.includes('<kvmnet-unknown/>')) + 1);
  await ed.screenshot('definitions-dropped');
});

test('a definition changed on the host since it was opened: the save is refused and the change shown', async () => {
  const current = lv.virsh('dumpxml', '--inactive', GUEST).output;
  define(current.replace(/<memory unit='KiB'>\d+<\/memory>/, "<memory unit='KiB'>131072</memory>").replace(/<currentMemory unit='KiB'>\d+<\/currentMemory>/, "<currentMemory unit='KiB'>131072</currentMemory>"));
  const text = await ed.editorText();
  await replaceDocument(text.replace("<model type='e1000'/>", "<model type='rtl8139'/>"));
  await ed.page.keyboard.press('Control+S');
  await ed.waitForNotification(/changed on .* since it was opened/);
  await ed.screenshot('definitions-concurrent');
  assert.match(lv.virsh('dumpxml', '--inactive', GUEST).output, /<model type='e1000'\/>/, 'nothing defined');
});

test('Define on Host… a new domain from a workspace file: host picked, exact command confirmed, defined, dropped element reported; a second time refused', async () => {
  await ed.openFile('new-guest.xml');
  await ed.startCommand('KVM Networking: Define on Host…');
  const rows = await ed.quickPickRows(`Define ${NEW} on which host?`);
  assert.ok(rows.some((r) => r.startsWith(label) && /libvirt \d+\.\d+.* · 1 guest/.test(r)), rows.join(' | '));
  await ed.answerQuickInput(`Define ${NEW} on which host?`, label);
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Define domain ${NEW} on `));
  assert.match(dialog, /the XML of new-guest\.xml on its standard input/);
  assert.match(dialog, /ssh -T -o BatchMode=no .* -- 127\.0\.0\.1 virsh -c qemu:\/\/\/system define \/proc\/self\/fd\/0/);
  await ed.screenshot('definitions-define-on-host');
  await ed.answerDialog('Define');
  await ed.waitForNotification(new RegExp(`defined ${NEW} on .*libvirt dropped 1 item`));
  assert.match(lv.virsh('dumpxml', '--inactive', NEW).output, /<mac address='52:54:00:de:00:02'\/>/, 'libvirt stored it');
  const problems = await ed.waitForFinding((p) => /libvirt dropped <kvmnet-unknown>/.test(p.message), 'the dropped element reported on the file');
  assert.equal(problems.find((p) => /libvirt dropped <kvmnet-unknown>/.test(p.message))!.line, NEW_GUEST.split('\n').findIndex((l) => l.includes('<kvmnet-unknown/>')) + 1);

  await ed.startCommand('KVM Networking: Define on Host…');
  await ed.answerQuickInput(`Define ${NEW} on which host?`, label);
  await ed.waitForNotification(new RegExp(`not defined: a guest named ${NEW} is already defined there`));
});

test("a network's definition opens from the Guests view and saves through net-define, confirmed with the exact command", async () => {
  await ed.expandTreeItem(GUESTS, label);
  await waitUntil(async () => (await ed.treeItems(GUESTS)).some((r) => r.label === NETWORK && /network, isolated · virbr-kvmnet · inactive/.test(r.description)), 'the network row', HOST_TIMEOUT);
  await ed.contextMenu(GUESTS, NETWORK, 'Open Definition');
  await waitUntil(async () => /<name>kvmnet-net<\/name>/.test((await activeText()).replace(/\u00a0/g, ' ')), 'the stored network definition', HOST_TIMEOUT);
  const stored = await ed.editorText();
  assert.match(stored, /<bridge name='virbr-kvmnet'/);
  await replaceDocument(stored.replace('</network>', "  <mtu size='9000'/>\n</network>"));
  await ed.page.keyboard.press('Control+S');
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Define network ${NETWORK} on `));
  assert.match(dialog, /virsh -c qemu:\/\/\/system net-define \/proc\/self\/fd\/0/);
  await ed.answerDialog('Define');
  await ed.waitForNotification(new RegExp(`Defined ${NETWORK} on `));
  assert.match(lv.virsh('net-dumpxml', '--inactive', NETWORK).output, /<mtu size='9000'\/>/, 'libvirt stored it');
  await ed.screenshot('definitions-network');
});

test('a launch script converted to libvirt XML: "Define on Host…" on the result defines it where libvirt runs, after the exact command', async () => {
  await ed.openFile('migrate.sh');
  await ed.runCommand('KVM Networking: Convert to libvirt Domain XML');
  await ed.notificationAction(/migrate\.sh → libvirt domain XML/, 'Define on Host…');
  await ed.answerQuickInput(`Define ${MIGRATED} on which host?`, label);
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Define domain ${MIGRATED} on `));
  assert.match(dialog, /virsh -c qemu:\/\/\/system define \/proc\/self\/fd\/0/);
  await ed.answerDialog('Define');
  await ed.waitForNotification(new RegExp(`defined ${MIGRATED} on `));
  assert.match(lv.virsh('dumpxml', '--inactive', MIGRATED).output, /<interface type='user'>\s*<mac address='52:54:00:de:00:03'\/>/, 'libvirt stored the converted NIC');
});
