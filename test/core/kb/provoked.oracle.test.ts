/**
 * Every knowledge-base entry this machine can provoke is provoked here with the real tool
 * (the qemu-system-x86_64 parse check of test/core/qemu/qemuOracle.ts, virsh on the test:/// driver, iproute2 in a
 * private network namespace) and its real output is fed to explain(). Only 127.0.0.1 and
 * namespaces created here are touched.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KB_ENTRIES } from '../../../src/core/kb/entries';
import { explain } from '../../../src/core/kb/explain';
import { REAL_MESSAGES } from './realMessages';

const QEMU = 'qemu-system-x86_64';
const QMP_QUIT = '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n';
const provoked = new Set<string>();

function requireTool(cmd: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]);
  assert.equal(r.status, 0, `${cmd} is missing: install the Debian package ${pkg}`);
}

/** Runs a command and returns its stderr (where QEMU, ip and virsh print errors). */
function run(cmd: string, args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(cmd, args, { input: QMP_QUIT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: `${r.stderr ?? ''}` };
}

function qemuArgs(args: readonly string[]): string[] {
  return ['-M', 'pc', '-accel', 'tcg', '-S', '-display', 'none', '-nodefaults', '-qmp', 'stdio', ...args];
}

function expectExplained(stderr: string, entry: string): void {
  const ids = explain(stderr).map((m) => m.entry.id);
  assert.ok(ids.includes(entry), `expected ${entry} for real output:\n${stderr}\nmatched: ${JSON.stringify(ids)}`);
  provoked.add(entry);
}

describe('messages provoked with the real qemu-system-x86_64', () => {
  before(() => requireTool(QEMU, 'qemu-system-x86'));

  const cases: ReadonlyArray<[string, string[]]> = [
    ['hostfwd-invalid', ['-netdev', 'user,id=n0,hostfwd=tcp:5555-:22']],
    ['hostfwd-invalid', ['-netdev', 'user,id=n0,hostfwd=tcp::5555:22']],
    ['pci-assign-gone', ['-device', 'pci-assign,host=00:15.0']],
    ['redir-removed', ['-redir', 'tcp:5555::22']],
    ['unsupported-nic-model', ['-net', 'nic,model=e1000x', '-net', 'user']],
    ['netdev-not-found', ['-device', 'virtio-net-pci,netdev=nope']],
    ['bad-mac', ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0,mac=zz:00']],
    ['duplicate-netdev-id', ['-netdev', 'user,id=n0', '-netdev', 'user,id=n0']],
    ['netdev-no-peer', ['-netdev', 'user,id=n0']],
    ['netdev-unknown-type', ['-netdev', 'foo,id=n0']],
    ['vfio-no-host-device', ['-device', 'vfio-pci,host=0000:00:1f.7']],
  ];
  for (const [entry, args] of cases) {
    test(`${entry}: ${args.join(' ')}`, () => {
      const r = run(QEMU, qemuArgs(args));
      expectExplained(r.stderr, entry);
    });
  }

  test('vfio-group-open: a device whose IOMMU group has no /dev/vfio node (not bound to vfio-pci)', () => {
    // A stand-in sysfs device dir whose iommu_group link names a group this machine has no vfio node for.
    const dev = mkdtempSync(path.join(tmpdir(), 'kvmnet-kb-vfio-'));
    try {
      symlinkSync('../kernel/iommu_groups/4093', path.join(dev, 'iommu_group'));
      assert.ok(!existsSync('/dev/vfio/4093'));
      const r = run(QEMU, qemuArgs(['-device', `vfio-pci,sysfsdev=${dev}`]));
      expectExplained(r.stderr, 'vfio-group-open');
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });

  test('tap-fd-invalid: fd= not open, and fd= open on something that is not a tap', () => {
    expectExplained(run(QEMU, qemuArgs(['-netdev', 'tap,id=m0,fd=99'])).stderr, 'tap-fd-invalid');
    const devNull = openSync('/dev/null', 'r+');
    try {
      const r = spawnSync(QEMU, qemuArgs(['-netdev', 'tap,id=m0,fd=3']), { input: QMP_QUIT, encoding: 'utf8', timeout: 30_000, stdio: ['pipe', 'pipe', 'pipe', devNull] });
      assert.match(r.stderr, /TUNGETIFF/);
      expectExplained(r.stderr, 'tap-fd-invalid');
    } finally {
      closeSync(devNull);
    }
  });

  test('hostfwd-bind: the host port is already taken on 127.0.0.1', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = run(QEMU, qemuArgs(['-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22`]));
      expectExplained(r.stderr, 'hostfwd-bind');
    } finally {
      server.close();
    }
  });
});

describe('messages provoked inside a private network namespace', () => {
  const ns = `kvmnet-kb-${process.pid}`;
  let dir = '';
  before(() => {
    requireTool(QEMU, 'qemu-system-x86');
    requireTool('ip', 'iproute2');
    requireTool('setpriv', 'util-linux');
    const r = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
    assert.equal(r.status, 0, `cannot create network namespace (needs root): ${r.stderr}`);
    dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-kb-'));
  });
  after(() => {
    spawnSync('ip', ['netns', 'del', ns]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const inNs = (cmd: string, args: readonly string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args]);

  test('vhost-net-unavailable: tap with vhost=on and no /dev/vhost-net', (t) => {
    if (spawnSync('test', ['-e', '/dev/vhost-net']).status === 0) {
      t.skip('this machine has /dev/vhost-net, so QEMU cannot be made to fail here');
      return;
    }
    const r = inNs(QEMU, qemuArgs(['-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=on']));
    expectExplained(r.stderr, 'vhost-net-unavailable');
  });

  test('network-script-failed: script= names a missing file', () => {
    const r = inNs(QEMU, qemuArgs(['-netdev', `tap,id=n0,ifname=tap1,script=${path.join(dir, 'missing-ifup')},downscript=no`]));
    expectExplained(r.stderr, 'network-script-failed');
  });

  test('tap-permission: QEMU as an unprivileged user cannot create a tap', () => {
    const r = inNs('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', QEMU, ...qemuArgs(['-netdev', 'tap,id=n0,ifname=tap2,script=no,downscript=no'])]);
    expectExplained(r.stderr, 'tap-permission');
  });

  test('tap-busy: a second QEMU on a tap the first one holds', async () => {
    const holder = spawn('ip', ['netns', 'exec', ns, QEMU, ...qemuArgs(['-netdev', 'tap,id=n0,ifname=tapbusy,script=no,downscript=no'])], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    try {
      // The first QEMU has the tap once it exists in the namespace.
      for (let i = 0; spawnSync('ip', ['-n', ns, 'link', 'show', 'tapbusy']).status !== 0; i++) {
        assert.ok(i < 300 && holder.exitCode === null, 'the first QEMU did not create tapbusy');
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = inNs(QEMU, qemuArgs(['-netdev', 'tap,id=n0,ifname=tapbusy,script=no,downscript=no']));
      expectExplained(r.stderr, 'tap-busy');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  test('bridge-helper-acl: -netdev bridge without /etc/qemu/bridge.conf', (t) => {
    if (spawnSync('test', ['-e', '/etc/qemu/bridge.conf']).status === 0) {
      t.skip('/etc/qemu/bridge.conf exists on this machine; the helper would not fail on its ACL');
      return;
    }
    const r = inNs(QEMU, qemuArgs(['-netdev', 'bridge,id=n0,br=kvmnetnobr']));
    expectExplained(r.stderr, 'bridge-helper-acl');
  });

  test('rtnetlink-not-supported: ip link add of a link type the kernel lacks', () => {
    const r = inNs('ip', ['link', 'add', 'kvmnetd0', 'type', 'dummy']);
    assert.notEqual(r.status, 0, 'dummy links exist on this kernel: pick a missing link type');
    expectExplained(r.stderr, 'rtnetlink-not-supported');
  });
});

describe('messages provoked with virsh on the test:/// driver (no daemon)', () => {
  let dir = '';
  before(() => {
    requireTool('virsh', 'libvirt-clients');
    dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-kb-virsh-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('libvirt-hostdev-source: <hostdev> without <source>', () => {
    const file = path.join(dir, 'hostdev.xml');
    writeFileSync(
      file,
      "<domain type='qemu'><name>kb</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os><devices><hostdev mode='subsystem' type='pci' managed='yes'/></devices></domain>",
    );
    expectExplained(run('virsh', ['-c', 'test:///default', 'define', file]).stderr, 'libvirt-hostdev-source');
  });

  test('libvirt-network-inactive: a network that does not exist', () => {
    expectExplained(run('virsh', ['-c', 'test:///default', 'net-info', 'kvmnet-no-such-net']).stderr, 'libvirt-network-inactive');
  });
});

test('every knowledge-base entry is matched from real text (provoked here or recorded)', () => {
  const covered = new Set([...provoked, ...REAL_MESSAGES.map((m) => m.entry)]);
  assert.deepEqual(KB_ENTRIES.map((e) => e.id).filter((id) => !covered.has(id)), []);
});
