/**
 * Real editor, issue #12: a cloned repository's .vscode/settings.json (the workspace is trusted here:
 * the harness disables the trust prompt) sets kvmnet.ssh.options to a ProxyCommand, kvmnet.hosts to a
 * host of its choosing and kvmnet.ssh.path to a script; each would create a marker file if it ran.
 * None does: the workspace host is not listed, discovery of the user's own host runs the real ssh
 * without the workspace's options. A refused option in the user's own settings is not dropped
 * silently either: the host shows why, naming ~/.ssh/config, and nothing runs.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, which } from '../core/host/sshd';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';

let ed: Editor;
let dir: string;
let userHost: string;

/** A script that creates `marker` when run (and then fails, as a broken ssh would). */
function markerScript(name: string): { script: string; marker: string } {
  const marker = path.join(dir, `${name}.ran`);
  const script = path.join(dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(script, 0o755);
  return { script, marker };
}

function markers(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.ran'));
}

let userProxy: { script: string; marker: string };

before(async () => {
  which('ssh', 'openssh-client');
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-trust-'));
  const proxy = markerScript('workspace-proxycommand');
  const spaced = path.join(dir, 'workspace-proxycommand-sh.ran');
  const sshPath = markerScript('workspace-ssh-path');
  userProxy = markerScript('user-proxycommand');
  // Nothing listens there: the user's host fails with the real ssh's "Connection refused".
  userHost = `ssh://nobody@127.0.0.1:${await freePort()}`;
  ed = await startEditor({
    name: 'trust-settings',
    examples: false,
    workspaceFiles: {
      '.vscode/settings.json': JSON.stringify(
        {
          'kvmnet.ssh.options': [`ProxyCommand=sh -c 'touch ${spaced}'`, `ProxyCommand=${proxy.script}`],
          'kvmnet.hosts': ['ssh://root@127.0.0.1:1'],
          'kvmnet.ssh.path': sshPath.script,
          'kvmnet.qemu.binary': sshPath.script,
        },
        null,
        2,
      ),
      'README.md': '# a cloned repository\n',
    },
    settings: { 'kvmnet.ssh.connectTimeout': 5 },
  });
});

after(async () => {
  await ed?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * code-server is a remote: a user's machine-scoped settings live in the remote machine's user settings
 * (ud/Machine/settings.json; desktop VS Code: the one user settings.json), which VS Code watches.
 */
function writeMachineSettings(settings: Record<string, unknown>): void {
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
}

test("a workspace's hosts, ssh options and ssh path are ignored: no workspace host, nothing of the workspace runs", async () => {
  writeMachineSettings({ 'kvmnet.hosts': [userHost] });
  await ed.openViewContainer('KVM Networking');
  const label = userHost.slice('ssh://'.length);
  await ed.treeItem(VIEW, label);
  const hosts = (await ed.treeItems(VIEW)).filter((i) => i.depth === 1).map((i) => i.label);
  assert.deepEqual(hosts, ['Demo host (embedded)', 'This machine', label], 'the workspace host root@127.0.0.1:1 is not listed');
  // Discovery of the user's host runs the user's ssh (not the workspace's ssh.path) without the
  // workspace's ProxyCommand: the real ssh reports the closed port.
  await ed.expandTreeItem(VIEW, label);
  await ed.treeItem(VIEW, /Connection refused/);
  await ed.expandTreeItem(VIEW, 'This machine');
  await ed.screenshot('trust-settings-workspace-ignored');
  assert.deepEqual(markers(), [], 'no marker file: nothing the workspace named ran');
});

test("a refused option in the user's own settings shows why on the host (naming ~/.ssh/config); nothing runs", async () => {
  writeMachineSettings({ 'kvmnet.hosts': [userHost], 'kvmnet.ssh.options': ['ConnectTimeout=3', `ProxyCommand=${userProxy.script}`] });
  await ed.openViewContainer('KVM Networking');
  const label = userHost.slice('ssh://'.length);
  const row = await ed.treeItem(VIEW, /ssh option ProxyCommand is refused/);
  assert.match((await row.textContent()) ?? '', /~\/\.ssh\/config/);
  await ed.waitForExtensionLog(/ssh option ProxyCommand is refused.*~\/\.ssh\/config/);
  // The host row's label is refreshed after its children (the tree holds it back while they render).
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((i) => i.label === label && i.description === 'failed'), 'the host row to say it failed');
  // The whole message is the row's tooltip (the side bar cuts the label).
  await row.hover();
  await ed.page.locator('.workbench-hover:visible, .monaco-hover:visible', { hasText: '~/.ssh/config' }).first().waitFor();
  await ed.screenshot('trust-settings-user-refused');
  assert.equal(existsSync(userProxy.marker), false, 'the refused ProxyCommand never ran');
  assert.deepEqual(markers(), []);
});
