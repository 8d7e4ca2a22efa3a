// The MAC QEMU gives each NIC (explicit or its default 52:54:00:12:34:XX), checked against the real QEMU's
// `info network`, and the implicit-MAC rule's trigger / must-not cases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { QemuCode } from '../../../src/core/qemu/codes';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { parseLaunchScript } from '../../../src/core/qemu/model';
import { guestNics } from '../../../src/core/qemu/nics';
import { applyEdits } from '../../../src/core/text';
import { QEMU, requireQemu } from './qemuOracle';

const Q = 'qemu-system-x86_64';
const nicsOf = (args: string) => guestNics(parseLaunchScript(`${Q} ${args}\n`).invocations[0]!);

/** The MACs QEMU gives the NICs, in creation order (`info network` over QMP; user-mode backends only, no side effects). */
function qemuMacs(args: readonly string[]): string[] {
  const qmp = ['{"execute":"qmp_capabilities"}', '{"execute":"human-monitor-command","arguments":{"command-line":"info network"}}', '{"execute":"quit"}', ''].join('\n');
  const r = spawnSync(QEMU, ['-M', 'pc', '-accel', 'tcg', '-S', '-display', 'none', '-nodefaults', '-qmp', 'stdio', ...args], { input: qmp, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const info = (/"return": "([^"]*index=0,type=nic[^"]*)"/.exec(r.stdout)?.[1] ?? '').replace(/\\r\\n/g, '\n');
  // Lines like `e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56`; hub listings order them differently,
  // so they are matched to NICs by QEMU's device name (model.N, N counting per model in creation order).
  return [...info.matchAll(/(?:^|[\s:])([A-Za-z][\w-]*\.\d+): index=0,type=nic,model=[\w-]+,macaddr=([0-9a-f:]+)/g)].map((m) => `${m[1]}=${m[2]}`).sort();
}

test('default MACs match QEMU: -nic first, then -net nic, then -device; explicit 52:54:00:12:34:XX taken first only if created earlier', () => {
  requireQemu();
  const lines = [
    '-netdev user,id=a -device virtio-net-pci,netdev=a -net nic,model=rtl8139 -net user -nic user,model=e1000',
    '-nic user,model=e1000,mac=52:54:00:12:34:57 -device virtio-net-pci,netdev=a -netdev user,id=a -device e1000,netdev=b -netdev user,id=b',
    '-device virtio-net-pci,netdev=a,mac=52:54:00:12:34:56 -netdev user,id=a -nic user,model=e1000',
    '-nic user,model=e1000 -nic user,model=e1000,mac=52:54:00:12:34:56 -nic user,model=e1000',
  ];
  for (const line of lines) {
    const nics = nicsOf(line);
    const perModel = new Map<string, number>();
    const ours = nics
      .map((n) => {
        const model = n.option.name === '-device' ? n.option.props[0]!.value : /model=([\w-]+)/.exec(n.option.valueWord!.value)![1]!;
        const k = perModel.get(model) ?? 0;
        perModel.set(model, k + 1);
        return `${model}.${k}=${n.mac}`;
      })
      .sort();
    assert.deepEqual(ours, qemuMacs(line.split(' ')), line);
  }
});

test('shared vs private networks: tap/bridge/socket are shared, user-mode and unconnected NICs are not', () => {
  const shared = (args: string): (boolean | undefined)[] => nicsOf(args).map((n) => n.shared);
  assert.deepEqual(shared('-netdev tap,id=t -device e1000,netdev=t -netdev bridge,id=b,br=br0 -device e1000,netdev=b'), [true, true]);
  assert.deepEqual(shared('-nic socket,listen=:1234 -nic user -nic model=e1000 -device virtio-net-pci'), [true, false, false, false]);
  assert.deepEqual(shared('-net nic -net user -net nic,vlan=1 -net tap,vlan=1'), [false, true]);
  assert.deepEqual(shared('-device e1000,netdev=$ND -netdev $KIND,id=x -device e1000,netdev=x'), [undefined, undefined]);
});

test('implicit MAC rule: info on a single shared NIC, warning when two QEMU commands of one script get the same default', () => {
  const one = `${Q} -netdev tap,id=t0,ifname=tap0,script=no -device virtio-net-pci,netdev=t0 -nic tap,ifname=tap1,script=no\n`;
  const found = lintLaunchScript(one, { fileName: '/vm/a.sh' }).filter((f) => f.code === QemuCode.MacImplicit.id);
  assert.deepEqual(found.map((f) => f.severity), ['info', 'info']);
  // In QEMU's creation order: the -nic NIC gets the first default, the -device NIC the next one.
  assert.match(found[0]!.message, /52:54:00:12:34:56/);
  assert.match(found[1]!.message, /52:54:00:12:34:57/);
  const fixed = applyEdits(one, [...found[0]!.fixes![0]!.edits, ...found[1]!.fixes![0]!.edits]);
  assert.match(fixed, /-device virtio-net-pci,netdev=t0,mac=52:54:00(:[0-9a-f]{2}){3} -nic tap,ifname=tap1,script=no,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  assert.deepEqual(lintLaunchScript(fixed).filter((f) => f.code === QemuCode.MacImplicit.id || f.code === QemuCode.MacDuplicate.id), []);
  const macs = fixed.match(/mac=([0-9a-f:]+)/g)!;
  assert.notEqual(macs[0], macs[1]);
  const two = `${Q} -nic tap,ifname=tap0,script=no &\n${Q} -nic tap,ifname=tap1,script=no\n`;
  assert.deepEqual(lintLaunchScript(two).filter((f) => f.code === QemuCode.MacImplicit.id).map((f) => f.severity), ['warning', 'warning']);
});

test('implicit MAC rule must not fire: user-mode, explicit or $variable MACs, unknown backends, no NIC', () => {
  for (const args of [
    '-nic user -nic user,model=e1000 -net nic -net user -netdev user,id=u -device e1000,netdev=u',
    '-netdev tap,id=t,ifname=tap0,script=no -device e1000,netdev=t,mac=52:54:00:aa:00:01',
    '-netdev tap,id=t,ifname=tap0,script=no -device e1000,netdev=t,mac=$MAC',
    '-netdev $BACKEND,id=t -device e1000,netdev=t -device e1000,netdev=$ND -nic "$KIND"',
    '-netdev tap,id=t,ifname=tap0,script=no -device vfio-pci,host=01:00.0 -nic none',
  ]) {
    const codes = lintLaunchScript(`${Q} ${args}\n`).map((f) => f.code);
    assert.ok(!codes.includes(QemuCode.MacImplicit.id), args);
  }
});
