import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['args', ...argv], { out: (t) => (out += t), err: (t) => (err += t), cwd: '/vm' });
  return { code, out, err };
}

test('--help lists every mode and option', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  for (const word of ['user', 'tap', 'macvtap', 'vfio', '--hostfwd', '--restrict', '--bridge', '--script', '--vhost', '--link', '--macvtap-mode', '--fd', '--bdf', '--legacy', '--model', '--mac']) {
    assert.ok(r.out.includes(word), word);
  }
});

test('user mode prints one shell-quoted line', async () => {
  const r = await run('user', '--hostfwd', '2222:22', '--args-only');
  assert.equal(r.code, 0);
  assert.match(r.out, /^-netdev user,id=net0,hostfwd=tcp::2222-:22 -device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  assert.equal((await run('user', '--hostfwd', '2222:22', '--args-only')).out, r.out, 'stable MAC');
});

test('macvtap prints the ip link steps, then the args with the fd redirection', async () => {
  const r = await run('macvtap', '--link', 'eth0');
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines.at(-1)!, / 3<>\/dev\/tap\$\(cat \/sys\/class\/net\/macvtap-net0\/ifindex\)$/);
  assert.ok(lines.some((l) => l.includes('ip link add link eth0 name macvtap-net0 type macvtap mode bridge')));
});

test('strict options: unknown mode, foreign option, bad value are usage errors (exit 2)', async () => {
  for (const argv of [['frob'], ['tap', '--link', 'eth0'], ['user', '--hostfwd', 'tcp:5555-:22'], ['user', '--bogus'], ['vfio', '03:00'], ['macvtap'], []]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /Usage: kvmnet args/);
  }
});

test('vfio takes the BDF as --bdf or after the mode', async () => {
  assert.match((await run('vfio', '3b:00.1', '--args-only')).out, /^-device vfio-pci,host=0000:3b:00.1,id=hostdev0\n$/);
  assert.match((await run('vfio', '--bdf', '0000:3b:00.1')).out, /driver_override/);
});

test('socket, vhost-user and vdpa modes: their options, and usage errors for a missing or second endpoint', async () => {
  const help = await run('--help');
  for (const word of ['socket', 'vhost-user', 'vdpa', '--listen', '--connect', '--mcast', '--udp', '--localaddr', '--path', '--server', '--queues', '--vhostdev']) assert.ok(help.out.includes(word), word);
  const s = await run('socket', '--udp', '10.0.0.2:5555', '--localaddr', '10.0.0.1:5556', '--args-only');
  assert.equal(s.code, 0);
  assert.match(s.out, /^-netdev socket,id=net0,udp=10\.0\.0\.2:5555,localaddr=10\.0\.0\.1:5556 -device virtio-net-pci,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3}\n$/);
  const v = await run('vhost-user', '--path', '/run/vhu0.sock', '--server', '--queues', '2', '--args-only');
  assert.equal(v.code, 0);
  assert.match(v.out, /^-chardev socket,id=chr-net0,path=\/run\/vhu0\.sock,server=on,wait=off -netdev vhost-user,id=net0,chardev=chr-net0,queues=2 -device virtio-net-pci,netdev=net0,mac=[0-9a-f:]{17},mq=on,vectors=6\n$/);
  assert.equal((await run('vdpa', '--vhostdev', '/dev/vhost-vdpa-1', '--args-only')).code, 0);
  for (const argv of [['socket'], ['socket', '--listen', ':1', '--connect', 'a:1'], ['socket', '--udp', 'a:1'], ['vhost-user'], ['vhost-user', '--path', '/x', '--queues', 'many'], ['vhost-user', '--path', '/x', '--model', 'e1000'], ['vdpa'], ['vdpa', '--vhostdev', '/dev/vhost-vdpa-0', '--legacy'], ['socket', '--listen', ':1', '--bridge', 'br0']]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /Usage: kvmnet args/);
  }
});
