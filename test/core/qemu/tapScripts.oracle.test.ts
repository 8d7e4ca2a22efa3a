// tap script=/downscript=: what QEMU really does with each (tested in lintCases against QEMU) decides the
// severity; files the launch script creates itself before QEMU starts count as there; the generator's own
// `kvmnet args --script generate` output lints clean and passes `sh -n`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { formatGenerated } from '../../../src/cli/commands/args';
import { QemuCode } from '../../../src/core/qemu/codes';
import { generate } from '../../../src/core/qemu/generate';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import type { ScriptFileKind } from '../../../src/core/qemu/rules/tap';

const Q = 'qemu-system-x86_64';
const tap = (script: string, down: string): string => `${Q} -netdev tap,id=t0,ifname=tap0,script=${script},downscript=${down} -device virtio-net-pci,netdev=t0,mac=52:54:00:aa:00:01\n`;
const findings = (text: string, kind: ScriptFileKind = 'missing') =>
  lintLaunchScript(text, { fileName: '/vm/launch.sh', scriptFileKind: () => kind }).filter((f) => f.code === QemuCode.TapScriptMissing.id);

test('a missing downscript= is a warning: QEMU starts without it', () => {
  const [f, ...rest] = findings(tap('no', '/etc/qemu-ifdown'));
  assert.equal(rest.length, 0);
  assert.equal(f!.severity, 'warning');
  assert.match(f!.message, /looked for \/etc\/qemu-ifdown on this machine/);
  assert.match(f!.message, /QEMU starts/);
});

test('a missing script= is a warning that says where it looked; a directory or non-executable file here is an error', () => {
  assert.deepEqual(findings(tap('/etc/qemu-ifup', 'no')).map((f) => f.severity), ['warning']);
  assert.match(findings(tap('ifup', 'no'))[0]!.message, /looked for \/vm\/ifup, beside the launch script/);
  assert.deepEqual(findings(tap('/etc/qemu-ifup', 'no'), 'not-executable').map((f) => f.severity), ['error']);
  assert.deepEqual(findings(tap('/etc/qemu-ifup', 'no'), 'directory').map((f) => f.severity), ['error']);
  assert.deepEqual(findings(tap('/etc/qemu-ifup', '/etc/qemu-ifdown'), 'not-executable').map((f) => f.severity), ['error', 'warning']);
});

test('files the script writes before QEMU starts count as there; after it, or elsewhere, they do not', () => {
  const made = [
    "cat > /vm/up <<'EOF'\n#!/bin/sh\nEOF\n",
    "(set -C; cat > /vm/up) <<'EOF' && chmod +x /vm/up\n#!/bin/sh\nEOF\n",
    'install -m 0755 ./src/up /vm/up\n',
    'cp /usr/share/x/up up\n',
    'printf "#!/bin/sh\\n" | tee /vm/up >/dev/null\n',
  ];
  for (const prelude of made) assert.deepEqual(findings(`${prelude}${tap('/vm/up', 'no')}`), [], prelude);
  assert.equal(findings(`${tap('/vm/up', 'no')}cat > /vm/up <<'EOF'\nEOF\n`).length, 1, 'created after QEMU ran');
  assert.equal(findings(`cat > /vm/other <<'EOF'\nEOF\n${tap('/vm/up', 'no')}`).length, 1, 'another file');
});

test('the generator output (kvmnet args tap --script generate) lints clean and parses with sh -n', () => {
  for (const legacy of [false, true]) {
    const g = generate({ mode: 'tap', bridge: 'br0', script: 'generate' }, { scriptPath: '/vm/launch.sh', legacy });
    const printed = formatGenerated(g, false).split('\n');
    const text = `#!/bin/sh\n${printed.slice(0, -2).join('\n')}\n${Q} -m 256 ${printed[printed.length - 2]}\n`;
    const bad = lintLaunchScript(text, { fileName: '/vm/launch.sh', scriptFileKind: () => 'missing' }).filter((f) => f.severity === 'error' || f.severity === 'warning');
    // --legacy asks for -net: its own hub warning is the point.
    if (legacy) assert.deepEqual(bad.splice(bad.findIndex((f) => f.code === QemuCode.LegacyNet.id), 1).length, 1);
    assert.deepEqual(bad.map((f) => `${f.code}: ${f.message}`), [], text);
    for (const sh of ['dash', 'bash']) assert.equal(spawnSync(sh, ['-n'], { input: text }).status, 0, `${sh} -n`);
  }
});
