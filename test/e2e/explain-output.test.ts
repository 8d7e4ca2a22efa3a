/**
 * Real editor: the explainer hover on a known error message shown in an OUTPUT CHANNEL (issue 7 item 2).
 * "Explain Error Message" logs the messages it explained to the "KVM Networking" channel; hovering one of
 * them in the Output panel (and in "Open Output in Editor") shows the knowledge-base entry.
 * Screenshots land in test-results/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEditor, type Editor } from './harness';

const MESSAGE = "qemu-system-x86_64: -netdev user,id=n0: Duplicate ID 'n0' for netdev";
const LOG = ['starting guest vm1', MESSAGE, ''].join('\n');

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'explain-output', workspaceFiles: { 'qemu.log': LOG } });
});
after(async () => {
  await ed?.close();
});

test('Explain Error Message logs the explained message to the KVM Networking channel', async () => {
  await ed.openFile('qemu.log');
  await ed.goToLine(2, 1);
  await ed.page.keyboard.press('Shift+End');
  await ed.runCommand('KVM Networking: Explain Error Message');
  // The preview takes focus once loaded: wait for it, so the next palette keys reach the workbench.
  const body = ed.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
  await body.getByText('Duplicate netdev id').first().waitFor();
  await ed.waitForExtensionLog(/explain: duplicate-netdev-id: .*Duplicate ID 'n0' for netdev/);
});

test('hovering the message in the Output panel explains it', async () => {
  await ed.runCommand('View: Close All Editors');
  await ed.runCommand('KVM Networking: Show Log');
  const panel = ed.page.locator('.part.panel');
  const line = panel.locator('.monaco-editor .view-line', { hasText: /Duplicate\sID/ }).last();
  await line.waitFor();
  await line.locator('span', { hasText: /netdev$/ }).last().hover();
  const hover = ed.page.locator('.monaco-hover-content', { hasText: 'Duplicate netdev id' }).first();
  await hover.waitFor();
  assert.match(await hover.innerText(), /Fix \(plain QEMU\)[\s\S]*Fix \(libvirt\)/);
  await ed.screenshot('explain-output-hover');
});

test('hovering the message in "Open Output in Editor" explains it', async () => {
  await ed.page.mouse.move(5, 400);
  // The action is in the Output view's title bar but hidden by default: show it as a user would (toolbar
  // context menu), then open the channel as a normal editor (its document keeps the `output` scheme).
  const toolbar = ed.page.locator('.part.panel .title-actions .monaco-toolbar').first();
  await ed.contextMenuOn(toolbar, /Open Output in Editor/);
  await ed.page.locator('.part.panel .title-actions .action-label[aria-label^="Open Output in Editor"]').first().click();
  const editor = ed.page.locator('.editor-group-container.active .monaco-editor');
  const line = editor.locator('.view-line', { hasText: /Duplicate\sID/ }).last();
  await line.waitFor();
  await line.locator('span', { hasText: /netdev$/ }).last().hover();
  const hover = ed.page.locator('.monaco-hover-content', { hasText: 'Duplicate netdev id' }).first();
  await hover.waitFor();
  assert.match(await hover.innerText(), /Fix \(plain QEMU\)[\s\S]*Fix \(libvirt\)/);
  await ed.screenshot('explain-output-editor-hover');
});
