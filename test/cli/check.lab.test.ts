import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import type { CheckReport } from '../../src/cli/commands/check';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', ...argv], { out: (t) => (out += t), err: (t) => (err += t), cwd: '/' });
  return { code, out, err };
}

test('--help documents every option, the statuses, the JSON shape and the exit status', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  for (const word of ['--host', '--ssh-option', '--json', '--mode', '--timeout', 'unknown', 'allow_unsafe_interrupts', 'GRUB_CMDLINE_LINUX', 'Exit status', 'vfio']) {
    assert.ok(r.out.includes(word), word);
  }
});

test('this machine: the missing /dev/vhost-net (and /dev/kvm if absent) is a failure, exit 1', async () => {
  const r = await run('--json');
  const report = JSON.parse(r.out) as CheckReport;
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  assert.equal(report.host, 'This machine');
  assert.equal(byId.get('vhost-net')?.status, existsSync('/dev/vhost-net') ? 'pass' : 'fail');
  assert.equal(byId.get('kvm-device')?.status === 'fail', !existsSync('/dev/kvm'));
  assert.equal(r.code, report.summary.fail > 0 ? 1 : 0);
  if (!existsSync('/dev/vhost-net')) {
    assert.equal(r.code, 1);
    assert.equal(report.modes['vhost-net'], 'fail');
  }
});

test('this machine, text: FAIL line and copyable fix for vhost-net', async (t) => {
  if (existsSync('/dev/vhost-net')) {
    t.skip('this machine has /dev/vhost-net');
    return;
  }
  const r = await run();
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL {2}vhost-net +\/dev\/vhost-net/m);
  assert.match(r.out, /\$ sudo modprobe vhost_net/);
  assert.match(r.out, /^Summary: \d+ pass, \d+ warn, [1-9]\d* fail, \d+ unknown$/m);
});

test('--host demo passes every mode (exit 0); --mode narrows the checks', async () => {
  const r = await run('--host', 'demo', '--json');
  assert.equal(r.code, 0, r.out);
  const report = JSON.parse(r.out) as CheckReport;
  assert.equal(report.hostname, 'kvm-demo01');
  assert.ok(Object.values(report.modes).every((s) => s === 'pass'));
  const vhost = JSON.parse((await run('--host', 'demo', '--mode', 'vhost-net', '--json')).out) as CheckReport;
  assert.deepEqual(vhost.checks.map((c) => c.id).sort(), ['qemu', 'tun', 'vhost-net']);
});

test('usage errors exit 2', async () => {
  for (const argv of [['--mode', 'bogus'], ['--host', '-oProxyCommand=x'], ['--ssh-option', 'bad option'], ['--frob'], ['extra'], ['--timeout', '0']]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, /kvmnet check/);
  }
});

test('an unreachable ssh host is reported, exit 2', async () => {
  const r = await run('--host', 'ssh://root@127.0.0.1:1', '--timeout', '2');
  assert.equal(r.code, 2);
  assert.match(r.err, /kvmnet check: .*127\.0\.0\.1/);
});

test('text output never passes terminal escapes from host data through', async () => {
  const { checkReport, renderCheckReport } = await import('../../src/cli/commands/check');
  const snapshot = { formatVersion: 1, system: { hostname: 'h\u001b]0;pwned\u0007', kernelLog: ['kvm: disabled by bios \u001b[2J'] }, devices: [], interfaces: [{ name: 'br\u001b[31m0', isBridge: true }], iommuGroups: [], warnings: [] };
  const text = renderCheckReport(checkReport(snapshot, 'x'));
  assert.doesNotMatch(text, /\u001b|\u0007/);
  assert.match(text, /kvm: disabled by bios/);
});

test('the SR-IOV lab VM over real ssh: IOMMU, interrupt remapping and SR-IOV capability pass', { timeout: 600_000 }, async () => {
  const { startLabVm } = await import('../core/host/labVm');
  const lab = await startLabVm();
  try {
    const r = await run('--host', lab.hostSpec, ...lab.clientOptions.flatMap((o) => ['--ssh-option', o]), '--json');
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const report = JSON.parse(r.out) as CheckReport;
    const status = new Map(report.checks.map((c) => [c.id, c.status]));
    assert.equal(status.get('iommu-active'), 'pass');
    assert.equal(status.get('iommu-cmdline'), 'pass');
    assert.equal(status.get('interrupt-remapping'), 'pass', JSON.stringify(report.checks.find((c) => c.id === 'interrupt-remapping')));
    assert.equal(status.get('sriov-devices'), 'pass');
    // The lab kernel loads no kvm module: that must show, with exit 1.
    assert.equal(status.get('kvm-device'), 'fail');
    assert.equal(r.code, 1);
  } finally {
    lab.stop();
  }
});
