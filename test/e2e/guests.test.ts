/**
 * Real editor, issue #15 part 2: the Guests view against a real libvirtd reached over real ssh (a daemon of the
 * test's own in a private mount namespace, test/core/libvirt/libvirtd.ts). A defined guest holds a real PCI
 * function of this machine (hostdev) and has a NIC on a bridge the host lacks; a second guest runs. The Guests
 * view lists both with their state, the NIC, the hostdev and the finding; the function's Devices row says
 * "held by kvmnet-e2e (stopped)"; "Reveal Holder" selects the guest's hostdev row and "Reveal in Devices" the
 * device row again (TreeView.reveal both ways). Screenshots test-results/guests-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostLabel, parseHostSpec } from '../../src/core/host/hostSpec';
import { startPrivateLibvirt, type PrivateLibvirt } from '../core/libvirt/libvirtd';
import type { Locator } from 'playwright-core';
import { startEditor, waitUntil, type Editor } from './harness';

const GUESTS = 'Guests';
const DEVICES = 'Devices';
/** A discovery over ssh of a loaded machine can take a while. */
const HOST_TIMEOUT = 60_000;

/** A real PCI function of this machine: an Ethernet one when there is one (what passthrough is usually about). */
function pickFunction(): string {
  const all = readdirSync('/sys/bus/pci/devices').sort();
  return all.find((b) => readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02')) ?? all[0]!;
}
const BDF = pickFunction();

function hostdevXml(bdf: string): string {
  const [d, b, sf] = bdf.split(':');
  const [s, f] = sf!.split('.');
  return `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/></source></hostdev>`;
}

const domain = (name: string, devices: string) =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;

let lv: PrivateLibvirt;
let ed: Editor;
let label: string;

function define(name: string, xml: string): void {
  const file = path.join(lv.dir, `${name}.xml`);
  writeFileSync(file, xml);
  const r = lv.virsh('define', file);
  assert.equal(r.status, 0, r.output);
}

before(async () => {
  lv = await startPrivateLibvirt();
  define('kvmnet-e2e', domain('kvmnet-e2e', `<interface type='bridge'><source bridge='br-nowhere'/><mac address='52:54:00:e2:00:01'/><model type='virtio'/></interface>${hostdevXml(BDF)}`));
  define('kvmnet-run', domain('kvmnet-run', `<interface type='user'><mac address='52:54:00:e2:00:02'/><model type='virtio'/></interface>`));
  const started = lv.virsh('start', 'kvmnet-run');
  assert.equal(started.status, 0, started.output);
  label = hostLabel(parseHostSpec(lv.sshd.hostSpec));
  const machine = { 'kvmnet.hosts': [lv.sshd.hostSpec], 'kvmnet.ssh.options': lv.sshd.clientOptions, 'kvmnet.ssh.connectTimeout': 10 };
  ed = await startEditor({
    name: 'guests',
    examples: false,
    // Whatever class the function is, its row is shown.
    settings: { ...machine, 'kvmnet.demoHost.enabled': false, 'kvmnet.devices.showAll': true },
  });
  // code-server is a remote: once the user settings are saved through the editor (a later test does), machine-scoped
  // settings count only from the remote machine's settings (see trust-settings.test.ts).
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
  await ed.openViewContainer('KVM Networking');
  await widenSideBar(720);
  // Room for both trees in the side bar: the readiness view is not part of this.
  const readiness = ed.page.locator('.sidebar .pane-header', { has: ed.page.locator('h3.title', { hasText: /^Host readiness$/i }) }).first();
  if ((await readiness.getAttribute('aria-expanded')) === 'true') await readiness.click();
});

after(async () => {
  await ed?.close();
  lv?.stop();
});

/** Drags the side bar's edge so the rows' descriptions fit (README screenshots). */
async function widenSideBar(width: number): Promise<void> {
  const box = await ed.page.locator('.part.sidebar').boundingBox();
  assert.ok(box, 'the side bar is shown');
  const edge = box.x + box.width;
  await ed.page.mouse.move(edge, 400);
  await ed.page.mouse.down();
  await ed.page.mouse.move(box.x + width, 400, { steps: 5 });
  await ed.page.mouse.up();
  await waitUntil(async () => ((await ed.page.locator('.part.sidebar').boundingBox())?.width ?? 0) > width - 100, 'the side bar to be wider');
}

async function collapsePane(viewTitle: string): Promise<void> {
  const header = (await ed.view(viewTitle)).locator('.pane-header').first();
  await header.click();
  await waitUntil(async () => (await header.getAttribute('aria-expanded')) === 'false', `the ${viewTitle} view to fold`);
}

/** The label of the selected row of a view ('' when none). */
async function selected(viewTitle: string): Promise<string> {
  const pane = await ed.view(viewTitle);
  const row = pane.locator('.pane-body .monaco-list-row.selected .label-name').first();
  return (await row.count()) ? ((await row.textContent()) ?? '').trim() : '';
}

async function rowDescription(viewTitle: string, rowLabel: string): Promise<string> {
  return (await ed.treeItems(viewTitle)).find((i) => i.label === rowLabel)?.description ?? '';
}

test('the Guests view lists each guest with its state, its NIC, its hostdev and what is wrong with it', async () => {
  await ed.view(GUESTS);
  await ed.treeItem(GUESTS, label);
  await ed.expandTreeItem(GUESTS, label);
  await waitUntil(async () => (await rowDescription(GUESTS, 'kvmnet-e2e')) !== '', 'the guests of the host', HOST_TIMEOUT);
  assert.equal(await rowDescription(GUESTS, 'kvmnet-e2e'), 'stopped');
  assert.equal(await rowDescription(GUESTS, 'kvmnet-run'), 'running');
  assert.match(await rowDescription(GUESTS, label), /^2 guests$/);
  await ed.expandTreeItem(GUESTS, 'kvmnet-e2e');
  const rows = await ed.treeItems(GUESTS);
  const nic = rows.find((r) => r.label === 'interface bridge');
  assert.equal(nic?.description, 'bridge br-nowhere · 52:54:00:e2:00:01 · virtio');
  assert.match(rows.find((r) => r.label === BDF)?.description ?? '', /^hostdev · managed · /);
  assert.ok(rows.some((r) => r.label === 'kvmnet-e2e: interface 52:54:00:e2:00:01 uses bridge br-nowhere, which this host does not have'), rows.map((r) => r.label).join('\n'));
  assert.deepEqual(await ed.contextMenuTitles(GUESTS, BDF), ['Reveal in Devices', 'Detach from Guest…']);
  await ed.screenshot('guests-view');
});

test('the held function\'s Devices row says which guest holds it and whether it runs', async () => {
  await ed.expandTreeItem(DEVICES, label);
  await ed.treeItem(DEVICES, BDF);
  const description = await rowDescription(DEVICES, BDF);
  assert.match(description, /^[^·]+ · held by kvmnet-e2e \(stopped\) · /, description);
  assert.ok((await ed.contextMenuTitles(DEVICES, BDF)).includes('Reveal Holder'));
  await ed.screenshot('guests-held-device');
});

test('Reveal Holder selects the guest\'s hostdev row; Reveal in Devices selects the device row again', async () => {
  // Collapse the guest so the reveal has to expand the way to the row.
  const guestRow = await ed.treeItem(GUESTS, 'kvmnet-e2e');
  if ((await guestRow.getAttribute('aria-expanded')) === 'true') await guestRow.locator('.monaco-tl-twistie').click();
  await waitUntil(async () => !(await ed.treeItems(GUESTS)).some((r) => r.label === BDF), 'the hostdev row to be hidden');
  await ed.contextMenu(DEVICES, BDF, 'Reveal Holder');
  await waitUntil(async () => (await selected(GUESTS)) === BDF, `${BDF} to be selected in ${GUESTS}`);
  await ed.screenshot('guests-reveal-holder');

  // Collapse the host in Devices: the reveal expands it again.
  const hostRow = await ed.treeItem(DEVICES, label);
  await hostRow.locator('.monaco-tl-twistie').click();
  await waitUntil(async () => !(await ed.treeItems(DEVICES)).some((r) => r.label === BDF), 'the device row to be hidden');
  await ed.contextMenu(GUESTS, BDF, 'Reveal in Devices');
  await waitUntil(async () => (await selected(DEVICES)) === BDF, `${BDF} to be selected in ${DEVICES}`);
  assert.match(await rowDescription(DEVICES, BDF), /held by kvmnet-e2e \(stopped\)/);
  await ed.screenshot('guests-reveal-in-devices');
});

test('a second guest defined with the same function: both holders on the row, the finding under each guest, Reveal Holder asks which', async () => {
  define('kvmnet-twin', domain('kvmnet-twin', hostdevXml(BDF)));
  await ed.viewTitleAction(GUESTS, 'Refresh Guests');
  const both = /held by kvmnet-e2e \(stopped\), held by kvmnet-twin \(stopped\)/;
  let last = '';
  await waitUntil(
    async () => {
      await ed.expandTreeItem(DEVICES, label);
      return both.test((last = await rowDescription(DEVICES, BDF)));
    },
    `the ${BDF} row to name both holders (shows "${last}")`,
    HOST_TIMEOUT,
  );
  // Room for the Guests rows: Devices folds away until it is used again (ed.view unfolds it).
  await collapsePane(DEVICES);
  await ed.expandTreeItem(GUESTS, label);
  await ed.expandTreeItem(GUESTS, 'kvmnet-twin');
  await ed.treeItem(GUESTS, new RegExp(`^${BDF.replace(/\./g, '\\.')} is assigned more than once: kvmnet-e2e \\(not running, hostdev\\); kvmnet-twin \\(not running, hostdev\\)$`));

  await ed.contextMenu(DEVICES, BDF, 'Reveal Holder');
  assert.deepEqual(await ed.quickPickRows(/^Guests holding /), ['kvmnet-e2e', 'kvmnet-twin']);
  await ed.answerQuickInput(/^Guests holding /, 'kvmnet-twin');
  await waitUntil(async () => (await selected(GUESTS)) === BDF, `${BDF} to be selected in ${GUESTS}`);
  // The selected hostdev row is the twin's: kvmnet-twin has no NIC, so its hostdev is the row right below it.
  const pane = await ed.view(GUESTS);
  const index = async (row: Locator) => Number(await row.getAttribute('data-index'));
  const twin = await index(await ed.treeItem(GUESTS, 'kvmnet-twin'));
  assert.equal(await index(pane.locator('.pane-body .monaco-list-row.selected').first()), twin + 1);
  await ed.screenshot('guests-shared-device');
});

test('a passthrough function the Devices filter hides: Reveal in Devices offers to show all functions, then selects it', async () => {
  const hidden = readdirSync('/sys/bus/pci/devices')
    .sort()
    .find((b) => !readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02'));
  assert.ok(hidden, 'this machine has a PCI function that is not an Ethernet controller (a host bridge)');
  define('kvmnet-gpu', domain('kvmnet-gpu', hostdevXml(hidden)));
  await ed.updateSettings({ 'kvmnet.devices.showAll': false });
  await ed.viewTitleAction(GUESTS, 'Refresh Guests');
  await collapsePane(DEVICES);
  await ed.expandTreeItem(GUESTS, label);
  await waitUntil(async () => (await ed.treeItems(GUESTS)).some((r) => r.label === 'kvmnet-gpu'), 'the new guest', HOST_TIMEOUT);
  await ed.expandTreeItem(GUESTS, 'kvmnet-gpu');
  await ed.contextMenu(GUESTS, hidden, 'Reveal in Devices');
  await ed.notificationAction(/is hidden in the Devices view: only network-related functions are shown/, 'Show All PCI Devices');
  await waitUntil(async () => (await selected(DEVICES)) === hidden, `${hidden} to be selected in ${DEVICES}`);
  assert.match(await rowDescription(DEVICES, hidden), /held by kvmnet-gpu \(stopped\)/);
});
