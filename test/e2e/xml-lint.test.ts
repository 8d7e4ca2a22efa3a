import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { virtXmlValidate } from '../core/xml/oracle';
import { startEditor, waitUntil, type Editor } from './harness';

// Real editor: squiggle placement, a quick fix, a snippet through completion, workspace-wide MACs.

const domain = (name: string, devices: string) =>
  `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
const hostdev = (bus: string, slot: string) =>
  `    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address domain='0x0000' bus='${bus}' slot='${slot}' function='0x0'/>\n      </source>\n    </hostdev>`;
const nic = (mac: string) => `    <interface type='network'>\n      <mac address='${mac}'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>`;

const files: Record<string, string> = {
  'slot.xml': domain('slot', hostdev('0x01', '0x20')),
  'decimal.xml': domain('decimal', hostdev('10', '0x00')),
  'snippet.xml': domain('snippet', '    '),
  'mac-a.xml': domain('a', nic('52:54:00:ab:cd:01')),
  'mac-b.xml': domain('b', nic('52:54:00:AB:CD:01')),
  'direct.xml': domain('direct', "    <interface type='direct'>\n      <source dev='eth0' mode='bridge'/>\n      <model type='virtio'/>\n    </interface>"),
  // Other libvirt kinds: a host interface (virsh iface-define) and a storage pool with a typo.
  'eth0.xml': "<interface type='ethernet' name='eth0'>\n  <start mode='onboot'/>\n  <mac address='52:54:00:12:34:56'/>\n  <protocol family='ipv4'>\n    <dhcp/>\n  </protocol>\n</interface>\n",
  'pool.xml': "<pool type='dir'>\n  <name>images</name>\n  <target>\n    <path>/var/lib/libvirt/images</path>\n    <permisions/>\n  </target>\n</pool>\n",
};

/** 1-based line and column of the first occurrence of `needle` in a workspace file. */
function where(file: string, needle: string): { line: number; column: number } {
  const text = files[file]!;
  const before = text.slice(0, text.indexOf(needle));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'xml-lint', workspaceFiles: files, examples: false });
});
after(() => ed?.close());

test("slot='0x20': the error sits on that attribute", async () => {
  await ed.openFile('slot.xml');
  await ed.waitForSquiggle('error');
  const at = where('slot.xml', "slot='0x20'");
  const problems = await ed.waitForDiagnostic((p) => p.file === 'slot.xml' && p.severity === 'error' && p.line === at.line && p.column === at.column, "an error at slot='0x20'");
  const hit = problems.find((p) => p.file === 'slot.xml' && p.line === at.line)!;
  assert.match(hit.message, /0x1f/);
  await ed.screenshot('xml-lint-slot');
});

test('decimal bus: the preferred quick fix writes the hex reading and the warning goes away', async () => {
  await ed.openFile('decimal.xml');
  const at = where('decimal.xml', "bus='10'");
  // Waits are on the editor's squiggles: polling the Problems panel toggles it (Ctrl+Shift+M).
  const warning = ed.page.locator('.editor-group-container.active .monaco-editor .squiggly-warning');
  await warning.first().waitFor();
  const problems = await ed.readDiagnostics();
  assert.ok(problems.some((p) => p.file === 'decimal.xml' && p.code.includes('pci-address-not-hex') && p.line === at.line && p.column === at.column), JSON.stringify(problems));
  await ed.goToLine(at.line, at.column + 2);
  // The preferred fix comes first and is focused: accept it with Enter (clicking the row can
  // wait forever for the hover animation to become "stable").
  await ed.page.keyboard.press('Control+.');
  const first = ed.page.locator('.action-widget .monaco-list-row.action').first();
  await first.waitFor();
  assert.match(await first.innerText(), /bus='0x10' \(hex, as lspci shows it\)/);
  await ed.screenshot('xml-lint-quickfix');
  await ed.page.keyboard.press('Enter');
  await waitUntil(async () => (await ed.editorText()).includes("bus='0x10'"), 'the fix to be applied');
  await warning.first().waitFor({ state: 'detached' });
});

test('a snippet inserted through completion gives valid libvirt XML', async () => {
  await ed.openFile('snippet.xml');
  const at = where('snippet.xml', '    \n  </devices>');
  await ed.goToLine(at.line, 5);
  await ed.typeText('libvirt-interface-bridge-vhost');
  // Emmet offers an abbreviation of the same text: our snippet is picked by its label.
  await ed.acceptCompletion(/libvirt interface/, () => ed.screenshot('xml-lint-snippet-suggest'));
  await ed.page.keyboard.press('Escape'); // leave snippet placeholder mode with the defaults
  let text = '';
  await waitUntil(async () => (text = await ed.editorText()).includes("<driver name='vhost'/>"), 'the snippet to be inserted').catch((e: Error) => {
    throw new Error(`${e.message}; the editor holds:\n${text}`);
  });
  // The half-typed prefix was a schema error; the expanded snippet must clear it in the editor too.
  await ed.page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
  await ed.screenshot('xml-lint-snippet');
  await ed.save();
  const saved = readFileSync(path.join(ed.workspace, 'snippet.xml'), 'utf8');
  assert.match(saved, /<source bridge='br0'\/>/);
  const v = virtXmlValidate(saved);
  assert.ok(v.ok, `${saved}\n${v.output}`);
});

test('the same MAC in two workspace files is reported in both', async () => {
  const problems = await ed.waitForFinding((p) => p.file === 'mac-a.xml' && p.code.includes('mac-duplicate-workspace'), 'a workspace duplicate-MAC warning');
  assert.ok(problems.some((p) => p.file === 'mac-b.xml' && /mac-a\.xml/.test(p.message)), JSON.stringify(problems));
});

test('hover explains a macvtap mode', async () => {
  await ed.openFile('direct.xml');
  const at = where('direct.xml', "mode='bridge'");
  await ed.goToLine(at.line, at.column + 7);
  await ed.page.keyboard.press('Control+K');
  await ed.page.keyboard.press('Control+I');
  await ed.page.locator('.monaco-hover', { hasText: 'host and guest still cannot talk' }).first().waitFor();
  await ed.screenshot('xml-lint-hover');
});

test("other libvirt kinds get their own schema's verdict: a host interface is clean, a pool's typo is located", async () => {
  await ed.openFile('pool.xml');
  const at = where('pool.xml', 'permisions');
  const found = await ed.waitForFinding((p) => p.file === 'pool.xml' && p.severity === 'error', 'the pool schema error');
  assert.ok(found.some((p) => p.file === 'pool.xml' && p.line === at.line && p.column === at.column && /permisions/.test(p.message)), JSON.stringify(found));
  // The host interface: a wrong start mode is reported by interface.rng (a guest NIC's schema would not know <start>
  // at all); undone, the file has no finding (no guest rule on it, though its MAC is QEMU's default).
  await ed.openFile('eth0.xml');
  const mode = where('eth0.xml', 'onboot');
  await ed.goToLine(mode.line, mode.column);
  await ed.typeText('x');
  const wrong = await ed.waitForFinding((p) => p.file === 'eth0.xml' && /xonboot/.test(p.message), 'the start-mode error on eth0.xml');
  assert.match(wrong.find((p) => p.file === 'eth0.xml')!.message, /onboot/);
  await ed.page.keyboard.press('Control+Z');
  await waitUntil(async () => !(await ed.findings()).some((p) => p.file === 'eth0.xml'), 'no finding on eth0.xml once undone');
  await ed.screenshot('xml-lint-host-interface');
});
