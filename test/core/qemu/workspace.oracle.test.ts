import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QemuCode } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { duplicateMacsAcrossScripts } from '../../../src/core/qemu/workspace';
import { applyEdits } from '../../../src/core/text';
import { runScriptChecked, useQemuSandbox } from './qemuOracle';

const Q = 'qemu-system-x86_64';
const file = (name: string, text: string) => ({ file: name, text, script: parseLaunchScript(text) });
const nic = (mac: string): string => `#!/bin/sh\nexec ${Q} -m 256 \\\n  -netdev tap,id=n0,ifname=tap0,script=no -device virtio-net-pci,netdev=n0,mac=${mac}\n`;
const codes = (r: Map<string, { code: string }[]>, f: string): string[] => (r.get(f) ?? []).map((x) => x.code);

test('the default MAC in two scripts: a warning in each, on the MAC value', () => {
  const a = nic('52:54:00:12:34:56');
  const r = duplicateMacsAcrossScripts([file('a.sh', a), file('vm/b.sh', nic('52:54:00:12:34:56'))]);
  assert.deepEqual(codes(r, 'a.sh'), [QemuCode.MacQemuDefault.id]);
  assert.deepEqual(codes(r, 'vm/b.sh'), [QemuCode.MacQemuDefault.id]);
  const f = r.get('a.sh')![0]!;
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /vm\/b\.sh/);
  const line = a.split('\n')[f.range.start.line]!;
  assert.equal(line.slice(f.range.start.character, f.range.end.character), '52:54:00:12:34:56');
});

test('the default MAC in one script only: no workspace finding, a hint from the per-file lint', () => {
  const r = duplicateMacsAcrossScripts([file('a.sh', nic('52:54:00:12:34:56')), file('b.sh', nic('52:54:00:aa:bb:cc'))]);
  assert.deepEqual([...r.values()].flat(), []);
  const hint = lintLaunchScript(nic('52:54:00:12:34:56')).find((f) => f.code === QemuCode.MacQemuDefault.id);
  assert.equal(hint?.severity, 'hint');
});

test('the same explicit MAC in two scripts (any case, -nic / -net nic forms): MacDuplicateWorkspace in both', () => {
  const r = duplicateMacsAcrossScripts([
    file('a.sh', nic('52:54:00:AA:BB:CC')),
    file('b.sh', `${Q} -nic tap,mac=52:54:00:aa:bb:cc\n`),
    file('c.sh', `${Q} -net nic,macaddr=52:54:00:aa:bb:cc -net user\n`),
  ]);
  for (const f of ['a.sh', 'b.sh', 'c.sh']) assert.deepEqual(codes(r, f), [QemuCode.MacDuplicateWorkspace.id], f);
  assert.match(r.get('a.sh')![0]!.message, /b\.sh, c\.sh/);
});

test('must not: distinct MACs, duplicates within one script only, dynamic and malformed MACs, non-NIC mac props', () => {
  const twiceInOne = `${Q} -nic user,mac=52:54:00:12:34:56 -nic user,mac=52:54:00:12:34:56\n`;
  const r = duplicateMacsAcrossScripts([
    file('a.sh', twiceInOne),
    file('b.sh', nic('$MAC')),
    file('c.sh', nic('$MAC')),
    file('d.sh', nic('52:54:00:zz:00:01')),
    file('e.sh', nic('52:54:00:zz:00:01')),
    file('f.sh', `${Q} -device vfio-pci,host=01:00.0,mac=52:54:00:aa:00:01\n`),
    file('g.sh', `${Q} -device vfio-pci,host=02:00.0,mac=52:54:00:aa:00:01\n`),
  ]);
  assert.deepEqual([...r.values()].flat(), []);
  assert.deepEqual([...r.keys()], ['a.sh', 'b.sh', 'c.sh', 'd.sh', 'e.sh', 'f.sh', 'g.sh']);
});

test('files without QEMU invocations or with shell errors give no findings and no exception', () => {
  const r = duplicateMacsAcrossScripts([file('a.sh', 'echo hi\n'), file('b.sh', 'if then ((( "\n'), file('c.sh', '')]);
  assert.deepEqual([...r.values()].flat(), []);
});

const implicitTap = (tap: string): string => `#!/bin/sh\nexec ${Q} -m 256 \\\n  -netdev tap,id=n0,ifname=${tap},script=no,downscript=no -device virtio-net-pci,netdev=n0\n`;

test('two scripts whose tap NICs have no mac= both get the default MAC: MacQemuDefault in each, with a fix adding a MAC', () => {
  const a = implicitTap('tap0');
  const r = duplicateMacsAcrossScripts([
    { ...file('a.sh', a), path: '/vm/a.sh' },
    file('b.sh', implicitTap('tap1')),
    file('c.sh', nic('52:54:00:12:34:56')),
  ]);
  for (const f of ['a.sh', 'b.sh', 'c.sh']) assert.deepEqual(codes(r, f), [QemuCode.MacQemuDefault.id], f);
  const f = r.get('a.sh')![0]!;
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /no mac=.*52:54:00:12:34:56.*b\.sh, c\.sh/);
  const line = a.split('\n')[f.range.start.line]!;
  assert.equal(line.slice(f.range.start.character, f.range.end.character), 'virtio-net-pci');
  const fixed = applyEdits(a, f.fixes![0]!.edits);
  assert.match(fixed, /-device virtio-net-pci,netdev=n0,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  const after = duplicateMacsAcrossScripts([file('a.sh', fixed), file('b.sh', implicitTap('tap1'))]);
  assert.deepEqual([...after.values()].flat(), [], 'one default-MAC script left: nothing to collide with');
});

test('must not: default MACs of user-mode NICs (private), one implicit tap NIC against explicit other MACs', () => {
  const user = `${Q} -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -nic user -net nic -net user\n`;
  const r = duplicateMacsAcrossScripts([file('a.sh', user), file('b.sh', user), file('c.sh', implicitTap('tap0')), file('d.sh', nic('52:54:00:aa:bb:cc'))]);
  assert.deepEqual([...r.values()].flat(), []);
});

test('a shared explicit MAC gets a fix replacing it with a generated MAC used nowhere else; applied in one file, both findings go', () => {
  const a = nic('52:54:00:AA:BB:CC');
  const files = [{ ...file('a.sh', a), path: '/vm/a.sh' }, file('b.sh', nic('52:54:00:aa:bb:cc')), file('c.sh', nic('52:54:00:12:34:56')), file('d.sh', nic('52:54:00:12:34:56'))];
  const r = duplicateMacsAcrossScripts(files);
  const fixes = [...r.values()].flat().map((f) => f.fixes ?? []);
  assert.ok(fixes.every((fs) => fs.length === 1 && fs[0]!.isPreferred), 'one preferred fix each (explicit default MACs too)');
  const fix = r.get('a.sh')![0]!.fixes![0]!;
  assert.match(fix.title, /^Use a generated MAC \(52:54:00(:[0-9a-f]{2}){3}\)$/);
  const fixed = applyEdits(a, fix.edits);
  const mac = /mac=(\S+)\n$/.exec(fixed)![1]!;
  assert.equal(fixed, a.replace('52:54:00:AA:BB:CC', mac), 'only the MAC value changes');
  const generated = fixes.flat().map((f) => /\((.*)\)$/.exec(f.title)![1]);
  assert.equal(new Set([...generated, '52:54:00:aa:bb:cc', '52:54:00:12:34:56']).size, generated.length + 2, 'generated MACs are unique and new');
  // Stable: the same workspace gives the same MAC.
  assert.deepEqual(duplicateMacsAcrossScripts(files).get('a.sh')![0]!.fixes, [fix]);
  const after = duplicateMacsAcrossScripts([file('a.sh', fixed), file('b.sh', nic('52:54:00:aa:bb:cc'))]);
  assert.deepEqual([...after.values()].flat(), []);
});

describe('the workspace fix for a default MAC passes the QEMU parse check', () => {
  const box = useQemuSandbox('ws');
  const work = box.work;
  test('tap NIC with the generated MAC', () => {
    const a = implicitTap('tap0');
    const f = duplicateMacsAcrossScripts([file('a.sh', a), file('b.sh', implicitTap('tap1'))]).get('a.sh')![0]!;
    const fixed = applyEdits(a, f.fixes![0]!.edits);
    const res = runScriptChecked(fixed, box.ns.name, work);
    assert.ok(res.ok, `QEMU rejected:\n${fixed}\n${res.stderr}`);
  });
  test('tap NIC whose explicit shared MAC was replaced', () => {
    const a = nic('52:54:00:12:34:56').replace('ifname=tap0,script=no', 'ifname=tap0,script=no,downscript=no');
    const f = duplicateMacsAcrossScripts([file('a.sh', a), file('b.sh', nic('52:54:00:12:34:56'))]).get('a.sh')![0]!;
    const fixed = applyEdits(a, f.fixes![0]!.edits);
    assert.notEqual(fixed, a);
    const res = runScriptChecked(fixed, box.ns.name, work);
    assert.ok(res.ok, `QEMU rejected:\n${fixed}\n${res.stderr}`);
  });
});
