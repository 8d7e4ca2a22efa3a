/**
 * Real editor: the Devices view's libvirt actions against a real libvirtd. The SR-IOV lab VM runs this
 * machine's Debian userland (hostRoot, see test/core/host/labVm.ts), so its libvirtd and virsh act on the VM
 * kernel's real sysfs, IOMMU groups and VFs. A VF's context menu offers "Detach from Host (virsh
 * nodedev-detach)…" only once a daemon runs; the confirmation shows the exact commands; after it ran the row
 * and sysfs say vfio-pci; "Reattach to Host…" gives the VF back to nvme. "Attach to Guest…" gives a VF to a guest
 * defined on the VM, and the VF's row then names its holder. Screenshots in test-results/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { discover } from '../../src/core/host/discover';
import { parseHostSpec } from '../../src/core/host/hostSpec';
import { runPlan } from '../../src/core/host/runPlan';
import { planSetNumVfs } from '../../src/core/pci/actions';
import { defineLabGuest, LAB_PF, onlineNvmeVf, requireLibvirtLabTools, startLabVm, startLibvirtd, sysfsDriver, type LabVm } from '../core/host/labVm';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';
const VF = '0000:00:01.2';
const NODEDEV = 'pci_0000_00_01_2';
/** The virtio NIC carrying the ssh session. */
const SESSION_NIC = '0000:00:02.0';
const DETACH = 'Detach from Host (virsh nodedev-detach)…';
const REATTACH = 'Reattach to Host (virsh nodedev-reattach)…';
/** Under TCG on a loaded machine a rediscovery or a virsh call takes seconds. */
const HOST_TIMEOUT = 90_000;

let ed: Editor;
let lab: LabVm;
let labLabel: string;
before(async () => {
  requireLibvirtLabTools();
  lab = await startLabVm({ hostRoot: true, memoryMiB: 1024 });
  labLabel = `root@127.0.0.1:${lab.port}`;
  // Two VFs through the extension's own plan, VF 2 brought online on nvme; libvirtd is not running yet.
  const spec = parseHostSpec(lab.hostSpec);
  const opts = { sshOptions: lab.clientOptions, connectTimeoutSeconds: 10, runTimeoutSeconds: 120 };
  const made = await runPlan(spec, planSetNumVfs(await discover(spec, opts), LAB_PF, 2), opts);
  assert.ok(made.ok, `Set number of VFs: ${made.error ?? ''}`);
  onlineNvmeVf(lab, VF, 2);
  ed = await startEditor({
    name: 'devices-libvirt',
    examples: false,
    settings: { 'kvmnet.hosts': [lab.hostSpec], 'kvmnet.ssh.connectTimeout': 10, 'kvmnet.ssh.options': lab.clientOptions },
  });
});
after(async () => {
  await ed?.close();
  lab?.stop();
});

/** Shows the lab VM's PF expanded (a refresh may re-create the rows collapsed) and returns the VF row's description. */
async function vfDescription(): Promise<string> {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, labLabel);
  await ed.expandTreeItem(VIEW, LAB_PF);
  await ed.treeItem(VIEW, VF);
  return (await ed.treeItems(VIEW)).find((i) => i.label === VF)?.description ?? '';
}

async function waitForVfDriver(driver: string): Promise<void> {
  let last = '';
  await waitUntil(async () => (last = await vfDescription()).startsWith(`${driver} · `), `the ${VF} row to show ${driver} (shows "${last}")`, HOST_TIMEOUT);
}

test('virsh without a libvirt daemon: the VF menu offers host actions but neither Detach nor Reattach', async () => {
  assert.match(await vfDescription(), /^nvme · group \d+ · /);
  const titles = await ed.contextMenuTitles(VIEW, VF);
  assert.ok(titles.includes('Bind to vfio-pci…'), `host actions are offered: ${titles.join(', ')}`);
  assert.ok(!titles.includes(DETACH) && !titles.includes(REATTACH), `no nodedev actions without a daemon socket: ${titles.join(', ')}`);
});

test('libvirtd started: after Refresh Host the VF offers Detach, which shows the exact commands and puts the VF on vfio-pci', async () => {
  assert.match(startLibvirtd(lab), new RegExp(`^${NODEDEV}$`, 'm'), 'libvirt sees the VF');
  await ed.inlineAction(VIEW, labLabel, 'Refresh Host');
  await waitUntil(async () => (await vfDescription(), (await ed.contextMenuTitles(VIEW, VF)).includes(DETACH)), `${DETACH} on ${VF} after the refresh`, HOST_TIMEOUT);
  assert.ok(!(await ed.contextMenuTitles(VIEW, VF)).includes(REATTACH), 'Reattach is offered only once the device is on vfio-pci');
  const nic = await ed.contextMenuTitles(VIEW, SESSION_NIC);
  assert.ok(!nic.includes(DETACH), `the NIC carrying the ssh session is never offered Detach: ${nic.join(', ')}`);

  await ed.contextMenu(VIEW, VF, DETACH);
  const text = await ed.waitForDialog();
  assert.match(text, new RegExp(`^virsh nodedev-detach ${NODEDEV} on ${labLabel}$`, 'm'), text);
  assert.match(text, / -- 127\.0\.0\.1 modprobe vfio-pci$/m, text);
  assert.match(text, new RegExp(` -- 127\\.0\\.0\\.1 virsh -c qemu:///system nodedev-detach ${NODEDEV}$`, 'm'), text);
  await ed.screenshot('devices-libvirt-detach-confirm');
  await ed.answerDialog('Run');
  await ed.waitForNotification(`virsh nodedev-detach ${NODEDEV}: done.`);
  await waitForVfDriver('vfio-pci');
  assert.equal(sysfsDriver(lab, VF), 'vfio-pci', 'sysfs agrees');
  await ed.screenshot('devices-libvirt-detached');
});

test('Reattach to Host gives the VF back to nvme', async () => {
  assert.ok(!(await ed.contextMenuTitles(VIEW, VF)).includes(DETACH), 'Detach is not offered again while the VF is on vfio-pci');
  await ed.contextMenu(VIEW, VF, REATTACH);
  const text = await ed.waitForDialog();
  assert.match(text, new RegExp(` -- 127\\.0\\.0\\.1 virsh -c qemu:///system nodedev-reattach ${NODEDEV}$`, 'm'), text);
  await ed.answerDialog('Run');
  await ed.waitForNotification(`virsh nodedev-reattach ${NODEDEV}: done.`);
  await waitForVfDriver('nvme');
  assert.equal(sysfsDriver(lab, VF), 'nvme', 'sysfs agrees');
  await ed.screenshot('devices-libvirt-reattached');
});

test('Attach to Guest… on a VF: a guest defined on the lab VM holds it, confirmed with the exact command; the row names the holder', async () => {
  const VF1 = '0000:00:01.1';
  const GUEST = 'lab-guest';
  const uuid = defineLabGuest(lab, GUEST);
  await ed.inlineAction(VIEW, labLabel, 'Refresh Host');
  // The refresh is over when the Guests view lists the new guest (rows acted on before it would be replaced).
  await ed.expandTreeItem('Guests', labLabel, { waitForChildren: false });
  await waitUntil(async () => (await ed.treeItems('Guests')).some((i) => i.label === GUEST), `${GUEST} in the Guests view`, HOST_TIMEOUT);
  await ed.expandTreeItem(VIEW, labLabel);
  await ed.expandTreeItem(VIEW, LAB_PF);
  assert.ok((await ed.contextMenuTitles(VIEW, VF1)).includes('Attach to Guest…'), `Attach to Guest… on ${VF1}`);
  await ed.contextMenu(VIEW, VF1, 'Attach to Guest…');
  await ed.answerQuickInput(/Attach .* to which guest/, GUEST);
  const dialog = await ed.waitForDialog();
  assert.match(dialog, new RegExp(`Attach ${VF1.replace(/\./g, '\\.')} to ${GUEST}`), dialog);
  assert.ok(dialog.includes('virsh -c qemu:///system "$4" "$2" /proc/self/fd/0 --config $3'), dialog);
  assert.match(dialog, new RegExp(` ${uuid} .* attach-device\\n`), 'the guest by its UUID, no --live for a stopped guest');
  assert.match(dialog, /<interface type='hostdev' managed='yes'>/, 'a VF goes in as interface type=hostdev');
  await ed.screenshot('devices-libvirt-attach-vf-confirm');
  await ed.answerDialog('Run');
  await ed.waitForNotification(new RegExp(`Attach ${VF1.replace(/\./g, '\\.')} to ${GUEST}: done`));
  const held = async () => (await ed.treeItems(VIEW)).find((i) => i.label === VF1)?.description ?? '';
  let last = '';
  await waitUntil(async () => new RegExp(`held by ${GUEST} \\(stopped\\)`).test((last = await held())), `the holder on the ${VF1} row (shows "${last}")`, HOST_TIMEOUT);
  const stored = lab.exec(`virsh -c qemu:///system dumpxml --inactive ${GUEST}`).output;
  assert.match(stored, /<interface type='hostdev' managed='yes'>[^]*function='0x1'\/>/, stored);
  await ed.screenshot('devices-libvirt-vf-held');
});
