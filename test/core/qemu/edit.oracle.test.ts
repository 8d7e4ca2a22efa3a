import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addNetworkDevice,
  addPciPassthrough,
  addPortForward,
  convertLegacyNet,
  editNetworkDevice,
  listNetworkDevices,
  removeNetworkDevice,
  topLevelSetFlags,
  userNetworks,
  type ScriptEdit,
} from '../../../src/core/qemu/edit';
import type { NetworkSpec } from '../../../src/core/qemu/generate';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { applyEdits, LineIndex } from '../../../src/core/text';
import { runScriptChecked, useQemuSandbox } from './qemuOracle';

const ctx = { scriptPath: '/vm/launch-vm.sh' };
const apply = (text: string, e: ScriptEdit): string => applyEdits(text, e.edits);

const LAUNCH = `#!/bin/sh
# my VM — é
set -eu
exec qemu-system-x86_64 \\
  -m 256 \\
  -netdev user,id=net0,hostfwd=tcp:127.0.0.1:0-:22 \\
  -device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:01
`;

test('add user-mode device to a multi-line invocation: follows the layout, idempotent', () => {
  const spec: NetworkSpec = { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:80'] };
  const once = apply(LAUNCH, addNetworkDevice(LAUNCH, spec, ctx));
  assert.match(once, /mac=52:54:00:aa:bb:01 \\\n {2}-netdev user,id=net1,hostfwd=tcp:127\.0\.0\.1:0-:80 \\\n {2}-device virtio-net-pci,netdev=net1,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  assert.deepEqual(addNetworkDevice(once, spec, ctx).edits, []);
  assert.equal(lintLaunchScript(once).filter((f) => f.severity === 'error').length, 0);
});

test('macvtap: host steps before the invocation, fd redirection on it, both once', () => {
  const spec: NetworkSpec = { mode: 'macvtap', link: 'eth0' };
  const once = apply(LAUNCH, addNetworkDevice(LAUNCH, spec, ctx));
  assert.match(once, /\nip link show dev macvtap-net1 .*\nexec qemu-system-x86_64/s);
  assert.match(once, / \\\n {2}3<>\/dev\/tap\$\(cat \/sys\/class\/net\/macvtap-net1\/ifindex\)\n$/);
  assert.deepEqual(addNetworkDevice(once, spec, ctx).edits, []);
  assert.equal(parseLaunchScript(once).invocations[0]!.openFds.has(3), true);
});

test('port forward goes into the user netdev, once', () => {
  const e = addPortForward(LAUNCH, '8080:80', ctx);
  const once = apply(LAUNCH, e);
  assert.match(once, /hostfwd=tcp:127\.0\.0\.1:0-:22,hostfwd=tcp::8080-:80 \\/);
  assert.deepEqual(addPortForward(once, '8080:80', ctx).edits, []);
  assert.throws(() => addPortForward('qemu-system-x86_64 -m 1\n', '1:2', ctx), /no user-mode network/);
});

/** Three user-mode networks, two without an id: only their position tells them apart. */
const THREE_NATS = `#!/bin/sh
exec qemu-system-x86_64 -m 256 \\
  -netdev user,id=a -device virtio-net-pci,netdev=a,mac=52:54:00:40:00:01 \\
  -nic user,model=e1000,mac=52:54:00:40:00:02 \\
  -net nic,model=virtio,macaddr=52:54:00:40:00:03 -net user
`;

const userNetStarts = (text: string): number[] => userNetworks(parseLaunchScript(text).invocations[0]!).map((o) => o.span.start);

test('port forward onto a user-mode network without an id, chosen by where its option starts; idempotent', () => {
  const starts = userNetStarts(THREE_NATS);
  const nic = starts[1]!;
  const net = starts[2]!;
  assert.equal(THREE_NATS.slice(nic, nic + 9), '-nic user');
  assert.equal(THREE_NATS.slice(net, net + 9), '-net user');
  const onNic = apply(THREE_NATS, addPortForward(THREE_NATS, '2222:22', { ...ctx, optionStart: nic }));
  assert.equal(onNic, THREE_NATS.replace('mac=52:54:00:40:00:02', 'mac=52:54:00:40:00:02,hostfwd=tcp::2222-:22'));
  assert.deepEqual(addPortForward(onNic, '2222:22', { ...ctx, optionStart: nic }).edits, [], 'the same forward again');
  const onNet = apply(onNic, addPortForward(onNic, '5555:55', { ...ctx, optionStart: userNetStarts(onNic)[2]! }));
  assert.equal(onNet, onNic.replace(/-net user\n$/, '-net user,hostfwd=tcp::5555-:55\n'));
  // The id still chooses too.
  assert.match(apply(THREE_NATS, addPortForward(THREE_NATS, '1:2', { ...ctx, netdevId: 'a' })), /-netdev user,id=a,hostfwd=tcp::1-:2 /);
});

test('port forward: several user-mode networks and no choice, or a position that is no user-mode network, are errors', () => {
  assert.throws(() => addPortForward(THREE_NATS, '1:2', ctx), /several user-mode networks \(a; -nic user,model=e1000,mac=52:54:00:40:00:02; -net user\): choose one/);
  const device = THREE_NATS.indexOf('-device');
  assert.throws(() => addPortForward(THREE_NATS, '1:2', { ...ctx, optionStart: device }), /not in the script/);
  assert.throws(() => addPortForward(THREE_NATS, '1:2', { ...ctx, optionStart: userNetStarts(THREE_NATS)[1]! + 1 }), /not in the script/);
  assert.throws(() => addPortForward(THREE_NATS, '1:2', { ...ctx, netdevId: 'nope' }), /not in the script/);
  // One -nic from an array expanded twice is one network, not two.
  const twice = 'args=(-nic user)\nqemu-system-x86_64 -m 1 "${args[@]}" "${args[@]}"\n';
  assert.equal(apply(twice, addPortForward(twice, '1:2', ctx)), 'args=(-nic user,hostfwd=tcp::1-:2)\nqemu-system-x86_64 -m 1 "${args[@]}" "${args[@]}"\n');
});

test('PCI passthrough: vfio-pci with the host steps as comments, once', () => {
  const once = apply(LAUNCH, addPciPassthrough(LAUNCH, '03:00.0', ctx));
  assert.match(once, /-device vfio-pci,host=0000:03:00\.0,id=hostdev0\n$/);
  assert.match(once, /# PCI passthrough of 0000:03:00\.0 with vfio-pci/);
  assert.deepEqual(addPciPassthrough(once, '0000:03:00.0', ctx).edits, []);
  assert.throws(() => addPciPassthrough(LAUNCH, '3:0.0', ctx), /invalid PCI address/);
});

test('remove a network device: the -netdev and its -device, once', () => {
  const inv = parseLaunchScript(LAUNCH).invocations[0]!;
  const [dev] = listNetworkDevices(inv);
  assert.equal(dev!.label, 'user net0 → virtio-net-pci');
  const once = apply(LAUNCH, removeNetworkDevice(LAUNCH, dev!.key, ctx));
  assert.equal(once, '#!/bin/sh\n# my VM — é\nset -eu\nexec qemu-system-x86_64 \\\n  -m 256\n');
  assert.deepEqual(removeNetworkDevice(once, dev!.key, ctx).edits, []);
});

test('edit a network device: same id and MAC, new settings, one minimal edit, idempotent', () => {
  const spec: NetworkSpec = { mode: 'user', model: 'e1000', hostfwd: ['tcp:127.0.0.1:0-:443'] };
  const e = editNetworkDevice(LAUNCH, 'netdev:net0', spec, ctx);
  assert.deepEqual(e.edits.map((x) => x.range.start.line), [5, 6], 'the -netdev and -device lines, each in place');
  const once = apply(LAUNCH, e);
  assert.match(once, /-netdev user,id=net0,hostfwd=tcp:127\.0\.0\.1:0-:443 \\\n {2}-device e1000,netdev=net0,mac=52:54:00:aa:bb:01\n$/);
  assert.ok(once.startsWith('#!/bin/sh\n# my VM — é\nset -eu\nexec qemu-system-x86_64 \\\n  -m 256 \\\n'));
  assert.deepEqual(editNetworkDevice(once, 'netdev:net0', spec, ctx).edits, []);
});

test('edit in place: a -nic, a legacy -net nic and a vfio device are replaced where they stand, options after them untouched', () => {
  const text = '#!/bin/sh\nexec qemu-system-x86_64 \\\n  -nic user,model=e1000 \\\n  -device vfio-pci,host=0000:01:00.0,id=hostdev0 \\\n  -net nic,model=virtio -net user \\\n  -m 256\n';
  const user: NetworkSpec = { mode: 'user', hostfwd: ['2222:22'] };
  const nic = apply(text, editNetworkDevice(text, 'nic:user,model=e1000', user, ctx));
  assert.match(nic, /^#!\/bin\/sh\nexec qemu-system-x86_64 \\\n {2}-netdev user,id=net0,hostfwd=tcp::2222-:22 \\\n {2}-device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3} \\\n {2}-device vfio-pci,/);
  assert.ok(nic.endsWith('  -device vfio-pci,host=0000:01:00.0,id=hostdev0 \\\n  -net nic,model=virtio -net user \\\n  -m 256\n'));
  assert.deepEqual(editNetworkDevice(nic, 'netdev:net0', user, ctx).edits, [], 'the same edit again');
  const vfio = apply(text, editNetworkDevice(text, 'vfio:vfio-pci,host=0000:01:00.0,id=hostdev0', { mode: 'vfio', bdf: '02:00.0' }, ctx));
  assert.equal(vfio.replace(/^#.*\n/gm, ''), text.replace('host=0000:01:00.0', 'host=0000:02:00.0').replace(/^#.*\n/gm, ''), 'only the host changed in the command');
  assert.match(vfio, /\n# PCI passthrough of 0000:02:00\.0 with vfio-pci\. .*\nexec qemu-system-x86_64/s);
  const legacy = apply(text, editNetworkDevice(text, 'net:nic,model=virtio', { mode: 'tap', bridge: 'br0' }, ctx));
  // The -net nic started its line in a continued command: the new options take a line each.
  assert.match(legacy, /id=hostdev0 \\\n {2}-netdev tap,id=net0,ifname=tap-net0,script=no,downscript=no \\\n {2}-device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3} -net user \\\n {2}-m 256\n$/);
  assert.match(legacy, /\nip tuntap add dev tap-net0 mode tap .*\nexec qemu-system-x86_64/s);
});

test('convert legacy -net, keeping $variables live; second run changes nothing', () => {
  const text = 'qemu-system-x86_64 -net nic,macaddr=$macaddr,model=virtio -net tap,script=/etc/qemu-ifup,vhost=on\n';
  const once = apply(text, convertLegacyNet(text));
  assert.equal(once, 'qemu-system-x86_64 -netdev tap,id=net0,script=/etc/qemu-ifup,vhost=on -device "virtio-net-pci,netdev=net0,mac=$macaddr"\n');
  assert.deepEqual(convertLegacyNet(once).edits, []);
});

test('convert legacy: n NICs and n backends on the default hub are paired in order', () => {
  const text = 'exec qemu-system-x86_64 \\\n  -net nic,model=e1000 -net user,hostfwd=tcp::2222-:22 \\\n  -net nic,macaddr=$M,model=virtio -net tap,script=no \\\n  -m 1\n';
  const once = apply(text, convertLegacyNet(text));
  assert.equal(
    once,
    'exec qemu-system-x86_64 \\\n  -netdev user,id=net0,hostfwd=tcp::2222-:22 -device e1000,netdev=net0 \\\n  -netdev tap,id=net1,script=no -device "virtio-net-pci,netdev=net1,mac=$M" \\\n  -m 1\n',
  );
  assert.deepEqual(convertLegacyNet('qemu-system-x86_64 -net nic -net nic -net user\n').edits, [], 'unequal counts: no guess');
});

test('a file without a QEMU invocation gets a launch-script template', () => {
  const e = addNetworkDevice('', { mode: 'user', hostfwd: ['2222:22'] }, ctx);
  const text = apply('', e);
  assert.match(text, /^#!\/bin\/sh\n/);
  assert.equal(parseLaunchScript(text).invocations.length, 1);
  const existing = '#!/bin/bash\necho hello\n';
  const appended = apply(existing, addNetworkDevice(existing, { mode: 'user' }, ctx));
  assert.ok(appended.startsWith(existing));
  assert.equal(parseLaunchScript(appended).invocations.length, 1);
});

/** What "Add network device" appends to a script without a QEMU command (user-mode, no forwards), from its comment line on. */
const appendedTemplate = (setLine: string): RegExp =>
  new RegExp(
    `^\\n# QEMU launch script \\(KVM Networking\\)\\. Adjust the disk image, memory and CPUs\\.\\n${setLine.replace(/[-+]/g, '\\$&')}\\nexec qemu-system-x86_64 \\\\\\n` +
      ` {2}-enable-kvm -m 1024 -smp 2 \\\\\\n {2}-drive file=disk\\.qcow2,if=virtio \\\\\\n {2}-netdev user,id=net0 \\\\\\n {2}-device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3}\\n$`,
  );

test('a template appended to a script that already sets -e and -u adds no set line and no shebang', () => {
  for (const existing of ['#!/bin/bash\nset -eu\necho hello\n', '#!/bin/bash\nset -euo pipefail\necho hello\n', 'set -o errexit -o nounset\necho hello', '#!/bin/sh\nset -u\nset -e\n']) {
    const appended = apply(existing, addNetworkDevice(existing, { mode: 'user' }, ctx));
    const sep = existing.endsWith('\n') ? '' : '\n';
    assert.ok(appended.startsWith(existing + sep), appended);
    assert.match(appended.slice(existing.length + sep.length), appendedTemplate(''), JSON.stringify(existing));
    assert.equal(parseLaunchScript(appended).invocations.length, 1);
  }
});

test('a template appended to a script adds the set flags it does not already turn on', () => {
  const cases: [string, string][] = [
    ['#!/bin/sh\necho hello\n', 'set -eu\n'],
    ['#!/bin/sh\nset -e\necho hello\n', 'set -u\n'],
    ['#!/bin/sh\nset -o nounset\n', 'set -e\n'],
    // Turned off again, only conditionally, only in a function, or only as positional parameters: not on.
    ['#!/bin/sh\nset -eu\nset +u\n', 'set -u\n'],
    ['#!/bin/sh\nif [ -t 0 ]; then set -eu; fi\n', 'set -eu\n'],
    ['#!/bin/sh\nstrict() {\n  set -eu\n}\n', 'set -eu\n'],
    ['#!/bin/sh\nset -- -eu\n', 'set -eu\n'],
    // A shebang flag is ignored by `sh script.sh`; a script the parser rejects keeps the full set line.
    ['#!/bin/sh -eu\necho hello\n', 'set -eu\n'],
    ['#!/bin/sh\nset -eu\nif then (\n', 'set -eu\n'],
  ];
  for (const [existing, setLine] of cases) {
    const appended = apply(existing, addNetworkDevice(existing, { mode: 'user' }, ctx));
    assert.ok(appended.startsWith(existing), appended);
    assert.match(appended.slice(existing.length), appendedTemplate(setLine), JSON.stringify(existing));
  }
});

test('a template goes before a final top-level exit or exec of another program, keeping every byte', () => {
  const cases: [string, string][] = [
    ['#!/bin/sh\necho é\n', 'exit 0\n'],
    ['#!/bin/sh\nset -eu\necho hi\n', '  exit "$rc"'],
    ['#!/bin/bash\n', 'exec /usr/bin/other-vm --x\n'],
  ];
  for (const [head, exit] of cases) {
    const existing = head + exit;
    const appended = apply(existing, addNetworkDevice(existing, { mode: 'user' }, ctx));
    assert.ok(appended.startsWith(head) && appended.endsWith(exit), appended);
    assert.match(appended.slice(head.length, appended.length - exit.length), /^\n# QEMU launch script .*\nexec qemu-system-x86_64 [^]*\n\n$/s, JSON.stringify(existing));
    assert.equal(parseLaunchScript(appended).invocations.length, 1);
  }
  // Sharing its line with another command: the template goes right before it, on lines of its own.
  const shared = '#!/bin/sh\necho hi; exit 1';
  const out = apply(shared, addNetworkDevice(shared, { mode: 'user' }, ctx));
  assert.match(out, /^#!\/bin\/sh\necho hi; \n# QEMU launch script [^]*\n\nexit 1$/);
});

test('a template is still appended when the exit is not the top-level last command', () => {
  for (const existing of [
    '#!/bin/sh\nif [ -z "$X" ]; then exit 1; fi\n',
    '#!/bin/sh\nfail() {\n  exit 1\n}\n',
    '#!/bin/sh\nexit 0\necho unreachable\n',
    '#!/bin/sh\nexec >/tmp/log 2>&1\n',
    '#!/bin/sh\ntrue || exit 1\n',
    '#!/bin/sh\nexit 0 &\n',
  ]) {
    const appended = apply(existing, addNetworkDevice(existing, { mode: 'user' }, ctx));
    assert.ok(appended.startsWith(existing), appended);
    assert.match(appended.slice(existing.length), /^\n# QEMU launch script /, JSON.stringify(existing));
  }
});

test('CRLF scripts get CRLF in inserted text; LF scripts keep LF', () => {
  const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
  const lone = (s: string): boolean => /(?<!\r)\n/.test(s);
  // Template before a final exit, device arguments and host-step comments on a multi-line invocation.
  const script = crlf('#!/bin/sh\necho hi\nexit 0\n');
  const t = apply(script, addNetworkDevice(script, { mode: 'user' }, ctx));
  assert.ok(!lone(t) && t.endsWith('\r\n\r\nexit 0\r\n'), JSON.stringify(t));
  const launch = crlf(LAUNCH);
  for (const spec of [{ mode: 'user', hostfwd: ['8080:80'] }, { mode: 'macvtap', link: 'eth0' }, { mode: 'vfio', bdf: '0000:03:00.0' }] as NetworkSpec[]) {
    const once = apply(launch, addNetworkDevice(launch, spec, ctx));
    assert.ok(once.length > launch.length && !lone(once), JSON.stringify(once));
    assert.deepEqual(addNetworkDevice(once, spec, ctx).edits, [], 'idempotent on CRLF');
  }
  const edited = apply(launch, editNetworkDevice(launch, 'netdev:net0', { mode: 'tap', ifname: 'tap0' }, ctx));
  assert.ok(!lone(edited), JSON.stringify(edited));
  // LF (and a file with more LF than CRLF lines) stays LF.
  const lf = apply(LAUNCH, addNetworkDevice(LAUNCH, { mode: 'macvtap', link: 'eth0' }, ctx));
  assert.ok(!lf.includes('\r'), lf);
  const mostlyLf = '#!/bin/sh\r\necho a\necho b\n';
  assert.ok(!apply(mostlyLf, addNetworkDevice(mostlyLf, { mode: 'user' }, ctx)).slice(mostlyLf.length).includes('\r'));
});

test('a whitespace-only file gets the whole template first, so its shebang is the first line', () => {
  const appended = apply('\n\n', addNetworkDevice('\n\n', { mode: 'user' }, ctx));
  assert.match(appended, /^#!\/bin\/sh\n# QEMU launch script .*\nset -eu\n\nexec qemu-system-x86_64 [^]*\n\n\n$/);
});

test('property: a template appended to a script without QEMU keeps its bytes, adds no shebang, and leaves -e and -u on', () => {
  const line = fc.constantFrom('set -eu\n', 'set -e\n', 'set +e\n', 'set -o nounset\n', 'set -euo pipefail\n', 'echo hi\n', '# c\n', 'if true; then set -u; fi\n', '\n', 'x=1\n');
  fc.assert(
    fc.property(fc.constantFrom('', '#!/bin/sh\n', '#!/bin/bash\n'), fc.array(line, { maxLength: 5 }), fc.constantFrom('', 'echo no newline', 'exit 0\n', 'exit'), fc.boolean(), (shebang, lines, last, crlf) => {
      const lf = shebang + lines.join('') + last;
      const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
      const e = addNetworkDevice(text, { mode: 'user' }, ctx);
      const once = applyEdits(text, e.edits);
      // Every byte kept: the template is one insertion, at the end or just before a final `exit`.
      const at = text.trim().length === 0 ? 0 : last.startsWith('exit') ? text.length - (crlf ? last.replace(/\n/g, '\r\n') : last).length : text.length;
      const inserted = once.slice(at, at + once.length - text.length);
      assert.equal(once.slice(0, at) + once.slice(at + inserted.length), text, once);
      if (text.trim().length > 0) assert.ok(!inserted.includes('#!'), once);
      if (crlf && text.includes('\r\n')) assert.ok(!/(?<!\r)\n/.test(once), JSON.stringify(once));
      assert.deepEqual([...topLevelSetFlags(once)].sort(), ['e', 'u'], once);
      // A flag already on is not set again.
      const on = topLevelSetFlags(text);
      const added = /^set -(\w+)\r?$/m.exec(inserted)?.[1] ?? '';
      assert.ok([...added].every((f) => !on.has(f)), once);
      assert.equal(parseLaunchScript(once).invocations.length, 1);
    }),
    { numRuns: 200 },
  );
});

// Random scripts: random shell around one QEMU invocation in a random layout.
const noise = fc.constantFrom('# comment é\n', 'echo "hi $USER"\n', 'X=1\n', 'args=(-m 128)\n', '\n', 'if true; then :; fi\n', 'cat <<EOF\nqemu-kvm -net nic\nEOF\n');
const existingOpt = fc.constantFrom(
  '-m 256', '-netdev user,id=net0', '-device e1000,netdev=net0', "-nic 'user,model=virtio-net-pci'", '-net nic -net user', '-display none', '"${args[@]}"',
  '-device vfio-pci,host=0000:01:00.0,id=hostdev0', '-nic tap,ifname=tap9,script=no', '-netdev tap,id=t1,fd=3 -device virtio-net-pci,netdev=t1,mac=52:54:00:00:00:07',
);
const script = fc
  .tuple(fc.array(noise, { maxLength: 4 }), fc.constantFrom('qemu-system-x86_64', 'exec qemu-kvm', 'sudo kvm', '$QEMU'), fc.array(existingOpt, { maxLength: 4 }), fc.boolean(), fc.array(noise, { maxLength: 3 }), fc.constantFrom('\n', '', ' 2>&1\n'))
  .map(([pre, prog, opts, multi, post, end]) => `${pre.join('')}${prog} ${opts.join(multi ? ' \\\n    ' : ' ')}${end}${post.join('')}`);
const specs = fc.constantFrom<NetworkSpec>(
  { mode: 'user', hostfwd: ['2222:22'] },
  { mode: 'tap', bridge: 'br0' },
  { mode: 'macvtap', link: 'eth0' },
  { mode: 'vfio', bdf: '0000:01:00.0' },
  { mode: 'user', model: 'e1000', restrict: true },
);

/** Original bytes outside the edited ranges are unchanged: rebuild the original from the result and the edits. */
function assertOutsideUnchanged(before: string, e: ScriptEdit, after: string): void {
  const index = new LineIndex(before);
  const spans = e.edits.map((x) => ({ s: index.offsetAt(x.range.start), e: index.offsetAt(x.range.end), t: x.newText })).sort((a, b) => a.s - b.s);
  let cursor = 0;
  let out = 0;
  for (const sp of spans) {
    assert.equal(after.slice(out, out + (sp.s - cursor)), before.slice(cursor, sp.s));
    out += sp.s - cursor + sp.t.length;
    cursor = sp.e;
  }
  assert.equal(after.slice(out), before.slice(cursor));
}

test('property: adding a device only inserts, keeps every other byte, is idempotent, and keeps CRLF scripts CRLF', () => {
  fc.assert(
    fc.property(script, specs, fc.boolean(), (lf, spec, crlf) => {
      const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
      const e = addNetworkDevice(text, spec, ctx);
      assert.ok(e.edits.every((x) => x.range.start.line === x.range.end.line && x.range.start.character === x.range.end.character), 'insertions only');
      const once = applyEdits(text, e.edits);
      assertOutsideUnchanged(text, e, once);
      assert.deepEqual(addNetworkDevice(once, spec, ctx).edits, [], `second run on:\n${once}`);
      assert.equal(parseLaunchScript(once).invocations.length, Math.max(1, parseLaunchScript(text).invocations.length));
      if (crlf && text.includes('\n')) assert.ok(!/(?<!\r)\n/.test(once), JSON.stringify(once));
      else if (!crlf) assert.ok(!once.includes('\r'), once);
    }),
    { numRuns: 200 },
  );
});

test('property: remove / convert / port-forward edits keep bytes outside their ranges and are idempotent', () => {
  fc.assert(
    fc.property(script, specs, (text, spec) => {
      const inv = parseLaunchScript(text).invocations[0];
      for (const dev of inv ? listNetworkDevices(inv) : []) {
        const e = removeNetworkDevice(text, dev.key, ctx);
        const once = applyEdits(text, e.edits);
        assertOutsideUnchanged(text, e, once);
        for (const x of e.edits) assert.match(text.slice(new LineIndex(text).offsetAt(x.range.start), new LineIndex(text).offsetAt(x.range.end)), /^[\s\S]*-(?:net|nic|netdev|device)\b/);
        assert.equal(parseLaunchScript(once).invocations.length, parseLaunchScript(text).invocations.length, `after removal:\n${once}`);
        assert.equal(parseLaunchScript(once).invocations[0]!.program.value, inv!.program.value);
        const left = parseLaunchScript(once).invocations[0]!;
        if (!listNetworkDevices(left).some((d) => d.key === dev.key)) assert.deepEqual(removeNetworkDevice(once, dev.key, ctx).edits, []);
      }
      const devices = inv ? listNetworkDevices(inv) : [];
      const uniqueKeys = new Set(devices.map((d) => d.key)).size === devices.length;
      for (const dev of devices) {
        const e = editNetworkDevice(text, dev.key, spec, ctx);
        const once = applyEdits(text, e.edits);
        assertOutsideUnchanged(text, e, once);
        // In place: the edited device now starts where the old one started (shifted by host lines inserted above).
        const index = new LineIndex(text);
        const old = Math.min(...dev.options.map((o) => o.span.start));
        const at = e.edits
          .map((x) => ({ s: index.offsetAt(x.range.start), e: index.offsetAt(x.range.end), n: x.newText.length }))
          .filter((x) => x.e <= old && x.s < old)
          .reduce((pos, x) => pos + x.n - (x.e - x.s), old);
        const after = listNetworkDevices(parseLaunchScript(once).invocations[0]!);
        const again = after.find((d) => Math.min(...d.options.map((o) => o.span.start)) === at);
        if (!uniqueKeys) continue; // a duplicated key edits the first device of that key
        assert.ok(again, `the edited device stands at offset ${at}:\n${once}`);
        assert.deepEqual(editNetworkDevice(once, again.key, spec, ctx).edits, [], `edit twice:\n${once}`);
      }
      for (const o of inv ? userNetworks(inv) : []) {
        const e = addPortForward(text, '7000:70', { ...ctx, optionStart: o.span.start });
        const once = applyEdits(text, e.edits);
        assertOutsideUnchanged(text, e, once);
        assert.deepEqual(addPortForward(once, '7000:70', { ...ctx, optionStart: o.span.start }).edits, [], `forward twice:\n${once}`);
      }
      const c = convertLegacyNet(text);
      const converted = applyEdits(text, c.edits);
      assertOutsideUnchanged(text, c, converted);
      assert.deepEqual(convertLegacyNet(converted).edits, []);
    }),
    { numRuns: 200 },
  );
});

describe('edited scripts pass the QEMU parse check', () => {
  const box = useQemuSandbox('edit');
  const work = box.work;
  const check = (text: string): void => {
    const r = runScriptChecked(text, box.ns.name, work);
    assert.ok(r.ok, `QEMU rejected:\n${text}\n${r.stderr}`);
  };
  test('template with user-mode and a port forward', () => {
    const text = apply('', addNetworkDevice('', { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:22'] }, ctx)).replace(/-enable-kvm |-drive \S+ \\\n/g, '');
    check(text);
  });
  test('template appended to a script that already has set -eu', () => {
    const existing = '#!/bin/sh\nset -eu\nVM_NAME=demo\n';
    const text = apply(existing, addNetworkDevice(existing, { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:22'] }, ctx)).replace(/-enable-kvm |-drive \S+ \\\n/g, '');
    assert.equal(text.match(/^set -/gm)?.length, 1, text);
    check(text);
  });
  test('template inserted before a final exit runs QEMU (the exit status 3 would fail the check otherwise)', () => {
    const existing = '#!/bin/sh\nVM_NAME=demo\nexit 3\n';
    const text = apply(existing, addNetworkDevice(existing, { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:22'] }, ctx)).replace(/-enable-kvm |-drive \S+ \\\n/g, '');
    assert.ok(text.endsWith('\nexit 3\n'), text);
    check(text);
  });
  test('added user device, port forward, macvtap device on a veth, removal, conversion', () => {
    let text = apply(LAUNCH, addNetworkDevice(LAUNCH, { mode: 'user', model: 'e1000' }, ctx));
    text = apply(text, addPortForward(text, 'tcp:127.0.0.1:0-:8080', { ...ctx, netdevId: 'net1' }));
    text = apply(text, addNetworkDevice(text, { mode: 'macvtap', link: 'veth0' }, ctx));
    check(text);
    const inv = parseLaunchScript(text).invocations[0]!;
    check(apply(text, removeNetworkDevice(text, listNetworkDevices(inv)[0]!.key, ctx)));
    const legacy = 'qemu-system-x86_64 -m 256 \\\n  -net nic,model=e1000 \\\n  -net user,hostfwd=tcp:127.0.0.1:0-:22\n';
    check(apply(legacy, convertLegacyNet(legacy)));
  });
  test('port forwards on user-mode networks without an id (-nic user, -net user)', () => {
    let text = THREE_NATS;
    for (const k of [1, 2]) text = apply(text, addPortForward(text, `tcp:127.0.0.1:0-:${k}`, { ...ctx, optionStart: userNetStarts(text)[k]! }));
    assert.match(text, /-nic user,model=e1000,mac=52:54:00:40:00:02,hostfwd=tcp:127\.0\.0\.1:0-:1 \\\n.* -net user,hostfwd=tcp:127\.0\.0\.1:0-:2\n$/);
    check(text);
  });
  test('devices edited in place: user-mode to tap on the bridge, a -nic to user-mode with a port forward', () => {
    const tap = apply(LAUNCH, editNetworkDevice(LAUNCH, 'netdev:net0', { mode: 'tap', bridge: 'br0' }, ctx));
    assert.match(tap, /-m 256 \\\n {2}-netdev tap,id=net0,.* \\\n {2}-device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:01\n$/);
    check(tap);
    const nic = 'qemu-system-x86_64 -nic user,model=e1000 -m 256\n';
    const user = apply(nic, editNetworkDevice(nic, 'nic:user,model=e1000', { mode: 'user', hostfwd: ['tcp:127.0.0.1:0-:22'] }, ctx));
    assert.match(user, /^qemu-system-x86_64 -netdev user,id=net0,hostfwd=tcp:127\.0\.0\.1:0-:22 -device virtio-net-pci,netdev=net0,mac=\S+ -m 256\n$/);
    check(user);
  });
});
