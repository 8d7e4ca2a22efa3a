/**
 * Real editor (#15 part 5): ssh's questions reach the user as an input box (askpass), never a hang. The host's
 * key is passphrase-protected; the input box asks with ssh's own prompt, hidden typing, and the answer unlocks it:
 * the host's devices show. Screenshot test-results/askpass-prompt.png.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostLabel, parseHostSpec } from '../../src/core/host/hostSpec';
import { startSshd, which, type TestSshd } from '../core/host/sshd';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';
const PASSPHRASE = 'correct horse';
let ed: Editor;
let sshd: TestSshd;
let dir: string;

before(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-e2e-askpass-'));
  const key = path.join(dir, 'key');
  assert.equal(spawnSync(which('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', key]).status, 0);
  appendFileSync(path.join(sshd.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
  const options = [`IdentityFile=${key}`, ...sshd.clientOptions.filter((o) => !o.startsWith('IdentityFile='))];
  const machine = { 'kvmnet.hosts': [sshd.hostSpec], 'kvmnet.ssh.options': options, 'kvmnet.ssh.connectTimeout': 10 };
  ed = await startEditor({ name: 'askpass', examples: false, settings: { ...machine, 'kvmnet.demoHost.enabled': false } });
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
});

after(async () => {
  await ed?.close();
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a passphrase-protected key: ssh's prompt shows as a hidden input box; the answer unlocks the host", async () => {
  const label = hostLabel(parseHostSpec(sshd.hostSpec));
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, label, { waitForChildren: false });
  const widget = ed.page.locator('.quick-input-widget', { has: ed.page.locator('.quick-input-title', { hasText: `ssh to ${label}` }) });
  await widget.waitFor();
  assert.match(await widget.innerText(), /Enter passphrase for key/);
  assert.equal(await widget.locator('.quick-input-box input').getAttribute('type'), 'password', 'typing is hidden');
  await widget.locator('.quick-input-box input').fill(PASSPHRASE);
  await ed.screenshot('askpass-prompt');
  await ed.page.keyboard.press('Enter');
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((r) => /functions?/.test(r.description ?? '') || /^[0-9a-f]{4}:[0-9a-f]{2}:/.test(r.label)), "the host's devices after the passphrase", 60_000);
  await ed.waitForExtensionLog(/asked "Enter passphrase for key .*": answered/);
});
