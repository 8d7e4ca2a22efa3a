import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { optionKind, parseLaunchScript, prop } from '../../../src/core/qemu/model';

const slice = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

test('finds qemu behind exec/sudo/env and a $QEMU variable, across continuations and arrays', () => {
  const text = [
    '#!/bin/bash',
    '# é ü — non-ASCII before the invocation keeps offsets exact',
    'QEMU=/usr/bin/qemu-system-x86_64',
    'args=(-m 512)',
    'args+=(-netdev "user,id=n0,hostfwd=tcp::5555-:22")',
    'exec sudo -E env A=1 $QEMU -enable-kvm \\',
    '  -net nic,model=e1000,macaddr=$mac \\',
    "  -device 'virtio-net-pci,netdev=n0' 3<>/dev/tap8 \"${args[@]}\"",
    '',
  ].join('\n');
  const script = parseLaunchScript(text);
  assert.equal(script.invocations.length, 1);
  const inv = script.invocations[0]!;
  assert.equal(inv.program.value, '$QEMU');
  assert.deepEqual([...inv.openFds], [3]);
  assert.deepEqual(inv.options.map((o) => o.name), ['-enable-kvm', '-net', '-device', '-m', '-netdev']);
  const net = inv.options[1]!;
  assert.equal(slice(text, net.span), '-net nic,model=e1000,macaddr=$mac');
  assert.equal(optionKind(net), 'nic');
  assert.equal(prop(net, 'macaddr')!.dynamic, true);
  const dev = inv.options[2]!;
  assert.equal(slice(text, prop(dev, 'netdev')!.range), 'netdev=n0');
  assert.equal(slice(text, prop(dev, 'driver')!.valueRange), 'virtio-net-pci');
  const netdev = inv.options[4]!;
  assert.equal(netdev.valueWord!.viaArray, 'args');
  const fwd = prop(netdev, 'hostfwd')!;
  assert.equal(slice(text, fwd.valueRange), 'tcp::5555-:22');
  assert.equal(slice(text, fwd.keyRange), 'hostfwd');
});

test('recognises qemu-kvm, kvm, qemu-system-aarch64 and -- long options; ignores other commands', () => {
  const text = 'qemu-kvm --netdev user,id=a\nkvm -nic user\n/opt/bin/qemu-system-aarch64 -device e1000\necho qemu-system-x86_64 -net nic\n';
  const script = parseLaunchScript(text);
  assert.deepEqual(script.invocations.map((i) => i.program.value), ['qemu-kvm', 'kvm', '/opt/bin/qemu-system-aarch64']);
  assert.equal(script.invocations[0]!.options[0]!.name, '-netdev');
});

test('escaped commas and quotes inside values map to the right source bytes', () => {
  const text = `qemu-system-x86_64 -netdev "user,id=n\\"1,smb=/a,,b"\n`;
  const o = parseLaunchScript(text).invocations[0]!.options[0]!;
  assert.equal(prop(o, 'id')!.value, 'n"1');
  assert.equal(slice(text, prop(o, 'id')!.valueRange), 'n\\"1');
  assert.equal(prop(o, 'smb')!.value, '/a,b');
  assert.equal(slice(text, prop(o, 'smb')!.valueRange), '/a,,b');
});

test('a syntax error still lets the rest of the script be read', () => {
  const text = 'if [ x ; then\nqemu-system-x86_64 -redir tcp:5555::22\n';
  const script = parseLaunchScript(text);
  assert.equal(script.shell.errors.length, 1);
  assert.equal(script.invocations[0]!.options[0]!.name, '-redir');
});

test('comments between continued lines end the command, as in bash', () => {
  const text = 'qemu-system-x86_64 -m 1 \\\n  # the network\n  -netdev user,id=n0\n';
  const inv = parseLaunchScript(text).invocations;
  assert.equal(inv.length, 1);
  assert.deepEqual(inv[0]!.options.map((o) => o.name), ['-m']);
});

const fragments = [
  'qemu-system-x86_64', 'kvm', ' -netdev ', 'user,id=n0', ',hostfwd=tcp::22-:22', ' -device ', 'virtio-net-pci,netdev=n0',
  ' \\\n', '\n', '#', ' # c\n', '"', "'", '$(', ')', '${a[@]}', 'args+=(', ' 3<>', '/dev/tap', '$QEMU', 'exec ', 'sudo ',
  'if ', 'then', 'fi', ';', '|', '&&', '<<EOF\n', 'EOF\n', ',,', '=', ',', 'é', '😀', '\\', '`', '{', '}', '\r\n',
];

test('property: the parser never throws and every range lies inside the text', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      const script = parseLaunchScript(text);
      for (const inv of script.invocations) {
        for (const o of inv.options) {
          assert.ok(0 <= o.span.start && o.span.start <= o.span.end && o.span.end <= text.length);
          for (const p of o.props) {
            for (const r of [p.range, p.keyRange, p.valueRange]) assert.ok(0 <= r.start && r.start <= r.end && r.end <= text.length);
          }
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('property: mutating a real launch script never makes the parser throw', () => {
  const base = 'QEMU=qemu-system-x86_64\nargs=(-m 512)\nexec $QEMU \\\n  -netdev user,id=n0,hostfwd=tcp::5555-:22 \\\n  -device "virtio-net-pci,netdev=n0" 3<>/dev/tap8 "${args[@]}"\n';
  fc.assert(
    fc.property(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 5 }), (a, b, ins) => {
      const [s, e] = a <= b ? [a, b] : [b, a];
      parseLaunchScript(base.slice(0, s) + ins + base.slice(e));
    }),
    { numRuns: 300 },
  );
});

test('arrays: the last reset before the use and the appends after it count', () => {
  const text = 'args=(-m 1)\nargs+=(-smp 2)\nargs=(-nic user)\nargs+=(-display none)\nqemu-system-x86_64 "${args[@]}"\nargs+=(-S)\n';
  const inv = parseLaunchScript(text).invocations[0]!;
  assert.deepEqual(inv.options.map((o) => o.name), ['-nic', '-display']);
});
