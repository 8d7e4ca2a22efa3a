/**
 * Drag-and-drop from the Devices view onto an open libvirt XML editor, in a real editor: the
 * tree's drag controller puts the device's element on the drag as text/plain, the editor drops it
 * at the mouse, and the saved domain.xml passes virt-xml-validate.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { MINIMAL_DOMAIN as DOMAIN } from './fixtures';
import { startEditor, waitUntil, type Editor } from './harness';

const VIEW = 'Devices';

let ed: Editor;
after(async () => {
  await ed?.close();
});

/**
 * A fresh editor per drag: in code-server a second tree drag in the same window sometimes showed the
 * drop caret and then ended without inserting anything (about 1 run in 8), so each drag gets its own window.
 */
async function freshEditor(name: string): Promise<void> {
  await ed?.close();
  ed = await startEditor({ name, examples: false, workspaceFiles: { 'domain.xml': DOMAIN } });
  await ed.openFile('domain.xml');
  await ed.openViewContainer('KVM Networking');
  await ed.expandTreeItem(VIEW, 'Demo host (embedded)');
  await ed.expandTreeItem(VIEW, '0000:3b:00.0');
}

function validate(): string {
  const file = path.join(ed.workspace, 'domain.xml');
  const text = readFileSync(file, 'utf8');
  const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
  assert.ok(!r.error, 'virt-xml-validate is missing: install the Debian package libvirt-clients');
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${text}`);
  return text;
}

/**
 * Presses on the tree row and moves to the end of an editor line in steps, as a hand would, then
 * keeps moving over the target until the editor shows its drop caret (the `dnd-target` decoration):
 * releasing before the editor accepted the drag would end it without a drop.
 */
async function drag(rowLabel: string, line: number): Promise<void> {
  const row = await ed.treeItem(VIEW, rowLabel);
  const from = (await row.boundingBox())!;
  const editor = ed.page.locator('.editor-group-container.active .monaco-editor');
  const target = editor.locator('.view-lines .view-line').nth(line - 1);
  const to = (await target.boundingBox())!;
  const text = (await target.locator('span').first().boundingBox())!;
  const x = Math.min(to.x + to.width - 5, text.x + text.width + 40);
  const y = to.y + to.height / 2;
  await ed.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await ed.page.mouse.down();
  await ed.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 3 });
  await ed.page.mouse.move(x, y, { steps: 15 });
  let dx = 0;
  await waitUntil(async () => {
    await ed.page.mouse.move(x + (dx = 1 - dx), y);
    return (await editor.locator('.dnd-target').count()) > 0;
  }, `the editor's drop caret while dragging ${rowLabel}`);
  await ed.page.mouse.up();
}

test("dragging a VF onto domain.xml drops <interface type='hostdev'> that virt-xml-validate accepts", async () => {
  await freshEditor('devices-dnd-vf');
  await drag('0000:3b:02.1', 8); // the end of the <emulator> line, inside <devices>
  await waitUntil(async () => (await ed.editorText()).includes("<interface type='hostdev' managed='yes'>"), 'the dropped <interface> in the editor');
  await ed.save();
  const text = validate();
  assert.match(text, /<\/emulator><interface type='hostdev' managed='yes'>\s*<source>\s*<address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x1'\/>\s*<\/source>\s*<\/interface>\s*<\/devices>/);
  await ed.screenshot('devices-dnd');
});

test('dragging a PF onto domain.xml drops a managed <hostdev> that virt-xml-validate accepts', async () => {
  await freshEditor('devices-dnd-pf');
  await drag('0000:3b:00.1', 8);
  await waitUntil(async () => (await ed.editorText()).includes("<hostdev mode='subsystem' type='pci' managed='yes'>"), 'the dropped <hostdev> in the editor');
  await ed.save();
  const text = validate();
  assert.match(text, /<\/emulator><hostdev mode='subsystem' type='pci' managed='yes'>\s*<source>\s*<address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'\/>\s*<\/source>\s*<\/hostdev>\s*<\/devices>/);
});
