import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover, DiscoveryError } from '../../../src/core/host/discover';
import { sshArgs } from '../../../src/core/host/ssh';
import { HostSpecError, parseHostSpec } from '../../../src/core/host/hostSpec';
import { silentServer, startSshd, which, type TestSshd } from './sshd';

const SYS_PCI = '/sys/bus/pci/devices';

function sysfsFacts(): Map<string, { vendor: string; device: string; driver?: string }> {
  const m = new Map<string, { vendor: string; device: string; driver?: string }>();
  for (const b of readdirSync(SYS_PCI)) {
    const read = (f: string) => readFileSync(path.join(SYS_PCI, b, f), 'utf8').trim().replace(/^0x/, '');
    let driver: string | undefined;
    try {
      driver = path.basename(readlinkSync(path.join(SYS_PCI, b, 'driver')));
    } catch {
      driver = undefined;
    }
    m.set(b, { vendor: read('vendor'), device: read('device'), ...(driver ? { driver } : {}) });
  }
  return m;
}

test('this machine, locally: every PCI function of /sys with its ids and driver, and host facts', async () => {
  which('sh', 'dash');
  const s = await discover({ kind: 'local' });
  assert.deepEqual(s.warnings, []);
  const truth = sysfsFacts();
  assert.equal(s.devices.length, truth.size);
  for (const d of s.devices) {
    const t = truth.get(d.bdf);
    assert.ok(t, d.bdf);
    assert.equal(d.vendorId, t.vendor);
    assert.equal(d.deviceId, t.device);
    assert.equal(d.driver, t.driver);
  }
  assert.equal(s.system.kernelRelease, readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  assert.equal(s.system.kernelCmdline, readFileSync('/proc/cmdline', 'utf8').trim());
  assert.equal(s.system.isRoot, process.getuid?.() === 0);
  // What the machine says about its default route must be what discovery reports.
  const routes = readFileSync('/proc/net/route', 'utf8').split('\n').slice(1).map((l) => l.split('\t')).filter((f) => f[1] === '00000000').map((f) => f[0]!);
  for (const r of routes) assert.ok(s.system.defaultRouteInterfaces?.includes(r), r);
  for (const r of routes) assert.equal(s.interfaces.find((i) => i.name === r)?.carriesDefaultRoute, true);
  for (const node of ['/dev/kvm', '/dev/vhost-net', '/dev/net/tun']) assert.equal(s.system.devNodes?.[node], existsSync(node), node);
  // libvirt: a daemon socket is looked for and reported either way (nodedev actions need one).
  const isSocket = (p: string) => existsSync(p) && statSync(p).isSocket();
  assert.equal(s.system.libvirtSocket, ['/run/libvirt/libvirt-sock', '/var/run/libvirt/libvirt-sock', '/run/libvirt/virtqemud-sock'].some(isSocket));
});

test('ssh arguments: BatchMode first, then the host, the user options, kvmnet defaults; destination after -- (real ssh -G)', () => {
  const ssh = which('ssh', 'openssh-client');
  const spec = parseHostSpec('ssh://root@lab.example:2222');
  assert.equal(spec.kind, 'ssh');
  if (spec.kind !== 'ssh') return;
  const args = sshArgs(spec, { sshOptions: ['ProxyJump=bastion', 'connecttimeout=5', 'Port=3333'], connectTimeoutSeconds: 7 });
  assert.deepEqual(args, [
    '-T', '-o', 'BatchMode=yes', '-p', '2222', '-l', 'root', '-o', 'ProxyJump=bastion', '-o', 'ConnectTimeout=5', '-o', 'Port=3333',
    '-o', 'ConnectTimeout=7', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2', '--', 'lab.example', 'sh', '-s',
  ]);
  // OpenSSH keeps the first value of an option: `ssh -G` prints what it would really use.
  const effective = (a: string[]): Map<string, string> => {
    const r = spawnSync(ssh, ['-G', '-F', '/dev/null', ...a], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  };
  const g = effective(args);
  assert.equal(g.get('connecttimeout'), '5', 'the user ConnectTimeout beats the default it names');
  assert.equal(g.get('batchmode'), 'yes');
  assert.equal(g.get('port'), '2222', 'the host URL port beats a Port option');
  assert.equal(g.get('user'), 'root');
  assert.equal(g.get('proxyjump'), 'bastion');
  assert.equal(g.get('proxycommand'), undefined);
  assert.equal(effective(sshArgs(spec, { connectTimeoutSeconds: 7 })).get('connecttimeout'), '7', 'without a user value: the setting');
  assert.throws(() => sshArgs(spec, { sshOptions: ['ProxyCommand=sh -c x'] }), HostSpecError);
  assert.throws(() => sshArgs(spec, { sshOptions: ['BatchMode=no'] }), /BatchMode=yes/);
  assert.throws(() => sshArgs(spec, { sshOptions: ['-oProxyCommand=x'] }), HostSpecError);
});

test('host aliases with a leading -, whitespace or shell metacharacters are rejected', () => {
  for (const bad of ['-oProxyCommand=x', 'a b', 'host;reboot', 'h$(id)', 'h`id`', 'h|x', "h'", 'h\nx', 'ssh://-x@h', 'ssh://u@-h'])
    assert.throws(() => parseHostSpec(bad), HostSpecError, JSON.stringify(bad));
});

let sshd: TestSshd;
before(async () => {
  sshd = await startSshd();
});
after(() => sshd?.stop());

test('real ssh to an sshd on 127.0.0.1: discovery through exactly one ssh process', async () => {
  const ssh = which('ssh', 'openssh-client');
  const count = path.join(sshd.dir, 'ssh-count');
  const wrapper = path.join(sshd.dir, 'ssh-wrapper');
  writeFileSync(wrapper, `#!/bin/sh\necho "$$" >> '${count}'\nexec '${ssh}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const spec = parseHostSpec(sshd.hostSpec);
  const s = await discover(spec, { sshPath: wrapper, sshOptions: sshd.clientOptions, connectTimeoutSeconds: 10 });
  assert.equal(readFileSync(count, 'utf8').trim().split('\n').length, 1, 'one ssh process per refresh');
  assert.deepEqual(s.warnings, []);
  assert.equal(s.devices.length, sysfsFacts().size);
  // The session came over ssh: its connection is seen, and its interface when `ip` can tell (loopback here).
  assert.match(s.system.sshConnection ?? '', /^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/);
  assert.equal(s.system.sshInterface, 'lo');
  assert.equal(s.interfaces.find((i) => i.name === 'lo')?.carriesSshSession, true);
});

test('ssh failure (key refused) is a clear error, not a hang', async () => {
  const spec = parseHostSpec(sshd.hostSpec);
  await assert.rejects(
    discover(spec, { sshOptions: ['IdentityFile=/nonexistent', 'IdentitiesOnly=yes', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null'] }),
    (e: unknown) => e instanceof DiscoveryError && /ssh to 127\.0\.0\.1 failed \(exit 255\).*Permission denied/.test(e.message),
  );
});

test('a host that accepts TCP but never answers ends within the connect timeout with a clear error', async () => {
  const srv = await silentServer();
  try {
    const spec = parseHostSpec(`ssh://nobody@127.0.0.1:${srv.port}`);
    await assert.rejects(
      discover(spec, { connectTimeoutSeconds: 1, runTimeoutSeconds: 5, sshOptions: ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null'] }),
      (e: unknown) => e instanceof DiscoveryError && /timed out/.test(e.message),
    );
  } finally {
    srv.close();
  }
});

test('cancellation: an AbortSignal ends a pending discovery', async () => {
  const srv = await silentServer();
  try {
    const spec = parseHostSpec(`ssh://nobody@127.0.0.1:${srv.port}`);
    const ac = new AbortController();
    const p = discover(spec, { connectTimeoutSeconds: 60, signal: ac.signal, sshOptions: ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null'] });
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(p, (e: unknown) => e instanceof DiscoveryError && /cancelled/.test(e.message));
    const already = AbortSignal.abort();
    await assert.rejects(discover({ kind: 'local' }, { signal: already }));
  } finally {
    srv.close();
  }
});
