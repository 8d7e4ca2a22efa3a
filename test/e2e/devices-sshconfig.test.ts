/**
 * Real editor: "Add Hosts from ~/.ssh/config…" offers the concrete Host aliases of the user's ssh
 * config and the files it Includes (no `Host *` pattern, no Match block, no alias that looks like an
 * option or carries shell metacharacters), appends the picked ones to the user's `kvmnet.hosts`, and the Devices view lists
 * them: one reaches a real sshd on 127.0.0.1 and shows this machine's devices, the other cannot be
 * reached and shows its error as a tree item with a retry (no modal). Also: the Devices tree
 * renders only the levels that were expanded. Screenshots in test-results/.
 *
 * HOME points code-server at a temp home whose ~/.ssh/config is the fixture. OpenSSH reads the
 * passwd entry's home, not $HOME, so `kvmnet.ssh.path` is a wrapper running `ssh -F` on that same
 * file: ssh resolves the aliases exactly as it would from the user's own ~/.ssh/config.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startSshd, which, type TestSshd } from '../core/host/sshd';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';
const COMMAND = 'KVM Networking: Add Hosts from ~/.ssh/config…';

let ed: Editor;
let sshd: TestSshd;
let home: string;

before(async () => {
  const ssh = which('ssh', 'openssh-client');
  sshd = await startSshd();
  const closedPort = await freePort();
  home = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-home-'));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  const config = path.join(home, '.ssh', 'config');
  const key = (k: string) => path.join(sshd.dir, k);
  mkdirSync(path.join(home, '.ssh', 'conf.d'));
  writeFileSync(path.join(home, '.ssh', 'conf.d', 'lab.conf'), 'Host included-box\n  HostName 127.0.0.1\n', { mode: 0o600 });
  writeFileSync(
    config,
    [
      'Include conf.d/*.conf',
      '',
      'Host *',
      '  ServerAliveInterval 30',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '',
      'Host lab-local # the test sshd',
      '  HostName 127.0.0.1',
      `  Port ${sshd.port}`,
      `  User ${os.userInfo().username}`,
      `  IdentityFile ${key('client_key')}`,
      '  IdentitiesOnly yes',
      '',
      'Host=dead-box',
      '  HostName 127.0.0.1',
      `  Port ${closedPort}`,
      '',
      'Host already-listed',
      '  HostName 127.0.0.1',
      '',
      'Host web-* !web-3 db?',
      '  User web',
      '',
      'Match host lab-local exec "false"',
      '  User match-only',
      '',
      'Host -oProxyCommand=reboot evil;reboot $(id) back`tick` a|b',
      '  HostName 127.0.0.1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const wrapper = path.join(home, 'ssh-with-config');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${ssh} -F ${config} "$@"\n`);
  chmodSync(wrapper, 0o755);
  ed = await startEditor({
    name: 'devices-sshconfig',
    examples: false,
    env: { HOME: home },
    settings: { 'kvmnet.hosts': ['already-listed'], 'kvmnet.ssh.path': wrapper, 'kvmnet.ssh.connectTimeout': 5 },
  });
});

after(async () => {
  await ed?.close();
  sshd?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/**
 * Runs a palette command that opens a multi-select quick pick: the palette's widget is reused for the
 * pick, so waiting for it to hide (as runCommand does) races with the pick showing.
 */
async function runCommandIntoPick(title: string): Promise<void> {
  await ed.page.keyboard.press('F1');
  const input = ed.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = ed.page.locator('.quick-input-list .monaco-list-row').filter({ has: ed.page.locator('.label-name', { hasText: title }) });
  await row.first().click();
  await ed.page.locator('.quick-input-widget.show-checkboxes').waitFor();
}

test('the Devices tree renders only expanded levels: VF rows appear when their PF is expanded', async () => {
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  let items = await ed.treeItems(VIEW);
  const pfs = items.filter((i) => i.depth === 2 && i.expanded === false);
  assert.ok(pfs.some((p) => p.label === '0000:3b:00.0'), `the X710 PF is a collapsed row: ${JSON.stringify(items)}`);
  assert.deepEqual(items.filter((i) => i.depth > 2), [], 'no row below a collapsed PF');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
  items = await ed.treeItems(VIEW);
  const at = items.findIndex((i) => i.label === '0000:3b:00.0');
  const deeper = items.filter((i) => i.depth > 2);
  assert.deepEqual(deeper.map((i) => i.label), ['0000:3b:02.0', '0000:3b:02.1', '0000:3b:02.2', '0000:3b:02.3']);
  assert.deepEqual(items.slice(at + 1, at + 5), deeper, 'the VF rows are right under their PF');
  await ed.viewTitleAction(VIEW, 'Collapse All');
});

test('Add Hosts from ~/.ssh/config: concrete, safe aliases only; picked ones land in the user settings and the view', async () => {
  await ed.openViewContainer('KVM Networking');
  await runCommandIntoPick(COMMAND);
  const rows = ed.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor();
  const offered = (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(offered, ['included-box', 'lab-local', 'dead-box'], 'Included files too; no pattern, negation, Match block, configured or unsafe alias');
  for (const alias of ['lab-local', 'dead-box']) {
    const row = rows.filter({ has: ed.page.locator('.label-name', { hasText: new RegExp(`^${alias}$`) }) });
    await row.click();
    await waitUntil(async () => (await row.getAttribute('aria-checked')) === 'true', `${alias} to be checked`);
  }
  await ed.screenshot('devices-sshconfig-pick');
  await ed.page.keyboard.press('Enter');
  await ed.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

  // code-server is a remote: VS Code writes a machine-overridable user setting to the remote machine's user
  // settings (ud/Machine), which take precedence over ud/User (desktop VS Code: the one user settings.json).
  const machine = path.join(ed.userDataDir, 'Machine', 'settings.json');
  const hostsIn = (file: string): unknown => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)['kvmnet.hosts'];
    } catch {
      return undefined; // not written yet, or caught mid-write
    }
  };
  await waitUntil(() => JSON.stringify(hostsIn(machine) ?? []).includes('dead-box'), 'the picked hosts in the user settings');
  assert.deepEqual(hostsIn(machine), ['already-listed', 'lab-local', 'dead-box'], 'appended to the configured hosts');

  await ed.treeItem(VIEW, 'lab-local');
  await ed.treeItem(VIEW, 'dead-box');

  // The reachable one: a real ssh round trip to the test sshd, resolved through the ssh config.
  await ed.expandTreeItem(VIEW, 'lab-local');
  const nic = readdirSync('/sys/bus/pci/devices').find((b) => readFileSync(`/sys/bus/pci/devices/${b}/class`, 'utf8').startsWith('0x02'));
  assert.ok(nic, 'this machine has a PCI network controller');
  await ed.treeItem(VIEW, nic);
  await waitUntil(async () => /functions/.test((await ed.treeItems(VIEW)).find((i) => i.label === 'lab-local')?.description ?? ''), 'lab-local to show its function count');
  await ed.viewTitleAction(VIEW, 'Collapse All');

  // The unreachable one: its error is a tree item with a retry, not a dialog or a toast.
  await ed.expandTreeItem(VIEW, 'dead-box');
  await ed.treeItem(VIEW, /Connection refused/);
  const titles = await ed.contextMenuTitles(VIEW, /Connection refused/);
  assert.ok(titles.includes('Retry Host Discovery'), titles.join(', '));
  assert.equal(await ed.page.locator('.monaco-dialog-box').count(), 0, 'no modal dialog');
  assert.deepEqual((await ed.notifications()).filter((n) => /refused|dead-box/.test(n)), [], 'no notification');
  await ed.screenshot('devices-sshconfig-hosts');
});

