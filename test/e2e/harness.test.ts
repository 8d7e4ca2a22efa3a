/**
 * The harness's own helpers against stock VS Code features (JSON diagnostics, Explorer menus, settings), so a
 * change in code-server's DOM shows up here rather than as a puzzling failure in a feature test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEditor, waitUntil, type Editor } from './harness';

let ed: Editor;
before(async () => {
  ed = await startEditor({
    name: 'harness',
    examples: false,
    workspaceFiles: { 'bad.json': '{\n  "a": ,\n  "b" 1\n}\n', 'notes/empty.txt': '' },
  });
});
after(() => ed?.close());

test('readDiagnostics reads the Problems panel with file, severity, source, code and 1-based position', async () => {
  await ed.openFile('bad.json');
  await ed.waitForSquiggle('error');
  const problems = await ed.waitForDiagnostic((p) => p.message === 'Colon expected');
  assert.deepEqual(
    problems.map((p) => [p.file, p.severity, p.source, p.message, p.line, p.column]),
    [
      ['bad.json', 'error', 'json', 'Value expected', 2, 8],
      ['bad.json', 'error', 'json', 'Colon expected', 3, 7],
    ],
  );
});

test("findings (the extension's diagnostics probe) list what the Problems panel shows, without reading it", async () => {
  // The probe is the extension's: a JSON file does not activate it, its view does.
  await ed.openViewContainer('KVM Networking');
  await ed.waitForExtensionLog(/activated/);
  await ed.openFile('bad.json');
  const shown = await ed.waitForDiagnostic((p) => p.message === 'Colon expected');
  const found = await ed.waitForFinding((p) => p.message === 'Colon expected');
  const fields = (ps: { file: string; severity: string; source: string; message: string; line: number; column: number }[]) =>
    ps.map((p) => [p.file, p.severity, p.source, p.message, p.line, p.column].join('|')).sort();
  assert.deepEqual(fields(found), fields(shown));
});

test('editorText, typeText, insertText (verbatim), goToLine and save', async () => {
  await ed.openFile('notes/empty.txt');
  assert.equal(await ed.editorText(), '');
  await ed.typeText('first');
  await ed.insertText('\n  second\n    third');
  await ed.goToLine(1, 1);
  await ed.typeText('> ');
  const expected = '> first\n  second\n    third';
  assert.equal(await ed.editorText(), expected);
  await ed.save();
  assert.equal(readFileSync(path.join(ed.workspace, 'notes', 'empty.txt'), 'utf8'), expected);
});

test('context menus of tree items, and the clipboard', async () => {
  await ed.page.keyboard.press('Control+Shift+E');
  const items = await ed.treeItems('ws');
  assert.ok(items.some((i) => i.label === 'bad.json'), JSON.stringify(items));
  const titles = await ed.contextMenuTitles('ws', 'bad.json');
  assert.ok(titles.includes('Copy Relative Path'), JSON.stringify(titles));
  await ed.contextMenu('ws', 'bad.json', 'Copy Relative Path');
  assert.equal(await ed.waitForClipboard(/bad\.json$/), 'bad.json');
});

test('updateSettings applies settings the extension reacts to', async () => {
  await ed.openViewContainer('KVM Networking');
  await waitUntil(async () => (await ed.treeItems('Devices')).some((i) => i.label === 'Demo host (embedded)'), 'the demo host');
  await ed.updateSettings({ 'kvmnet.demoHost.enabled': false });
  await waitUntil(async () => !(await ed.treeItems('Devices')).some((i) => i.label === 'Demo host (embedded)'), 'the demo host to go');
  assert.ok(await ed.waitForExtensionLog(/activated/));
});
