/**
 * Real editor: the Devices view lists the demo host's X710 PF with its VFs and this machine's
 * NIC, "Insert Device as <hostdev>" writes XML that virt-xml-validate accepts, copy BDF works,
 * and a host that never answers becomes an error item with a retry. Screenshots in test-results/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLabVm, type LabVm } from '../core/host/labVm';
import { MINIMAL_DOMAIN as DOMAIN } from './fixtures';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';

/**
 * Picks a context-menu action with the keyboard: a mouse click that lands right after the menu
 * opened is sometimes swallowed by the workbench, leaving the menu open.
 */
async function menuAction(label: string | RegExp, title: string | RegExp): Promise<void> {
  // A device tooltip left open by the last hover would take the right-click: move away until it closes.
  await ed.page.mouse.move(900, 700);
  await ed.page.locator('.context-view.monaco-component').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  await (await ed.treeItem(VIEW, label)).click({ button: 'right' });
  const items = ed.page.locator('.monaco-menu .action-item a.action-menu-item:visible .action-label');
  await items.first().waitFor();
  const titles = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const index = titles.findIndex((t) => (typeof title === 'string' ? t === title : title.test(t)));
  assert.ok(index >= 0, `${String(title)} not in the menu: ${titles.join(', ')}`);
  for (let i = 0; i <= index; i++) await ed.page.keyboard.press('ArrowDown');
  await ed.page.keyboard.press('Enter');
  await items.first().waitFor({ state: 'detached' });
}

const LAUNCH = `#!/bin/sh
qemu-system-x86_64 -M q35 -m 1024 \\
  -drive file=vm.qcow2,if=virtio
`;

let ed: Editor;
let lab: LabVm;
let labLabel: string;
let silent: net.Server;
const sockets: net.Socket[] = [];
before(async () => {
  // A host that accepts TCP and never speaks: discovery must end with an error item, not hang.
  silent = net.createServer((c) => sockets.push(c));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as net.AddressInfo).port;
  // The SR-IOV lab VM (test/core/host/labVm.ts): a real kernel with an SR-IOV NVMe PF behind an emulated IOMMU, over ssh.
  lab = await startLabVm();
  labLabel = `root@127.0.0.1:${lab.port}`;
  ed = await startEditor({
    name: 'devices',
    examples: false,
    workspaceFiles: { 'domain.xml': DOMAIN, 'launch.sh': LAUNCH },
    settings: {
      'kvmnet.hosts': [`ssh://nobody@127.0.0.1:${port}`, lab.hostSpec],
      'kvmnet.ssh.connectTimeout': 5,
      'kvmnet.ssh.options': lab.clientOptions,
    },
  });
});
after(async () => {
  await ed?.close();
  lab?.stop();
  for (const s of sockets) s.destroy();
  silent?.close();
});

test('the demo host shows its X710 PF with four VFs, with driver, netdev and group', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
  const items = await ed.treeItems(VIEW);
  const pf = items.find((i) => i.label === '0000:3b:00.0')!;
  assert.equal(pf.description, 'i40e · enp59s0f0 · group 5 · Ethernet Controller X710 for 10GbE SFP+');
  const vfs = items.filter((i) => /^0000:3b:02\.[0-3]$/.test(i.label));
  assert.equal(vfs.length, 4);
  assert.ok(vfs.every((v) => v.depth === pf.depth + 1));
  assert.match(vfs[2]!.description, /^vfio-pci · group 9 · Ethernet Virtual Function 700 Series$/);
  await (await ed.treeItem(VIEW, '0000:3b:00.0')).hover();
  await ed.screenshot('devices-demo-host');
});

test('this machine is discovered for real', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'This machine');
  const nic = readdirSync('/sys/bus/pci/devices').find((b) => readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02'));
  assert.ok(nic, 'this machine has a PCI network controller');
  await ed.treeItem(VIEW, nic);
  await ed.screenshot('devices-this-machine');
});

test("Insert Device on a VF writes <interface type='hostdev'> that virt-xml-validate accepts", async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
  await ed.openFile('domain.xml');
  await ed.goToLine(8, 53); // end of the <emulator> line
  await ed.page.keyboard.press('End');
  await ed.page.keyboard.press('Enter');
  await menuAction('0000:3b:02.2', /^Insert Device as/);
  await ed.waitForExtensionLog(/devices: inserted 0000:3b:02\.2 of Demo host \(embedded\) into domain\.xml:9/);
  assert.ok((await ed.editorText()).includes("<interface type='hostdev' managed='yes'>"));
  await ed.save();
  const file = path.join(ed.workspace, 'domain.xml');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /<address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x2'\/>/);
  const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
  assert.ok(!r.error, 'virt-xml-validate is missing: install the Debian package libvirt-clients');
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${text}`);
  await ed.screenshot('devices-insert-hostdev');
});

test('Add PCI Passthrough from the Devices view edits the open launch script (through the launch-script core)', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
  await ed.openFile('launch.sh');
  await menuAction('0000:3b:02.3', 'Add PCI Passthrough…');
  await waitUntil(async () => /vfio-pci,host=0000:3b:02\.3/.test(await ed.editorText()), 'the vfio-pci device in launch.sh');
  await ed.save();
  assert.match(readFileSync(path.join(ed.workspace, 'launch.sh'), 'utf8'), /-device vfio-pci,host=0000:3b:02\.3/);
  await ed.screenshot('devices-launch-script-passthrough');
});

test('Copy PCI Address puts the BDF on the clipboard', async () => {
  await menuAction('0000:3b:00.1', 'Copy PCI Address (BDF)');
  let clip = '';
  await waitUntil(async () => (clip = String(await ed.page.evaluate('navigator.clipboard.readText()'))) === '0000:3b:00.1', `clipboard (had ${clip})`);
});

test('host actions: hidden for the uplink, and on the demo host they show the exact commands instead of running', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
  await menuAction('0000:3b:02.0', 'Bind to vfio-pci…');
  await ed.waitForNotification(/demo host is a snapshot.*driver_override/s);
  const uplink = await ed.contextMenuTitles(VIEW, '0000:3b:00.0');
  assert.ok(uplink.includes('Set Number of VFs…'), uplink.join(', '));
  assert.ok(!uplink.includes('Bind to vfio-pci…'), 'no bind on the PF carrying the default route');
});

test('group by IOMMU group flags the GPU group that is not viable for vfio', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.viewTitleAction(VIEW, 'Group Devices by IOMMU Group');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((i) => i.label === 'IOMMU group 12'), 'IOMMU group rows');
  const group = (await ed.treeItems(VIEW)).find((i) => i.label === 'IOMMU group 12')!;
  assert.equal(group.description, '2 functions (shared) · not viable for vfio');
  await ed.expandTreeItem(VIEW, 'IOMMU group 12');
  await ed.treeItem(VIEW, '0000:65:00.1');
  await ed.screenshot('devices-iommu-groups');
  await ed.viewTitleAction(VIEW, 'Show Devices as PF → VF Tree');
});

test('lab VM: Set Number of VFs through the extension, then the VFs appear and one is inserted as valid XML', async () => {
  await ed.openViewContainer('KVM Networking');
  // The side bar renders only visible rows: start from collapsed hosts so the lab VM's rows fit.
  await ed.viewTitleAction(VIEW, 'Collapse All');
  await ed.expandTreeItem(VIEW, labLabel);
  await ed.treeItem(VIEW, '0000:00:01.0');
  await menuAction('0000:00:01.0', 'Set Number of VFs…');
  const input = ed.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill('2');
  await ed.page.keyboard.press('Enter');
  // The confirmation shows the exact commands before anything runs.
  const dialog = ed.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  // The exact ssh command line: the host, the constant writer and its arguments, as the process receives them.
  assert.match(await dialog.innerText(), / -- 127\.0\.0\.1 sh -c .*printf.* kvmnet-write 2 \/sys\/bus\/pci\/devices\/0000:00:01\.0\/sriov_numvfs$/m);
  await ed.screenshot('devices-labvm-confirm');
  await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
  await ed.waitForNotification(/Set 0000:00:01\.0 to 2 virtual functions.*done/);
  await waitUntil(async () => /VFs 2|\b2 VFs\b/.test((await ed.treeItems(VIEW)).find((i) => i.label === labLabel)?.description ?? ''), 'the host to be rediscovered with 2 VFs', 60_000);
  await ed.expandTreeItem(VIEW, labLabel);
  await ed.expandTreeItem(VIEW, '0000:00:01.0');
  const items = await ed.treeItems(VIEW);
  const pf = items.find((i) => i.label === '0000:00:01.0')!;
  for (const vf of ['0000:00:01.1', '0000:00:01.2']) {
    const row = items.find((i) => i.label === vf);
    assert.ok(row && row.depth === pf.depth + 1, `${vf} under the PF`);
    assert.match(row.description, /group \d+/);
  }
  await ed.screenshot('devices-labvm-vfs');

  // domain.xml is already open in a tab from the demo test: switch to it.
  await ed.page.locator('.tabs-container .tab[data-resource-name="domain.xml"]').click();
  await ed.page.locator('.tabs-container .tab.active[data-resource-name="domain.xml"]').waitFor();
  await ed.goToLine(7, 1);
  await ed.page.keyboard.press('End');
  await ed.page.keyboard.press('Enter');
  await menuAction('0000:00:01.1', /^Insert Device as/);
  await ed.waitForExtensionLog(/devices: inserted 0000:00:01\.1 of root@127\.0\.0\.1:\d+ into domain\.xml:8/);
  await ed.save();
  const file = path.join(ed.workspace, 'domain.xml');
  assert.match(readFileSync(file, 'utf8'), /<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'\/>/);
  const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  await ed.screenshot('devices-labvm-insert');
});

test('a host that never answers shows its error as an item with a retry', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, /^nobody@127\.0\.0\.1:\d+$/);
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((i) => /timed out/.test(i.label)), 'the timeout error item', 60_000);
  const titles = await ed.contextMenuTitles(VIEW, /timed out/);
  assert.ok(titles.includes('Retry Host Discovery'), titles.join(', '));
  await ed.screenshot('devices-error-host');
  const failures = () => (ed.extensionLog().match(/devices: nobody@127\.0\.0\.1:\d+: .*timed out/g) ?? []).length;
  const before = failures();
  await ed.inlineAction(VIEW, /timed out/, 'Retry Host Discovery');
  await waitUntil(() => failures() > before, 'a second discovery attempt after Retry', 60_000);
});
