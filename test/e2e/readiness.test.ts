/**
 * Real editor: the Host readiness view for this machine and the demo host, "Explain Error Message"
 * on a selection, and the hover in a .log file. Screenshots land in test-results/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startLabVm, type LabVm } from '../core/host/labVm';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Host readiness';
const LOG = [
  'starting guest vm1',
  "qemu-system-x86_64: -netdev user,id=n0: Duplicate ID 'n0' for netdev",
  'qemu-system-x86_64: -netdev user,id=n0,hostfwd=tcp:5555-:22: Invalid host forwarding rule \'tcp:5555-:22\' (Bad host address)',
  '',
].join('\n');

let ed: Editor;
let lab: LabVm;
before(async () => {
  // The SR-IOV lab VM (IOMMU on) over real ssh, listed as a configured host.
  lab = await startLabVm();
  ed = await startEditor({
    name: 'readiness',
    // Tall enough that an expanded host's checks fit in the Host readiness pane beside Devices and Guests
    // (the tree renders only the rows in view).
    viewport: { width: 1280, height: 1200 },
    workspaceFiles: { 'qemu.log': LOG },
    settings: { 'kvmnet.hosts': [lab.hostSpec], 'kvmnet.ssh.options': lab.clientOptions },
  });
});
after(async () => {
  await ed?.close();
  lab?.stop();
});

test('readiness view: this machine reports its missing /dev/vhost-net', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'This machine');
  const vhost = await ed.treeItem(VIEW, '/dev/vhost-net');
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((i) => i.label === '/dev/vhost-net'), '/dev/vhost-net check');
  const items = await ed.treeItems(VIEW);
  const row = items.find((i) => i.label === '/dev/vhost-net')!;
  assert.equal(row.description, existsSync('/dev/vhost-net') ? row.description : 'fail', JSON.stringify(row));
  const host = items.find((i) => i.label === 'This machine')!;
  assert.match(host.description, /\d+ fail · \d+ warn · \d+ unknown/);
  await vhost.hover();
  await ed.screenshot('readiness-this-machine');
});

test('Copy Fix Command puts the modprobe on the clipboard', async (t) => {
  if (existsSync('/dev/vhost-net')) {
    t.skip('this machine has /dev/vhost-net: no fix to copy');
    return;
  }
  await ed.contextMenu(VIEW, '/dev/vhost-net', 'Copy Fix Command');
  let clip = '';
  await waitUntil(async () => /modprobe vhost_net/.test((clip = await ed.page.evaluate<string>('navigator.clipboard.readText()'))), `clipboard to hold the fix (had ${clip})`);
  await ed.waitForNotification(/Copied: sudo modprobe vhost_net/);
});

test('readiness view: the demo host (SR-IOV, VT-d, vhost-net) passes every mode', async () => {
  // This machine's checks are collapsed first: both hosts have a "/dev/vhost-net" row.
  const local = await ed.treeItem(VIEW, 'This machine');
  await local.locator('.monaco-tl-twistie').click();
  await waitUntil(async () => (await local.getAttribute('aria-expanded')) === 'false', 'This machine to collapse');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await waitUntil(async () => /0 fail · 0 warn/.test((await ed.treeItems(VIEW)).find((i) => i.label === 'Demo host (embedded)')?.description ?? ''), 'demo host summary');
  const demo = await ed.treeItems(VIEW);
  assert.ok(!demo.some((i) => i.label === 'Checking…'), `no stale placeholder: ${JSON.stringify(demo.map((i) => i.label))}`);
  assert.ok(demo.some((i) => i.label === 'Networking modes' && i.description === 'none failing'), JSON.stringify(demo));
  await ed.screenshot('readiness-demo-host');
});

test('readiness view: the SR-IOV lab VM over ssh shows its IOMMU and interrupt remapping passing', async () => {
  const demo = await ed.treeItem(VIEW, 'Demo host (embedded)');
  await demo.locator('.monaco-tl-twistie').click();
  await waitUntil(async () => (await demo.getAttribute('aria-expanded')) === 'false', 'the demo host to collapse');
  const label = `root@127.0.0.1:${lab.port}`;
  await ed.expandTreeItem(VIEW, label);
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((i) => i.label === 'IOMMU active'), 'the lab VM checks', 120_000);
  const items = await ed.treeItems(VIEW);
  const desc = (l: string) => items.find((i) => i.label === l)?.description ?? '';
  assert.match(desc('IOMMU active'), /IOMMU unit\(s\)/, JSON.stringify(items));
  assert.match(desc('Interrupt remapping'), /Enabled/);
  assert.match(desc('SR-IOV capable devices'), /0000:00:01\.0/);
  assert.equal(desc('/dev/kvm'), 'fail');
  await ed.screenshot('readiness-lab-vm');
});

test('Explain Error Message on a selection opens the explanation', async () => {
  await ed.openFile('qemu.log');
  await ed.goToLine(2, 1);
  await ed.page.keyboard.press('Shift+End');
  await ed.runCommand('KVM Networking: Explain Error Message');
  await ed.page.locator('.tabs-container .tab', { hasText: /Explanation 1\.md/ }).first().waitFor();
  await waitUntil(() => /explain: 1 match\(es\) in the selection/.test(ed.extensionLog()), 'the explain log line');
  // The markdown preview is a webview: its text lives two iframes down.
  const body = ed.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
  await body.getByText('Duplicate netdev id').first().waitFor();
  assert.match(await body.innerText(), /Fix \(plain QEMU\)[\s\S]*Fix \(libvirt\)/);
  await ed.screenshot('explain-selection');
});

test('Explain Error Message without a selection explains the clipboard', async () => {
  await ed.runCommand('View: Close All Editors');
  await ed.page.evaluate(`navigator.clipboard.writeText(${JSON.stringify("qemu-system-x86_64: -device pci-assign,host=00:15.0: 'pci-assign' is not a valid device model name")})`);
  await ed.runCommand('KVM Networking: Explain Error Message');
  await ed.page.locator('.tabs-container .tab', { hasText: /Explanation 2\.md/ }).first().waitFor();
  const body = ed.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
  await body.getByText("'pci-assign' no longer exists").first().waitFor();
  assert.match(await body.innerText(), /vfio-pci,host=0000:BB:DD\.F/);
  assert.match(ed.extensionLog(), /explain: 1 match\(es\) in the clipboard/);
});

test('hovering a known message in a .log file explains it', async () => {
  await ed.runCommand('View: Close All Editors');
  await ed.openFile('qemu.log');
  const line = ed.page.locator('.editor-group-container.active .view-line', { hasText: 'Duplicate ID' }).first();
  await line.waitFor();
  await line.locator('span', { hasText: /netdev$/ }).last().hover();
  const hover = ed.page.locator('.monaco-hover-content', { hasText: 'Duplicate netdev id' }).first();
  await hover.waitFor();
  assert.match(await hover.innerText(), /Fix \(plain QEMU\)/);
  await ed.screenshot('explain-hover');
});
