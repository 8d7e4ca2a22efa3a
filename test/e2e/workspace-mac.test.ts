import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { virtXmlValidate } from '../core/xml/oracle';
import { startEditor, waitUntil, type Editor, type ProblemEntry } from './harness';

// Real editor: a MAC shared across workspace files (libvirt XML, launch scripts) is reported in both files by the
// workspace scans, and their quick fix (a generated MAC) clears the warning in both. No per-file rule sees these
// cases, so the fix can only come from the workspace collections.

const SHARED_XML = '52:54:00:ab:cd:01';
const SHARED_SH = '52:54:00:aa:bb:cc';
const DEFAULT_MAC = '52:54:00:12:34:56';
const domain = (name: string, mac: string) =>
  `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n    <interface type='network'>\n      <mac address='${mac}'/>\n      <source network='default'/>\n      <model type='virtio'/>\n    </interface>\n  </devices>\n</domain>\n`;
/** A guest on a bridge with an explicit MAC (the db one is a script by its shebang only). */
const guest = (name: string, mac: string) =>
  `#!/bin/bash\nexec qemu-system-x86_64 -enable-kvm -m 512 -drive file=${name}.qcow2,if=virtio \\\n  -netdev tap,id=net0,ifname=tap-${name},script=no,downscript=no \\\n  -device virtio-net-pci,netdev=net0,mac=${mac}\n`;

const files: Record<string, string> = {
  'vms/mac-a.xml': domain('a', SHARED_XML),
  'vms/mac-b.xml': domain('b', SHARED_XML.toUpperCase()),
  'guests/web.sh': guest('web', SHARED_SH),
  'guests/db': guest('db', SHARED_SH),
  // QEMU's default MAC: given explicitly in one script, implied (tap NIC without mac=) in the other.
  'guests/new.sh': guest('new', DEFAULT_MAC),
  'guests/old.sh': guest('old', DEFAULT_MAC).replace(`,mac=${DEFAULT_MAC}`, ''),
};

/** 1-based line and column of the first occurrence of `needle` in a workspace file. */
function where(file: string, needle: string): { line: number; column: number } {
  const before = files[file]!.slice(0, files[file]!.indexOf(needle));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'workspace-mac', workspaceFiles: files, examples: false });
});
after(() => ed?.close());

/** Applies the workspace finding's quick fix in `file` at `mac`; both files' warnings must go; returns the saved text. */
async function fixShared(file: string, mac: string, code: string, other: string): Promise<string> {
  const base = path.basename(file);
  // By file too: 'qemu-mac-duplicate-workspace' contains 'mac-duplicate-workspace'.
  const isShared = (p: ProblemEntry): boolean => (p.file === base || p.file === other) && p.code.includes(code) && p.severity === 'warning';
  await ed.openFile(file); // also activates the extension (on an xml or shell document)
  const problems = await ed.waitForFinding((p) => p.file === base && isShared(p), `the workspace MAC warning on ${base}`);
  assert.ok(problems.some((p) => p.file === other && isShared(p)), JSON.stringify(problems));
  const at = where(file, mac);
  assert.ok(problems.some((p) => p.file === base && isShared(p) && p.line === at.line && p.column === at.column), JSON.stringify(problems));

  await ed.goToLine(at.line, at.column + 3);
  // The workspace fix names its MAC, unlike the per-file hint's "Use a generated MAC" on an explicit default MAC.
  const offered = await ed.quickFix(/^Use a generated MAC \(52:54:00(:[0-9a-f]{2}){3}\)$/);
  await waitUntil(async () => !(await ed.editorText()).includes(mac), 'the quick fix to replace the MAC');
  await waitUntil(async () => !(await ed.findings()).some(isShared), `the workspace MAC warnings to clear in ${base} and ${other}`);
  await ed.save();
  const saved = readFileSync(path.join(ed.workspace, file), 'utf8');
  const fresh = /52:54:00(?::[0-9a-f]{2}){3}/.exec(saved.slice(files[file]!.indexOf(mac)))?.[0];
  assert.ok(fresh && fresh !== mac && fresh !== DEFAULT_MAC, `${JSON.stringify(offered)}\n${saved}`);
  assert.equal(saved, files[file]!.replace(mac, fresh));
  return saved;
}

test('a MAC shared by two libvirt XML files: the workspace quick fix gives one a generated MAC, both warnings go, the file validates', async () => {
  const saved = await fixShared('vms/mac-a.xml', SHARED_XML, 'mac-duplicate-workspace', 'mac-b.xml');
  const v = virtXmlValidate(saved);
  assert.ok(v.ok, `${saved}\n${v.output}`);
  await ed.screenshot('workspace-mac-xml');
});

test('a MAC shared by two launch scripts: the workspace quick fix gives one a generated MAC, both warnings go', async () => {
  await fixShared('guests/web.sh', SHARED_SH, 'qemu-mac-duplicate-workspace', 'db');
  await ed.screenshot('workspace-mac-scripts');
});

test("QEMU's default MAC, explicit in one script and implied in another: the workspace quick fix clears both", async () => {
  await fixShared('guests/new.sh', DEFAULT_MAC, 'qemu-mac-default', 'old.sh');
  await ed.screenshot('workspace-mac-default');
});
