/**
 * Real editor, issue #12: host guards fail closed and confirmations show what will run. Two fake hosts behind
 * a fake ssh (kvmnet.ssh.path in the user settings; it never connects anywhere, see test/core/host/fakeHost.ts)
 * replay the lab VM's real discovery answer: one cut short with ssh exiting 255, one whole. The cut host's row
 * says why and none of its devices offers a host-changing action (context menu, palette); on the whole one the
 * confirmation names the host and shows the ssh command lines, and a bind that fails midway lists what ran and
 * offers the restore plan, which is confirmed again before it runs. Screenshots in test-results/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LABVM_DISCOVERY, startFakeHost, type FakeHost } from '../core/host/fakeHost';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';
const CUT = 'cut-host';
const LAB = 'lab-host';
const PF = '0000:00:01.0';
const VF = '0000:00:01.1';
const HOST_ACTIONS = ['Set Number of VFs…', 'Bind to vfio-pci…', 'Restore Host Driver (leave vfio-pci)…', 'Detach from Host (virsh nodedev-detach)…', 'Reattach to Host (virsh nodedev-reattach)…'];

let ed: Editor;
let fake: FakeHost;
before(async () => {
  fake = startFakeHost();
  // The connection drops after the devices and interfaces, before the ssh-session facts and END.
  fake.answer(CUT, LABVM_DISCOVERY.slice(0, LABVM_DISCOVERY.indexOf('S\troot\t')), 255, 'Connection to cut-host closed by remote host.\n');
  fake.answer(LAB, LABVM_DISCOVERY);
  ed = await startEditor({
    name: 'devices-guards',
    examples: false,
    settings: {
      'kvmnet.hosts': [`ssh://root@${CUT}`, `ssh://root@${LAB}`],
      'kvmnet.ssh.path': fake.sshPath,
      'kvmnet.demoHost.enabled': false,
    },
  });
});
after(async () => {
  await ed?.close();
  fake?.stop();
});

test('a host whose discovery was cut short shows why and offers no host-changing action', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, `root@${CUT}`);
  const why = /^Discovery did not finish: .*END line.*ssh exited with status 255 \(Connection to cut-host closed by remote host\.\)/;
  await ed.treeItem(VIEW, why);
  const host = (await ed.treeItems(VIEW)).find((i) => i.label === `root@${CUT}`)!;
  assert.match(host.description, /^partial · labvm · \d+ functions/);
  // The PF is listed (what was read is shown), but neither it nor its VFs can be changed.
  await ed.expandTreeItem(VIEW, PF);
  for (const row of [PF, VF]) {
    const titles = await ed.contextMenuTitles(VIEW, row);
    assert.ok(titles.includes('Copy PCI Address (BDF)'), `${row}: ${titles.join(', ')}`);
    for (const a of HOST_ACTIONS) assert.ok(!titles.includes(a), `${row} offers ${a}: ${titles.join(', ')}`);
  }
  await ed.treeItem(VIEW, why);
  await ed.screenshot('devices-guards-partial-host');

  // From the palette the same host is refused before anything is asked or run.
  const ran = fake.ran(CUT).length;
  await ed.startCommand('KVM Networking: Bind to vfio-pci…');
  await ed.answerQuickInput(/pick a host/, CUT);
  await ed.waitForNotification(/root@cut-host: discovery of this host did not finish .*host actions are disabled/);
  assert.equal(fake.ran(CUT).length, ran, 'nothing ran on the cut host');
});

test('the confirmation names the host and shows the ssh command lines; a bind failing midway offers the restore, confirmed again', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.viewTitleAction(VIEW, 'Collapse All');
  await ed.expandTreeItem(VIEW, `root@${LAB}`);
  await ed.expandTreeItem(VIEW, PF);
  await ed.contextMenu(VIEW, VF, 'Bind to vfio-pci…');
  const text = await ed.waitForDialog();
  assert.match(text, new RegExp(`^Bind ${VF} to vfio-pci on root@${LAB}$`, 'm'), text);
  assert.match(text, new RegExp(`^Host: root@${LAB}, over ssh \\(${fake.sshPath}\\)`, 'm'), text);
  // Each step is the exact, pasteable ssh invocation: the fake's path, BatchMode (no: the editor's askpass answers
  // ssh's questions), the host after --, the remote argv.
  const lines = text.split('\n').filter((l) => l.startsWith(`${fake.sshPath} `));
  assert.equal(lines.length, 3, text);
  for (const l of lines) assert.match(l, new RegExp(` -o BatchMode=no .*-l root .*-- ${LAB} `));
  assert.match(lines[0]!, / -- lab-host modprobe vfio-pci$/);
  assert.match(lines[1]!, new RegExp(` -- lab-host sh -c .*printf.* kvmnet-write vfio-pci /sys/bus/pci/devices/${VF}/driver_override$`));
  await ed.screenshot('devices-guards-confirm');

  // The host refuses the driver_override write (once): modprobe completed, the probe never ran.
  fake.failOnce(LAB, 'driver_override');
  await ed.answerDialog('Run');
  const failure = await ed.waitForDialog();
  assert.match(failure, new RegExp(`^Bind ${VF} to vfio-pci on root@${LAB} failed$`, 'm'), failure);
  assert.match(failure, /^Completed \(1 of 3\):\n.* -- lab-host modprobe vfio-pci$/m, failure);
  assert.match(failure, /^Failed:\n.*driver_override\n\s*sh: write error: No such device$/m, failure);
  assert.match(failure, /^Not run:\n.*drivers_probe$/m, failure);
  assert.match(failure, new RegExp(`^The host now \\(discovered again\\): ${VF}: driver \\(none\\), driver_override \\(none\\)$`, 'm'), failure);
  await ed.screenshot('devices-guards-partial-failure');
  assert.deepEqual(fake.ran(LAB).map((l) => l.split(' ').at(-1)), ['vfio-pci', `/sys/bus/pci/devices/${VF}/driver_override`]);

  // The restore is a plan of its own: confirmed with its commands before anything runs.
  // Its button opens the next dialog at once (the harness's answerDialog waits for no dialog at all).
  const dialog = ed.page.locator('.monaco-dialog-box').first();
  await dialog.locator('.monaco-button', { hasText: `Give ${VF} back to its native driver` }).click();
  let restore = '';
  await waitUntil(async () => /^Host: /m.test((restore = await ed.waitForDialog())), 'the restore plan confirmation');
  assert.match(restore, new RegExp(`^Give ${VF} back to its native driver on root@${LAB}$`, 'm'), restore);
  // The empty value, quoted for the remote shell ('') and again for pasting: ''\'''\'''.
  assert.match(restore, new RegExp(` -- lab-host sh -c .* kvmnet-write ''\\\\'''\\\\''' /sys/bus/pci/devices/${VF}/driver_override$`, 'm'), restore);
  assert.equal(fake.ran(LAB).length, 2, 'nothing more ran before the confirmation');
  await ed.answerDialog('Run');
  await ed.waitForNotification(`Give ${VF} back to its native driver: done.`);
  await waitUntil(() => fake.ran(LAB).length === 4, 'the two restore commands to run');
  assert.match(fake.ran(LAB)[3]!, /kvmnet-write 0000:00:01\.1 \/sys\/bus\/pci\/drivers_probe$/);
});
