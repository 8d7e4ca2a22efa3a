/**
 * Real editor (#15 part 5): first contact with a host whose key is unknown. Discovery fails (ssh runs with
 * BatchMode), the extension asks with the fingerprint ssh-keyscan read (checked here against ssh-keygen on the
 * sshd's own key file), and only an accepted key is recorded; then the host's devices show. A declined key
 * records nothing. Screenshot test-results/host-key-prompt.png.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostLabel, parseHostSpec } from '../../src/core/host/hostSpec';
import { startSshd, which, type TestSshd } from '../core/host/sshd';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';
let ed: Editor;
let sshd: TestSshd;
let dir: string;
let knownHosts: string;
let fingerprint: string;

before(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-e2e-hostkey-'));
  knownHosts = path.join(dir, 'known_hosts');
  fingerprint = spawnSync(which('ssh-keygen', 'openssh-client'), ['-lf', path.join(sshd.dir, 'host_key.pub')], { encoding: 'utf8' }).stdout.split(' ')[1]!;
  assert.match(fingerprint, /^SHA256:/);
  // The test key, checked against a known_hosts file of the test's own (no StrictHostKeyChecking=no here).
  const options = [...sshd.clientOptions.filter((o) => !/^(StrictHostKeyChecking|UserKnownHostsFile)=/.test(o)), `UserKnownHostsFile=${knownHosts}`];
  const machine = { 'kvmnet.hosts': [sshd.hostSpec], 'kvmnet.ssh.options': options, 'kvmnet.ssh.connectTimeout': 10 };
  ed = await startEditor({ name: 'host-key', examples: false, settings: { ...machine, 'kvmnet.demoHost.enabled': false } });
  mkdirSync(path.join(ed.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(ed.userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
});

after(async () => {
  await ed?.close();
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an unknown host key: the prompt shows its fingerprint; declined, nothing is recorded; trusted, it is recorded and the devices show', async () => {
  const label = hostLabel(parseHostSpec(sshd.hostSpec));
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, label, { waitForChildren: false });
  let dialog = await ed.waitForDialog();
  assert.match(dialog, /host key of .* is not known yet/);
  assert.ok(dialog.includes(fingerprint), `the dialog shows ${fingerprint}: ${dialog}`);
  assert.ok(dialog.includes(knownHosts), 'the dialog names the known_hosts file it would write');
  await ed.screenshot('host-key-prompt');
  await ed.answerDialog('Cancel');
  await ed.waitForExtensionLog(/not trusted/);
  assert.ok(!existsSync(knownHosts), 'nothing recorded after Cancel');

  // Retrying the host asks again.
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((r) => /Host key verification failed/.test(r.label)), 'the error row');
  await (await ed.treeItem(VIEW, /Host key verification failed/)).click();
  dialog = await ed.waitForDialog();
  assert.ok(dialog.includes(fingerprint));
  await ed.answerDialog('Trust and Connect');
  await waitUntil(async () => (await ed.treeItems(VIEW)).some((r) => /^IOMMU group|^[0-9a-f]{4}:[0-9a-f]{2}:/.test(r.label) || /functions?/.test(r.description ?? '')), 'the host\'s devices after trusting its key', 60_000);
  const recorded = readFileSync(knownHosts, 'utf8');
  const [type, key] = readFileSync(path.join(sshd.dir, 'host_key.pub'), 'utf8').split(' ');
  assert.equal(recorded, `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
});
