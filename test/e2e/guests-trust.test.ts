/**
 * Real editor, issue #15 part 2: in Restricted Mode the Guests view shows each host with the usual "trust the
 * workspace" row and nothing else, and nothing runs: kvmnet.ssh.path is a script that would leave a marker file.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Editor } from './harness';
import { startUntrustedEditor } from './harness-trust';

const GUESTS = 'Guests';
const TRUST = 'Trust the workspace to list this host';
let ed: Editor;
let dir: string;
let marker: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-guests-trust-'));
  marker = path.join(dir, 'ssh.ran');
  const ssh = path.join(dir, 'ssh.sh');
  writeFileSync(ssh, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(ssh, 0o755);
  ed = await startUntrustedEditor({ name: 'guests-trust', examples: false, settings: { 'kvmnet.hosts': ['ssh://nobody@127.0.0.1:1'], 'kvmnet.ssh.path': ssh, 'kvmnet.demoHost.enabled': false } });
});

after(async () => {
  await ed?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('Restricted Mode: every host in Guests shows only the trust row, and no discovery runs', async () => {
  await ed.openViewContainer('KVM Networking');
  for (const host of ['nobody@127.0.0.1:1', 'This machine']) {
    await ed.expandTreeItem(GUESTS, host);
    await ed.treeItem(GUESTS, TRUST);
  }
  const rows = (await ed.treeItems(GUESTS)).map((r) => `${r.depth} ${r.label}${r.description ? ` (${r.description})` : ''}`);
  assert.deepEqual(rows, ['1 This machine', `2 ${TRUST}`, '1 nobody@127.0.0.1:1', `2 ${TRUST}`]);
  await ed.screenshot('guests-untrusted');
  assert.equal(existsSync(marker), false, 'kvmnet.ssh.path never ran');
});
