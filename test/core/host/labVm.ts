// Test helper (not a test): the SR-IOV lab VM, built by the project from Debian
// packages (generic kernel with IOMMU/NVMe/vfio modules, busybox-static, dropbear) and booted under TCG:
// q35 + emulated Intel IOMMU + an SR-IOV capable NVMe PF, reached over real ssh through a hostfwd port.
// Packages are fetched once with `apt-get download` into .cache/labvm (gitignored).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { busyboxTree, guestKernel, installModules, LAB_CACHE as CACHE, moduleFiles, packInitramfs, SRIOV_LAB_KERNEL_ARGS, SRIOV_LAB_QEMU_ARGS, writeInit } from '../../support/labGuest';
import { discover, type DiscoveryOptions } from '../../../src/core/host/discover';
import type { HostSpec } from '../../../src/core/host/hostSpec';
import type { HostSnapshot } from '../../../src/core/hostSnapshot';
import { runConfirmedPlan } from '../../../src/core/host/runPlan';
import type { ActionPlan } from '../../../src/core/pci/actions';
import { freePort, requireTool, which } from './sshd';

const DEBS = ['dropbear-bin', 'libtomcrypt1', 'libtommath1'];
/** Loaded at boot; vfio-pci is left to the bind action's `modprobe vfio-pci` (modules.dep is in the image). */
const BOOT_MODULES = ['virtio_pci', 'virtio_net', 'nvme'];
const ON_DEMAND_MODULES = ['vfio-pci'];
/** hostRoot: this machine's /usr, /etc, /var over 9p, made writable in the guest by overlays on tmpfs. */
const HOST_ROOT_MODULES = ['9pnet_virtio', '9p', 'overlay'];
export const LAB_PF = '0000:00:01.0';

export interface LabVmOptions {
  /**
   * Log ssh sessions into this machine's own Debian userland (its /usr, /etc and /var shared read-only over
   * 9p, writable through tmpfs overlays, chrooted into) on the VM's kernel: the machine's installed tools
   * (virsh, libvirtd, lspci, ip, nvme) then run against the VM's real sysfs, IOMMU groups and VFs.
   */
  readonly hostRoot?: boolean;
  readonly memoryMiB?: number;
}

export interface LabVm {
  readonly port: number;
  readonly hostSpec: string;
  readonly clientOptions: string[];
  /** Runs one command line in the guest over ssh (test setup and sysfs checks, not the code under test). */
  exec(command: string, timeoutMs?: number): { status: number | null; output: string };
  stop(): void;
}

function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  assert.equal(r.status, 0, `${file} ${args.join(' ')} failed: ${r.error?.message ?? ''}${r.stderr}`);
  return r.stdout;
}

function debs(): Record<string, string> {
  const dir = path.join(CACHE, 'debs');
  mkdirSync(dir, { recursive: true });
  const find = (pkg: string) => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  const missing = DEBS.filter((p) => !find(p));
  if (missing.length) run(which('apt-get', 'apt'), ['download', ...missing], { cwd: dir });
  return Object.fromEntries(DEBS.map((p) => [p, path.join(dir, find(p)!)]));
}

function extracted(deb: string, name: string): string {
  const dir = path.join(CACHE, name);
  if (!existsSync(path.join(dir, '.done'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run('dpkg', ['-x', deb, dir]);
    writeFileSync(path.join(dir, '.done'), '');
  }
  return dir;
}

/** Guest path the session shell chroots into (hostRoot); the initramfs keeps its own busybox userland. */
const HOST_ROOT = '/hostroot';
/** This machine's directories the guest sees (read-only over 9p): the installed system, none of its data (/root, /home, /tmp, /work). */
const HOST_DIRS = ['usr', 'etc', 'var'];
/** Merged-/usr top-level links (Debian 12+), recreated in the guest's root. */
const USR_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

function usrLinks(): Record<string, string> {
  const links: Record<string, string> = {};
  for (const name of USR_LINKS) {
    const p = `/${name}`;
    if (!existsSync(p)) continue;
    assert.ok(lstatSync(p).isSymbolicLink(), `lab VM hostRoot needs a merged-/usr Debian (12 or later): ${p} is a directory`);
    links[name] = readlinkSync(p);
  }
  return links;
}

/**
 * Builds a root on tmpfs from this machine's /usr, /etc and /var (each 9p read-only under an overlay with a
 * tmpfs upper layer, so daemons can write), the guest's /proc, /sys, /dev, and the guest kernel's modules
 * (modprobe vfio-pci must find them). Sessions chroot into it through root's login shell; SSH_CONNECTION
 * passes through.
 */
function hostRootScript(version: string, links: Record<string, string>): string {
  return `mkdir -p /ovl ${HOST_ROOT} && mount -t tmpfs -o size=60% tmpfs /ovl && mount -t tmpfs -o mode=755 tmpfs ${HOST_ROOT}
for d in ${HOST_DIRS.join(' ')}; do
  mkdir -p /lower/$d /ovl/$d/upper /ovl/$d/work ${HOST_ROOT}/$d
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 host$d /lower/$d || echo "mount 9p host$d failed"
  mount -t overlay overlay -o lowerdir=/lower/$d,upperdir=/ovl/$d/upper,workdir=/ovl/$d/work ${HOST_ROOT}/$d || echo "overlay $d failed"
done
${Object.entries(links).map(([name, target]) => `ln -s ${target} ${HOST_ROOT}/${name}`).join('\n')}
mkdir -p ${HOST_ROOT}/run ${HOST_ROOT}/root ${HOST_ROOT}/tmp && chmod 1777 ${HOST_ROOT}/tmp && chmod 700 ${HOST_ROOT}/root
for d in proc sys dev dev/pts; do mkdir -p ${HOST_ROOT}/$d; mount --bind /$d ${HOST_ROOT}/$d; done
mkdir -p ${HOST_ROOT}/lib/modules && cp -a /lib/modules/${version} ${HOST_ROOT}/lib/modules/
echo labvm > ${HOST_ROOT}/etc/hostname
cat > /bin/hostsh <<'EOS'
#!/bin/busybox sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec /bin/busybox chroot ${HOST_ROOT} /bin/sh "$@"
EOS
chmod 755 /bin/hostsh
echo /bin/hostsh >> /etc/shells
sed -i 's,:/bin/sh$,:/bin/hostsh,' /etc/passwd
`;
}

function initScript(version: string, modules: string[], hostRoot: boolean): string {
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /var/run /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
for m in ${modules.map((m) => `/lib/modules/${version}/${m}`).join(' ')}; do insmod "$m" || echo "insmod $m failed"; done
hostname labvm
ip link set lo up
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth0 ] && break; sleep 0.2; done
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
${hostRoot ? hostRootScript(version, usrLinks()) : ''}dropbear -R -E -p 22
echo KVMNET-LAB-READY
while :; do sleep 3600; done
`;
}

function buildInitrd(work: string, publicKey: string, hostRoot: boolean): { kernel: string; initrd: string } {
  const d = debs();
  const k = guestKernel('amd64');
  const root = path.join(work, 'root');
  const boot = moduleFiles(k, hostRoot ? [...BOOT_MODULES, ...HOST_ROOT_MODULES] : BOOT_MODULES);
  const bootRel = installModules(k, root, [...new Set([...boot, ...moduleFiles(k, ON_DEMAND_MODULES)])]).slice(0, boot.length);
  busyboxTree(root);
  // dropbear with the libraries it links (resolved by the host's loader).
  const staged = [extracted(d['dropbear-bin']!, 'dropbear'), extracted(d.libtomcrypt1!, 'libtomcrypt'), extracted(d.libtommath1!, 'libtommath')];
  const dropbear = path.join(staged[0]!, 'usr/sbin/dropbear');
  const libPath = staged.map((s) => path.join(s, 'usr/lib/x86_64-linux-gnu')).join(':');
  const ldd = run('ldd', [dropbear], { env: { ...process.env, LD_LIBRARY_PATH: libPath } });
  mkdirSync(path.join(root, 'usr/sbin'), { recursive: true });
  copyFileSync(dropbear, path.join(root, 'usr/sbin/dropbear'));
  for (const m of ldd.matchAll(/(?:=> )?(\/\S+) \(0x/g)) {
    const src = m[1]!;
    const inImage = staged.some((s) => src.startsWith(s)) ? `/usr/lib/x86_64-linux-gnu/${path.basename(src)}` : src;
    mkdirSync(path.dirname(path.join(root, inImage)), { recursive: true });
    copyFileSync(src, path.join(root, inImage));
  }
  mkdirSync(path.join(root, 'etc/dropbear'), { recursive: true }); // -R writes its host key here
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(path.join(root, 'etc/shells'), '/bin/sh\n');
  mkdirSync(path.join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(root, 'root/.ssh/authorized_keys'), publicKey, { mode: 0o600 });
  writeInit(root, initScript(k.version, bootRel, hostRoot));
  return { kernel: k.vmlinuz, initrd: packInitramfs(root, path.join(work, 'initrd.gz')) };
}

async function waitFor(cond: () => boolean, what: string, timeoutMs: number, detail: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`lab VM: ${what} did not happen in ${timeoutMs / 1000} s\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startLabVm(options: LabVmOptions = {}): Promise<LabVm> {
  const hostRoot = options.hostRoot === true;
  const qemu = which('qemu-system-x86_64', 'qemu-system-x86');
  const keygen = which('ssh-keygen', 'openssh-client');
  const ssh = which('ssh', 'openssh-client');
  const work = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-labvm-'));
  run(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(work, 'key')]);
  const { kernel, initrd } = buildInitrd(work, readFileSync(path.join(work, 'key.pub'), 'utf8'), hostRoot);
  const port = await freePort();
  const serial = path.join(work, 'serial.log');
  const child: ChildProcess = spawn(
    qemu,
    [
      ...SRIOV_LAB_QEMU_ARGS, '-m', String(options.memoryMiB ?? 512),
      '-serial', `file:${serial}`, '-kernel', kernel, '-initrd', initrd,
      '-append', `${SRIOV_LAB_KERNEL_ARGS} panic=1`,
      '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22`,
      '-device', 'virtio-net-pci,netdev=n0',
      ...(hostRoot ? HOST_DIRS.flatMap((d) => ['-virtfs', `local,path=/${d},mount_tag=host${d},security_model=none,readonly=on,multidevs=remap`]) : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let qemuErr = '';
  child.stderr?.on('data', (b: Buffer) => (qemuErr += b.toString()));
  const log = () => `${existsSync(serial) ? readFileSync(serial, 'utf8').slice(-3000) : ''}\n${qemuErr}`;
  const clientOptions = [`IdentityFile=${path.join(work, 'key')}`, 'IdentitiesOnly=yes', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'];
  const exec = (command: string, timeoutMs = 120_000) => {
    const sshArgs = ['-T', '-p', String(port), ...clientOptions.flatMap((o) => ['-o', o]), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', 'root@127.0.0.1', command];
    const r = spawnSync(ssh, sshArgs, { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  };
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitFor(() => child.exitCode !== null || (existsSync(serial) && readFileSync(serial, 'utf8').includes('KVMNET-LAB-READY')), 'boot', 180_000, log);
    assert.equal(child.exitCode, null, `qemu exited: ${log()}`);
    await waitFor(() => exec('true', 15_000).status === 0, 'ssh login', 60_000, log);
  } catch (e) {
    stop();
    throw e;
  }
  return { port, hostSpec: `ssh://root@127.0.0.1:${port}`, clientOptions, exec, stop };
}

/** The guest runs this machine's libvirtd, virsh and nvme-cli (hostRoot): without them there is nothing to test, and that is a failure. */
export function requireLibvirtLabTools(): void {
  requireTool('/usr/sbin/libvirtd', 'libvirt-daemon-system');
  requireTool('/usr/bin/virsh', 'libvirt-clients');
  requireTool('/usr/sbin/nvme', 'nvme-cli');
}

/** The kernel's own word on a device's binding (not discovery's): the driver symlink's target, '' when unbound. */
export function sysfsDriver(vm: LabVm, bdf: string): string {
  const r = vm.exec(`readlink /sys/bus/pci/devices/${bdf}/driver || true`);
  assert.equal(r.status, 0, r.output);
  return r.output.trim().split('/').pop() ?? '';
}

/**
 * QEMU's NVMe VFs are secondary controllers that start offline: nvme probes them and drops them ("Device
 * not ready"). Give the VF queue and interrupt resources, bring it online (NVMe Virtualization Management,
 * nvme-cli, needs hostRoot) and probe it again, so it really lives on nvme and "back on nvme" after a
 * reattach means something. VF n of the lab PF is secondary controller n (nvme list-secondary).
 */
export function onlineNvmeVf(vm: LabVm, vf: string, secondaryController: number): void {
  const script = `set -e
for i in $(seq 150); do [ -e /sys/bus/pci/devices/${vf}/driver ] || break; sleep 0.2; done
[ ! -e /sys/bus/pci/devices/${vf}/driver ] || { echo "nvme never dropped the offline VF"; exit 1; }
pf=/dev/$(ls /sys/bus/pci/devices/${LAB_PF}/nvme)
nvme virt-mgmt "$pf" -c ${secondaryController} -r 0 -a 8 -n 2 >/dev/null
nvme virt-mgmt "$pf" -c ${secondaryController} -r 1 -a 8 -n 1 >/dev/null
nvme virt-mgmt "$pf" -c ${secondaryController} -a 9 >/dev/null
echo ${vf} > /sys/bus/pci/drivers_probe
for i in $(seq 150); do [ "$(cat /sys/bus/pci/devices/${vf}/nvme/*/state 2>/dev/null)" = live ] && exit 0; sleep 0.2; done
echo "the VF controller never reached live"; exit 1`;
  const r = vm.exec(script);
  assert.equal(r.status, 0, `bringing ${vf} online on nvme: ${r.output}`);
}

/**
 * Starts this machine's libvirtd in a hostRoot lab VM and returns `virsh nodedev-list --cap pci`. Create VFs
 * before: without udevd in the guest, libvirt's node-device driver only knows devices present at its start.
 */
export function startLibvirtd(vm: LabVm): string {
  const r = vm.exec('setsid /usr/sbin/libvirtd -d && virsh -c qemu:///system nodedev-list --cap pci');
  assert.equal(r.status, 0, `libvirtd: ${r.output}`);
  return r.output;
}

/**
 * Runs an action plan on the lab VM as the editor does (runConfirmedPlan over ssh: rediscovered and compared
 * first, so a real host's second session must not count as a change), asserts it succeeded, rediscovers.
 */
export async function applyPlan(spec: HostSpec, plan: ActionPlan, opts: DiscoveryOptions): Promise<HostSnapshot> {
  const r = await runConfirmedPlan(spec, plan, opts);
  assert.ok(r.ok, `${plan.title}: ${r.error ?? ''}`);
  return discover(spec, opts);
}

/**
 * Defines a stopped guest in a hostRoot lab VM whose libvirtd runs (startLibvirtd): a 64 MiB TCG domain with ACPI
 * and no disk, written on the VM and defined by its own virsh. Returns the guest's UUID.
 */
export function defineLabGuest(vm: LabVm, name: string): string {
  assert.match(name, /^[a-z][a-z0-9-]*$/, 'a plain guest name (it is written into a shell command)');
  const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices></devices></domain>`;
  const r = vm.exec(`cat > /tmp/${name}.xml <<'EOX'\n${xml}\nEOX\nvirsh -c qemu:///system define /tmp/${name}.xml >/dev/null && virsh -c qemu:///system domuuid ${name}`);
  assert.equal(r.status, 0, `defining ${name} in the lab VM: ${r.output}`);
  return r.output.trim();
}
