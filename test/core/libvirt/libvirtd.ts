// Test helper (not a test): a real libvirtd (+ virtlogd) and an sshd on 127.0.0.1 in a private mount namespace
// (TCG guests under qemu:///system). /run, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt are fresh tmpfs and /etc/libvirt a
// copy, so the daemon, its guests and its socket are this test's alone, whatever else runs on the machine; the
// sshd runs in the same namespace, so discovery over ssh sees exactly this daemon. Everything is killed by pid.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTool, startSshd, type TestSshd } from '../host/sshd';

export interface PrivateLibvirt {
  readonly sshd: TestSshd;
  /** Runs `virsh -c qemu:///system ARGS` against this daemon; output is stdout+stderr. */
  virsh(...args: string[]): { status: number | null; output: string };
  /** Writes a file where this namespace's virsh can read it. */
  readonly dir: string;
  stop(): void;
}

const SETUP = String.raw`
set -e
mount -t tmpfs kvmnet-run /run
mkdir -p /run/sshd /run/libvirt
for d in /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do mkdir -p "$d"; mount -t tmpfs kvmnet-lv "$d"; done
mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt/qemu
cp -a /etc/libvirt "$1/etc"
rm -f "$1"/etc/qemu/*.xml "$1"/etc/qemu/autostart/*.xml
mount --bind "$1/etc" /etc/libvirt
echo ready
exec sleep 100000
`;

async function until(what: string, ok: () => boolean, children: ChildProcess[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (ok()) return;
    for (const c of children) assert.equal(c.exitCode, null, `${what}: a helper process exited early`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} did not happen in time`);
}

/** SIGKILLs the QEMU processes named by the pid files libvirt keeps for running guests. */
function killLeftGuests(pidDir: string): void {
  let files: string[] = [];
  try {
    files = readdirSync(pidDir).filter((f) => f.endsWith('.pid'));
  } catch {
    return;
  }
  for (const f of files) {
    const pid = Number(readFileSync(path.join(pidDir, f), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function startPrivateLibvirt(): Promise<PrivateLibvirt> {
  requireTool('/usr/sbin/libvirtd', 'libvirt-daemon-system');
  requireTool('/usr/sbin/virtlogd', 'libvirt-daemon-system');
  requireTool('/usr/bin/unshare', 'util-linux');
  requireTool('/usr/bin/virsh', 'libvirt-clients');
  assert.equal(process.getuid?.(), 0, 'a libvirt daemon of its own needs root (mount namespace, qemu:///system)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-libvirt-'));
  const holder = spawn('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', SETUP, 'kvmnet-ns', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  holder.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  holder.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const children: ChildProcess[] = [holder];
  const stop = () => {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(`namespace setup (${out})`, () => out.includes('ready'), [holder]);
    const ns = ['nsenter', '-t', String(holder.pid), '-m', '--'];
    const root = `/proc/${holder.pid}/root`;
    const daemon = (file: string) => {
      const c = spawn(ns[0]!, [...ns.slice(1), file], { stdio: 'ignore' });
      children.push(c);
    };
    daemon('/usr/sbin/virtlogd');
    daemon('/usr/sbin/libvirtd');
    await until('libvirtd socket', () => existsSync(`${root}/run/libvirt/libvirt-sock`) && existsSync(`${root}/run/libvirt/virtlogd-sock`), children);
    const sshd = await startSshd({ logLevel: 'INFO', wrap: ns });
    const virsh = (...args: string[]) => {
      const r = spawnSync(ns[0]!, [...ns.slice(1), 'virsh', '-q', '-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    // The socket exists a moment before the daemon answers on it.
    await until('libvirtd answering', () => virsh('version').status === 0, children);
    return {
      sshd,
      virsh,
      dir,
      stop() {
        // libvirtd leaves running guests behind when it exits (by design): destroy them first, then kill any QEMU
        // whose pid file is still in this namespace's /run, so no guest outlives the test.
        const running = virsh('list', '--name').output.split('\n').map((l) => l.trim()).filter(Boolean);
        for (const dom of running) virsh('destroy', dom);
        killLeftGuests(`${root}/run/libvirt/qemu`);
        sshd.stop();
        stop();
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}
