// End to end (a tiny TCG guest booted under QEMU): a launch script produced by "Add network device… → user-mode with a port forward"
// boots a tiny guest (Debian's cloud kernel + a busybox initramfs, TCG) and the forwarded port answers from
// the host. The kernel package is fetched once with `apt-get download` (test/support/labGuest.ts, .cache/labvm).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { addNetworkDevice } from '../../../src/core/qemu/edit';
import { applyEdits } from '../../../src/core/text';
import { requireQemu } from './qemuOracle';
import { busyboxTree, guestKernel, installModules, moduleFiles, packInitramfs, writeInit, type GuestKernel } from '../../support/labGuest';

const MODULES = ['virtio_pci', 'virtio_net'];

/** busybox initramfs: virtio-net modules in dependency order, 10.0.2.15, httpd on :80, a ready line on the console. */
function initramfs(work: string, k: GuestKernel): string {
  const dir = path.join(work, 'initramfs');
  for (const d of ['proc', 'sys', 'dev', 'www']) mkdirSync(path.join(dir, d), { recursive: true });
  busyboxTree(dir);
  const modules = installModules(k, dir, moduleFiles(k, MODULES));
  writeFileSync(path.join(dir, 'www/index.html'), 'kvmnet guest says hello\n');
  writeInit(
    dir,
    `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
${modules.map((m) => `insmod /lib/modules/${k.version}/${m}`).join('\n')}
ip link set lo up; ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2
httpd -p 80 -h /www
echo KVMNET-GUEST-READY > /dev/ttyS0
while true; do sleep 3600; done
`,
  );
  return packInitramfs(dir, path.join(work, 'initrd.gz'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a script from "Add network device → user-mode with a port forward" boots and the port answers', { timeout: 300_000 }, async () => {
  requireQemu();
  const k = guestKernel('cloud-amd64');
  const work = mkdtempSync(path.join(tmpdir(), 'kvmnet-boot-'));
  const log = path.join(work, 'serial.log');
  const initrd = initramfs(work, k);
  const port = await freePort();
  const scriptPath = path.join(work, 'launch-vm.sh');
  const base = `#!/bin/sh\nset -eu\nexec qemu-system-x86_64 -M pc -accel tcg -m 256 -nodefaults -display none \\\n  -serial file:${log} \\\n  -kernel ${k.vmlinuz} -initrd ${initrd} -append "console=ttyS0 quiet"\n`;
  const script = applyEdits(base, addNetworkDevice(base, { mode: 'user', hostfwd: [`tcp:127.0.0.1:${port}-:80`] }, { scriptPath }).edits);
  assert.match(script, new RegExp(`-netdev user,id=net0,hostfwd=tcp:127\\.0\\.0\\.1:${port}-:80 \\\\\\n  -device virtio-net-pci,netdev=net0,mac=52:54:00`));
  writeFileSync(scriptPath, script);
  const vm = spawn('sh', [scriptPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  vm.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitFor(() => vm.exitCode !== null || (existsSync(log) && readFileSync(log, 'utf8').includes('KVMNET-GUEST-READY')), 'the guest to boot');
    assert.equal(vm.exitCode, null, `QEMU exited: ${stderr}`);
    let body = '';
    await waitFor(async () => {
      try {
        body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
        return true;
      } catch {
        return false;
      }
    }, 'the forwarded port to answer', 30_000);
    assert.equal(body, 'kvmnet guest says hello\n');
  } finally {
    vm.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});
