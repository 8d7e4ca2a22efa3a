// Option fragments (#14): a file with no QEMU command whose bash arrays hold QEMU network options (a config the
// launcher sources, e.g. QEMU_NET+=(…)) is checked option by option. Each error is confirmed by QEMU on what the
// launcher runs: the fragment, then `qemu-system-x86_64 "${NAME[@]}"`; the quiet fragment and every fix pass.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QemuCode, type QemuCodeKey } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { applyEdits } from '../../../src/core/text';
import { Q } from './lintCases';
import { runScriptChecked, useQemuSandbox } from './qemuOracle';

interface FragmentCase {
  readonly rule: QemuCodeKey;
  readonly array: string;
  readonly bad: string;
  readonly qemuSays: RegExp;
  readonly fixed?: true;
}

const cases: readonly FragmentCase[] = [
  { rule: 'RemovedOption', array: 'QEMU_NET', bad: 'QEMU_NET=()\nQEMU_NET+=(-net nic,vlan=0,model=virtio -net user,vlan=0)\n', qemuSays: /Invalid parameter 'vlan'/ },
  { rule: 'HostfwdMalformed', array: 'NET', bad: 'NET=(-netdev "user,id=n0,hostfwd=tcp::2222:22" -device virtio-net-pci,netdev=n0)\n', qemuSays: /hostfwd|forwarding/i, fixed: true },
  { rule: 'MacMalformed', array: 'NET', bad: 'NET=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:zz:00:01)\n', qemuSays: /mac/i, fixed: true },
  { rule: 'Redir', array: 'NET', bad: 'NET=(-redir tcp:2222::22)\n', qemuSays: /-redir: invalid option/, fixed: true },
];

const launcher = (fragment: string, array: string): string => `${fragment}${Q} "\${${array}[@]}"\n`;
const codesOf = (text: string): string[] => lintLaunchScript(text, { fileName: '/vm/net.conf' }).map((f) => f.code);

describe('option fragments: checked option by option, confirmed by QEMU through the launcher', () => {
  const box = useQemuSandbox('fragments');
  for (const c of cases) {
    test(`${c.rule}: ${c.bad.trim().split('\n').pop()}`, () => {
      const finding = lintLaunchScript(c.bad, { fileName: '/vm/net.conf' }).find((f) => f.code === QemuCode[c.rule].id);
      assert.ok(finding && finding.severity === 'error', `${QemuCode[c.rule].id} expected: ${JSON.stringify(codesOf(c.bad))}`);
      const r = runScriptChecked(launcher(c.bad, c.array), box.ns.name, box.work);
      assert.equal(r.ok, false, 'QEMU accepted what the finding says it rejects');
      assert.match(r.stderr, c.qemuSays);
      if (c.fixed) {
        const fix = finding.fixes?.find((f) => f.isPreferred) ?? finding.fixes?.[0];
        assert.ok(fix, 'a fix is offered');
        const after = applyEdits(c.bad, fix.edits);
        assert.ok(!codesOf(after).includes(QemuCode[c.rule].id), `the fix clears the finding:\n${after}`);
        const ok = runScriptChecked(launcher(after, c.array), box.ns.name, box.work);
        assert.ok(ok.ok, `QEMU rejected the fixed fragment:\n${after}\n${ok.stderr}`);
      }
    });
  }

  test('a quiet fragment has no finding and QEMU accepts it', () => {
    const good = 'NET=(-netdev user,id=n0,hostfwd=tcp::2222-:22)\nNET+=(-device virtio-net-pci,netdev=n0,mac=52:54:00:aa:00:01)\n';
    assert.deepEqual(codesOf(good), []);
    const r = runScriptChecked(launcher(good, 'NET'), box.ns.name, box.work);
    assert.ok(r.ok, r.stderr);
  });
});

test("another program's arrays are no fragment: docker's --net/--device, and arrays of a file that runs QEMU itself", () => {
  assert.deepEqual(parseLaunchScript('ARGS=(--net host --device /dev/kvm -v /srv:/srv)\n').fragments, []);
  assert.deepEqual(codesOf('ARGS=(--net host --device /dev/kvm)\n'), []);
  const withCommand = parseLaunchScript(`NET=(-netdev user,id=n0)\n${Q} -m 256 "\${NET[@]}" -device e1000,netdev=n0\n`);
  assert.equal(withCommand.fragments.length, 0, 'the command uses the array: it is checked there');
  assert.equal(withCommand.invocations[0]!.options.filter((o) => o.name === '-netdev').length, 1);
});

describe('eval with literal arguments: the text it runs is linted, findings placed on their source characters', () => {
  const box = useQemuSandbox('eval');
  const evals: readonly { rule: QemuCodeKey; script: string; at: string; qemuSays: RegExp }[] = [
    { rule: 'RemovedOption', script: `eval ${Q} -m 256 "-net nic,vlan=0" -net user,vlan=0\n`, at: 'vlan=0', qemuSays: /Invalid parameter 'vlan'/ },
    { rule: 'HostfwdMalformed', script: `eval '${Q} -m 256 -netdev user,id=n0,hostfwd=tcp::2222:22 -device virtio-net-pci,netdev=n0'\n`, at: 'tcp::2222:22', qemuSays: /hostfwd|forwarding/i },
  ];
  for (const c of evals) {
    test(`${c.rule} inside eval, confirmed by QEMU as bash runs it`, () => {
      const f = lintLaunchScript(c.script).find((x) => x.code === QemuCode[c.rule].id);
      assert.ok(f, JSON.stringify(lintLaunchScript(c.script)));
      assert.equal(c.script.slice(f.range.start.character, f.range.end.character), c.at);
      assert.deepEqual(f.fixes, [], 'no fix: the eval text would need re-quoting');
      const r = runScriptChecked(c.script, box.ns.name, box.work);
      assert.equal(r.ok, false);
      assert.match(r.stderr, c.qemuSays);
    });
  }
  test('a clean eval and an eval of a variable: no finding', () => {
    assert.deepEqual(codesOf(`eval '${Q} -m 256 -nic user,model=virtio-net-pci'\n`), []);
    assert.deepEqual(codesOf('eval "$CMD"\n'), []);
    assert.ok(runScriptChecked(`eval '${Q} -m 256 -nic user,model=virtio-net-pci'\n`, box.ns.name, box.work).ok);
  });
});

describe('string variables that reach a QEMU command: their options are checked where they are written', () => {
  const box = useQemuSandbox('vars');
  test('vlan= in a variable expanded (through another variable) into the command: an error QEMU confirms', () => {
    const script = `TAP_OPTS="-net user,vlan=0"\nNET_OPTS="-net nic,model=virtio $TAP_OPTS"\nOPTS="-m 256 $NET_OPTS"\n${Q} $OPTS\n`;
    const f = lintLaunchScript(script).filter((x) => x.code === QemuCode.RemovedOption.id);
    assert.equal(f.length, 1, JSON.stringify(lintLaunchScript(script)));
    assert.equal(script.split('\n')[f[0]!.range.start.line]!.slice(f[0]!.range.start.character, f[0]!.range.end.character), 'vlan=0');
    const r = runScriptChecked(script, box.ns.name, box.work);
    assert.equal(r.ok, false);
    assert.match(r.stderr, /Invalid parameter 'vlan'/);
  });
  test('a variable the command never expands is not judged; a good one is quiet and QEMU accepts it', () => {
    assert.deepEqual(codesOf(`NOTES="-net nic,vlan=0 is how it was done"\necho $NOTES\n${Q} -m 256 -nic user,model=virtio-net-pci\n`), []);
    const good = `NET="-netdev user,id=n0,hostfwd=tcp::2222-:22 -device virtio-net-pci,netdev=n0"\n${Q} -m 256 $NET\n`;
    assert.deepEqual(codesOf(good), []);
    assert.ok(runScriptChecked(good, box.ns.name, box.work).ok);
  });
});
