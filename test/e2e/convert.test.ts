import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scriptToDomain } from '../../src/core/convert/scriptToXml';
import { domainToArgs } from '../../src/core/convert/xmlToArgs';
import { startEditor, type Editor } from './harness';
import { startUntrustedEditor } from './harness-trust';

// Real editor (#16 part 3): "Convert to libvirt Domain XML" from the code lens over the QEMU command of
// examples/launch-vm.sh and from the palette, "Show QEMU Arguments" for the device under the cursor of
// examples/domain.xml and then the whole domain. The result opens beside as an untitled document with exactly the
// core's conversion (read back from the editor), what did not map is a located diagnostic on the source, and the
// converted XML is linted with libvirt's schema without an error. Screenshots in test-results/convert-*.png.

/** NAT with a port forward and a tap on a bridge: the converted XML gets an emulated-NIC hint from the XML lint. */
const TWO_NICS = `#!/bin/sh
exec qemu-system-x86_64 -enable-kvm -m 1024 \\
  -netdev user,id=nat0,hostfwd=tcp::2222-:22 \\
  -device e1000,netdev=nat0,mac=52:54:00:10:00:01 \\
  -netdev tap,id=lan0,ifname=tap-vm,script=no,downscript=no \\
  -device virtio-net-pci,netdev=lan0,mac=52:54:00:10:00:02 \\
  -vga std
`;

let ed: Editor;
let untitled = 0;


const read = (file: string): string => readFileSync(path.join(ed.workspace, file), 'utf8');

/** Waits until the next untitled document is the active tab (each conversion opens a new one beside). */
async function nextUntitled(): Promise<string> {
  untitled++;
  const name = `Untitled-${untitled}`;
  await ed.page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).waitFor();
  await ed.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  return name;
}

describe('a trusted workspace', () => {
  before(async () => {
    untitled = 0;
    ed = await startEditor({ name: 'convert', workspaceFiles: { 'two-nics.sh': TWO_NICS } });
  });
  after(() => ed?.close());

  test('code lens on examples/launch-vm.sh: the domain XML beside, "not translated" located on the script', async () => {
    await ed.openFile('launch-vm.sh');
    assert.ok((await ed.codeLensTitles()).includes('Convert to libvirt Domain XML'));
    await ed.clickCodeLens('Convert to libvirt Domain XML');
    await nextUntitled();
    const toast = await ed.waitForNotification(/launch-vm\.sh → libvirt domain XML/);
    assert.match(toast, /\d+ items mapped, \d+ items not translated/);
    const expected = scriptToDomain(read('launch-vm.sh'), { scriptPath: path.join(ed.workspace, 'launch-vm.sh') });
    assert.equal(await ed.editorText(), expected.xml);

    const serial = expected.notes.find((n) => n.message === 'not translated: -serial mon:stdio');
    assert.ok(serial, 'the core reports -serial');
    const problems = await ed.waitForFinding((p) => p.file === 'launch-vm.sh' && p.message === serial.message, 'the -serial note on the script');
    assert.deepEqual(
      problems.filter((p) => p.file === 'launch-vm.sh' && p.message === serial.message).map((p) => [p.line, p.column, p.severity]),
      [[19, 17, 'warning']],
    );
    const notes = problems.filter((p) => p.file === 'launch-vm.sh' && /kvmnet convert/.test(p.source));
    assert.equal(notes.length, expected.notes.length, JSON.stringify(notes));
    await ed.readDiagnostics(); // the screenshot shows the notes in the Problems panel, as a person sees them
    // A click on the XML's first line drops the selection its text was copied with.
    await ed.page.locator('.editor-group-container').nth(1).locator('.view-line').first().click();
    await ed.screenshot('convert-launch-script');
    await ed.waitForExtensionLog(/convert: launch-vm\.sh → libvirt domain XML\n {2}mapped/);
  });

  test('palette on a script with two NICs: the XML is linted (a hint, no schema error)', async () => {
    await ed.openFile('two-nics.sh');
    await ed.runCommand('KVM Networking: Convert to libvirt Domain XML');
    const xmlDoc = await nextUntitled();
    const expected = scriptToDomain(TWO_NICS, { scriptPath: path.join(ed.workspace, 'two-nics.sh') });
    assert.equal(await ed.editorText(), expected.xml);
    assert.match(expected.xml, /<interface type='bridge'>[\s\S]*<source bridge='br0'\/>|<interface type='ethernet'>/);
    // The XML lint ran on the untitled document: the emulated e1000 is its finding.
    const problems = await ed.waitForFinding((p) => p.file === xmlDoc && /emulated NIC/.test(p.message), 'the XML lint\'s hint on the converted XML');
    const errors = problems.filter((p) => p.file === xmlDoc && p.severity === 'error');
    assert.deepEqual(errors, [], 'no schema error on a converted domain');
    assert.ok(problems.some((p) => p.file === 'two-nics.sh' && p.message === 'not translated: -vga std' && p.line === 7 && p.column === 3));
  });

  test('Show QEMU Arguments: the <interface> under the cursor, then "Whole Domain"', async () => {
    await ed.runCommand('View: Single Column Editor Layout');
    await ed.openFile('domain.xml');
    const xml = read('domain.xml');
    const line = xml.split('\n').findIndex((l) => l.includes("<interface type='bridge'>")) + 2; // its <mac> line
    await ed.goToLine(line, 7);
    const at = xml.split('\n').slice(0, line - 1).join('\n').length + 1 + 6;
    await ed.runCommand('KVM Networking: Show QEMU Arguments');
    await nextUntitled();
    const scriptPath = path.join(ed.workspace, 'domain.sh');
    // Before reading the text: the copy ends with Escape, which hides notification toasts.
    const toast = await ed.waitForNotification(/domain\.xml: the <interface> at line \d+ → QEMU arguments/);
    assert.match(toast, /1 item not translated/);
    const device = domainToArgs(xml, { scriptPath, at });
    assert.equal(device.scope, 'interface');
    assert.match(device.text, /-netdev tap,id=net0,ifname=tap-net0,script=no,downscript=no,vhost=on -device virtio-net-pci,netdev=net0,mac=52:54:00:6a:3c:02/);
    await ed.waitForFinding((p) => p.file === 'domain.xml' && p.message === "not translated: queues='2' of <driver>", 'the queues note');

    const deviceDoc = `Untitled-${untitled}`;
    await ed.notificationAction(/the <interface> at line/, 'Whole Domain');
    await nextUntitled();
    await ed.waitForNotification(/domain\.xml → QEMU launch script/);
    const whole = domainToArgs(xml, { scriptPath });
    assert.equal(await ed.editorText(), whole.text);
    // Both results are tabs of the column right of domain.xml.
    assert.equal(await ed.page.locator('.editor-group-container').count(), 2);
    const problems = await ed.waitForFinding((p) => p.file === 'domain.xml' && /not translated: interface type='network'/.test(p.message), 'the whole domain\'s notes');
    assert.equal(problems.filter((p) => p.file === 'domain.xml' && /kvmnet convert/.test(p.source)).length, whole.notes.length);
    await ed.page.keyboard.press('Control+J'); // the panel off: the two documents side by side
    await ed.page.locator('.markers-panel').waitFor({ state: 'hidden' });
    await ed.page.keyboard.press('Control+Home');
    await ed.screenshot('convert-qemu-args');

    await ed.page.locator(`.tabs-container .tab[data-resource-name="${deviceDoc}"]`).click();
    await ed.page.locator(`.tabs-container .tab.active[data-resource-name="${deviceDoc}"]`).waitFor();
    assert.equal(await ed.editorText(), device.text);
  });
});

// Both commands only read the source and open an unsaved document, so Restricted Mode does not stop them.
describe('Restricted Mode', () => {
  before(async () => {
    untitled = 0;
    ed = await startUntrustedEditor({ name: 'convert-untrusted' });
  });
  after(() => ed?.close());

  test('the code lens converts launch-vm.sh in an untrusted workspace too', async () => {
    await ed.openFile('launch-vm.sh');
    await ed.clickCodeLens('Convert to libvirt Domain XML');
    await nextUntitled();
    await ed.waitForNotification(/launch-vm\.sh → libvirt domain XML/);
    const expected = scriptToDomain(read('launch-vm.sh'), { scriptPath: path.join(ed.workspace, 'launch-vm.sh') });
    assert.equal(await ed.editorText(), expected.xml);
  });
});
