import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Editor } from './harness';
import { startUntrustedEditor } from './harness-trust';

// Real editor in Restricted Mode: the composer still previews, but Write into Launch Script refuses like the
// launch-script commands (what lands in a script runs on a host later) and the script stays as it was.

let ed: Editor;
before(async () => {
  ed = await startUntrustedEditor({ name: 'composer-trust', viewport: { width: 1600, height: 1000 } });
});
after(() => ed?.close());

test('untrusted workspace: Write into Launch Script refuses and leaves the script unchanged', async () => {
  const file = path.join(ed.workspace, 'launch-vm.sh');
  const before = readFileSync(file, 'utf8');
  await ed.openFile('launch-vm.sh');
  await ed.runCommand('KVM Networking: Compose Network Device…');
  const ui = ed.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await ui.locator('#xml', { hasText: "<interface type='user'>" }).waitFor();
  await ui.locator('#write-script').click();
  await ui.locator('#status', { hasText: /Trust the workspace to write into launch scripts/ }).waitFor();
  await ed.screenshot('composer-trust-refused');
  await ed.page.locator('.tabs-container .tab[data-resource-name="launch-vm.sh"]').first().click();
  assert.equal((await ed.editorText()).includes('-netdev user,id=net0'), false, 'the open script is not edited');
  assert.equal(readFileSync(file, 'utf8'), before, 'the script on disk is unchanged');
});
