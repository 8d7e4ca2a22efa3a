// Each rule: a script that triggers it and one that must not. A finding that claims QEMU rejects (or fails on)
// the script is confirmed by running the script against the real QEMU; every quick-fix result must pass the
// QEMU parse check. Scripts run inside a network namespace created for this file (ports bound stay in it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QemuCode } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { applyEdits } from '../../../src/core/text';
import { cases, Q } from './lintCases';
import { runScriptChecked, useQemuSandbox } from './qemuOracle';


const codesOf = (text: string): string[] => lintLaunchScript(text, { fileName: '/vm/launch.sh' }).map((f) => f.code);

describe('each rule triggers on its bad script and not on its good one', () => {
  for (const c of cases) {
    test(`${c.rule}: ${c.bad.split('\n')[0]!.slice(Q.length + 1, Q.length + 60)}`, () => {
      assert.ok(codesOf(c.bad).includes(QemuCode[c.rule].id), `${QemuCode[c.rule].id} expected in ${JSON.stringify(codesOf(c.bad))}`);
      assert.ok(!codesOf(c.good).includes(QemuCode[c.rule].id), `${QemuCode[c.rule].id} must not fire on the good script`);
    });
  }
  test('relative script= is resolved from the script folder through the injected file check', () => {
    const text = `${Q} -netdev tap,id=t0,script=./ifup -device virtio-net-pci,netdev=t0\n`;
    const seen: string[] = [];
    const run = (exists: boolean): string[] =>
      lintLaunchScript(text, { fileName: '/vm/launch.sh', fileExists: (p) => (seen.push(p), exists) }).map((f) => f.code);
    assert.ok(run(false).includes(QemuCode.TapScriptMissing.id));
    assert.ok(!run(true).includes(QemuCode.TapScriptMissing.id));
    assert.equal(seen[0], '/vm/ifup');
  });
  test('dynamic values are not judged', () => {
    const text = `${Q} -net nic,macaddr=$macaddr,model=virtio -net tap,script=$IFUP -device e1000,netdev=$ND\n`;
    const codes = codesOf(text);
    for (const rule of ['MacMalformed', 'TapScriptMissing', 'NetdevNotFound'] as const) assert.ok(!codes.includes(QemuCode[rule].id), rule);
  });
});

describe('QEMU confirms the rejections and accepts every quick fix', () => {
  const box = useQemuSandbox('lint');
  const work = box.work;
  for (const c of cases) {
    if (c.qemuRejects) {
      test(`QEMU rejects: ${c.rule} ${c.qemuRejects}`, () => {
        const r = runScriptChecked(c.bad, box.ns.name, work);
        assert.equal(r.ok, false, `QEMU accepted the ${c.rule} script`);
        assert.match(r.stderr, c.qemuRejects!);
        const good = runScriptChecked(c.good, box.ns.name, work);
        assert.ok(good.ok || /no such host device|TUNGETIFF/.test(good.stderr), `good script: ${good.stderr}`);
      });
    }
    if (c.qemuWarns) {
      test(`QEMU warns: ${c.rule} ${c.qemuWarns}`, () => {
        const r = runScriptChecked(c.bad, box.ns.name, work);
        assert.ok(r.ok, `QEMU rejected the ${c.rule} script: ${r.stderr}`);
        assert.match(r.stderr, c.qemuWarns!);
        const good = runScriptChecked(c.good, box.ns.name, work);
        assert.ok(good.ok, `good script: ${good.stderr}`);
        assert.doesNotMatch(good.stderr, c.qemuWarns!);
      });
    }
    if (c.fixAccepted) {
      test(`quick fix accepted by QEMU: ${c.rule} ${c.bad.split('\n')[0]!.slice(Q.length + 1, Q.length + 50)}`, () => {
        const finding = lintLaunchScript(c.bad, { fileName: '/vm/launch.sh' }).find((f) => f.code === QemuCode[c.rule].id)!;
        const fix = finding.fixes?.find((f) => f.isPreferred) ?? finding.fixes?.[0];
        assert.ok(fix, `${c.rule} offers a fix`);
        const fixed = applyEdits(c.bad, fix.edits);
        assert.ok(!lintLaunchScript(fixed).some((f) => f.code === QemuCode[c.rule].id && f.range.start.line === finding.range.start.line), `fix removes the finding:\n${fixed}`);
        const r = runScriptChecked(fixed, box.ns.name, work);
        if (c.fixAccepted === true) assert.ok(r.ok, `QEMU rejected the fixed script:\n${fixed}\n${r.stderr}`);
        else {
          assert.match(r.stderr, c.fixAccepted!);
          assert.doesNotMatch(r.stderr, /not a valid device|Property|Parameter|invalid/i);
        }
        if (c.qemuWarns) assert.doesNotMatch(r.stderr, c.qemuWarns, 'the fixed script no longer makes QEMU warn');
      });
    }
  }
});
