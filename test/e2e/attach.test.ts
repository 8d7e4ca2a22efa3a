/**
 * Real editor (#15 part 4), on a private libvirtd reached over ssh: "Attach to Guest…" on a Devices row picks a
 * guest, confirms with the exact command (virsh attach-device on stdin, --config for a stopped guest), and the row
 * then says which guest holds it; "Detach from Guest…" on the guest's row gives it back. The function is one that
 * is no network device, and the guest is stopped: nothing is taken from this machine. The composer's "Attach to
 * Guest…" attaches the NIC it composed the same way. Screenshots test-results/attach-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostLabel, parseHostSpec } from '../../src/core/host/hostSpec';
import { startPrivateLibvirt, type PrivateLibvirt } from '../core/libvirt/libvirtd';
import { startEditor, waitUntil, type Editor } from './harness';

const DEVICES = 'Devices';
const GUESTS = 'Guests';
const GUEST = 'kvmnet-att';
const HOST_TIMEOUT = 60_000;
const FUNCTION = readdirSync('/sys/bus/pci/devices').sort().find((b) => !readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02'))!;
let lv: PrivateLibvirt;
let ed: Editor;
let label: string;

before(async () => {
  lv = await startPrivateLibvirt();
  const file = path.join(lv.dir, 'att.xml');
  writeFileSync(file, `<domain type='qemu'><name>${GUEST}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices></devices></domain>`);
  assert.equal(lv.virsh('define', file).status, 0);
  label = hostLabel(parseHostSpec(lv.sshd.hostSpec));
  const machine = { 'kvmnet.hosts': [lv.sshd.hostSpec], 'kvmnet.ssh.options': lv.sshd.clientOptions, 'kvmnet.ssh.connectTimeout': 10 };
  // Tall enough for the confirmation: the exact ssh line, then the device's XML again as it is.
  ed = await startEditor({ name: 'attach', examples: false, viewport: { width: 1280, height: 1100 }, settings: { ...machine, 'kvmnet.demoHost.enabled': false, 'kvmnet.devices.showAll': true } });
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
  await ed.openViewContainer('KVM Networking');
});

after(async () => {
  await ed?.close();
  lv?.stop();
});

const description = async (view: string, row: string) => (await ed.treeItems(view)).find((r) => r.label === row)?.description ?? '';

test('Attach to Guest… on a device row: guest picked, exact command confirmed, the row then shows its holder', async () => {
  await ed.expandTreeItem(DEVICES, label);
  await waitUntil(async () => (await ed.treeItems(DEVICES)).some((r) => r.label === FUNCTION), `${FUNCTION} in ${DEVICES}`, HOST_TIMEOUT);
  await ed.contextMenu(DEVICES, FUNCTION, 'Attach to Guest…');
  await ed.answerQuickInput(/Attach .* to which guest/, GUEST);
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Attach ${FUNCTION.replace(/\./g, '\\.')} to ${GUEST}`));
  // The exact ssh line: the constant program, then the XML, the guest's UUID, --live or nothing, the virsh verb.
  assert.ok(dialog.includes('virsh -c qemu:///system "$4" "$2" /proc/self/fd/0 --config $3'), dialog);
  assert.match(dialog, / kvmnet-attach-device .*<hostdev mode=/);
  assert.match(dialog, new RegExp(`${lv.virsh('domuuid', GUEST).output.trim()} .* attach-device\\n`));
  await ed.screenshot('attach-confirm');
  await ed.answerDialog('Run');
  await ed.waitForNotification(new RegExp(`Attach ${FUNCTION.replace(/\./g, '\\.')} to ${GUEST}: done`));
  await waitUntil(async () => /held by kvmnet-att \(stopped\)/.test(await description(DEVICES, FUNCTION)), 'the holder on the device row', HOST_TIMEOUT);
  assert.match(lv.virsh('dumpxml', '--inactive', GUEST).output, /<hostdev mode='subsystem' type='pci' managed='yes'>/);
  await ed.screenshot('attach-held');
});

test('Detach from Guest… on the guest\'s hostdev row: confirmed, and the device is free again', async () => {
  await ed.expandTreeItem(GUESTS, label);
  await waitUntil(async () => (await ed.treeItems(GUESTS)).some((r) => r.label === GUEST), 'the guest row', HOST_TIMEOUT);
  await ed.expandTreeItem(GUESTS, GUEST);
  await ed.contextMenu(GUESTS, FUNCTION, 'Detach from Guest…');
  const dialog = await ed.waitForDialog();
  assert.match(dialog, /kvmnet-detach-device/);
  await ed.answerDialog('Run');
  await ed.waitForNotification(/Detach .* from kvmnet-att: done/);
  assert.doesNotMatch(lv.virsh('dumpxml', '--inactive', GUEST).output, /<hostdev/);
  await waitUntil(async () => !/held by/.test(await description(DEVICES, FUNCTION)), 'the holder gone from the device row', HOST_TIMEOUT);
});

test('the composer\'s Attach to Guest…: the composed NIC, confirmed with the exact command, is in the guest\'s definition', async () => {
  await ed.runCommand('KVM Networking: Compose Network Device…');
  const ui = ed.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const xml = ui.locator('#xml', { hasText: "<interface type='user'>" });
  await xml.waitFor();
  // No port forward: those need libvirt's passt backend, which libvirt 9.0 refuses.
  await ui.locator('vscode-button[aria-label="Remove port forward 1"]').click();
  await waitUntil(async () => !(await xml.innerText()).includes('portForward'), 'the XML without a port forward');
  const mac = /<mac address='([0-9a-f:]{17})'\/>/.exec(await xml.innerText())?.[1];
  assert.ok(mac, await xml.innerText());
  // Cancelled at the confirmation: the status says so, and nothing is attached.
  await ui.locator('#attach-guest').click();
  await ed.answerQuickInput(/Attach the composed device: which host/, label);
  await ed.answerQuickInput(/Attach the composed device to which guest/, GUEST);
  await ed.waitForDialog();
  await ed.answerDialog('Cancel');
  await ui.locator('#status', { hasText: `Not attached to ${GUEST}: cancelled.` }).waitFor();
  assert.doesNotMatch(lv.virsh('dumpxml', '--inactive', GUEST).output, new RegExp(mac));
  await ui.locator('#attach-guest').click();
  // This machine is a host too: the composer asks which one.
  await ed.answerQuickInput(/Attach the composed device: which host/, label);
  await ed.answerQuickInput(/Attach the composed device to which guest/, GUEST);
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Attach a user NIC \\(${mac}\\) to ${GUEST}`));
  assert.ok(dialog.includes('virsh -c qemu:///system "$4" "$2" /proc/self/fd/0 --config $3'), dialog);
  assert.match(dialog, / kvmnet-attach-device /);
  // The XML, quoted twice in the exact line, is shown again as it is.
  assert.match(dialog, new RegExp(`The device definition virsh attaches \\(\\$1, on its standard input\\):\\s*<interface type='user'>\\s*<mac address='${mac}'/>`));
  await ed.screenshot('attach-composer-confirm');
  await ed.answerDialog('Run');
  await ui.locator('#status', { hasText: `Attached to ${GUEST} on ${label}` }).waitFor({ timeout: HOST_TIMEOUT });
  assert.match(lv.virsh('dumpxml', '--inactive', GUEST).output, new RegExp(`<interface type='user'>\\s*<mac address='${mac}'/>`));
  await ed.screenshot('attach-composer-done');
});
