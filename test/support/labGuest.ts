import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { debianKernelDeb } from './debianKernel';

/**
 * What the test VMs share: Debian's kernel unpacked once, its modules in load order, a busybox initramfs
 * packed from a directory, and the SR-IOV lab machine (q35, emulated Intel IOMMU with
 * interrupt remapping, an SR-IOV NVMe PF with 4 VFs' worth of flexible resources).
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Where the test VMs keep the kernel .debs and their unpacked trees (gitignored). */
export const LAB_CACHE = path.join(repoRoot, '.cache', 'labvm');

export interface GuestKernel {
  /** The unpacked package (boot/, lib/modules/VERSION with modules.dep). */
  readonly root: string;
  readonly version: string;
  readonly vmlinuz: string;
}

export function runTool(file: string, args: readonly string[], opts: { cwd?: string; input?: string | Buffer } = {}): string {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  assert.equal(r.status, 0, `${file} ${args.join(' ')} failed: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

export function requireCommand(name: string, debianPackage: string): string {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
  const p = r.stdout.trim();
  assert.ok(r.status === 0 && p !== '', `${name} is missing: install the Debian package ${debianPackage}`);
  return p;
}

/**
 * The Debian kernel (downloaded once into CACHE/debs), unpacked with depmod into a directory named after its
 * .deb, so a new kernel ABI gets a fresh tree. Unpacked beside and renamed into place: test files that boot
 * VMs at the same time never see a half-written tree.
 */
export function guestKernel(flavour: 'amd64' | 'cloud-amd64', cache = LAB_CACHE): GuestKernel {
  const deb = debianKernelDeb(path.join(cache, 'debs'), flavour);
  const root = path.join(cache, path.basename(deb, '.deb'));
  if (!existsSync(root)) {
    requireCommand('dpkg', 'dpkg');
    const depmod = requireCommand('depmod', 'kmod');
    const tmp = mkdtempSync(`${root}.tmp-`);
    runTool('dpkg', ['-x', deb, tmp]);
    const version = readdirSync(path.join(tmp, 'lib/modules'))[0]!;
    runTool(depmod, ['-b', tmp, version]);
    try {
      renameSync(tmp, root);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process got there first
    }
  }
  const version = readdirSync(path.join(root, 'lib/modules'))[0]!;
  return { root, version, vmlinuz: path.join(root, 'boot', `vmlinuz-${version}`) };
}

/** Module files (absolute, in the unpacked tree) for `names` and their dependencies, each after what it needs. */
export function moduleFiles(k: GuestKernel, names: readonly string[]): string[] {
  const modprobe = requireCommand('modprobe', 'kmod');
  const out: string[] = [];
  for (const n of names) {
    for (const line of runTool(modprobe, ['-d', k.root, '-S', k.version, '--show-depends', n]).split('\n')) {
      const m = /^insmod (\S+)/.exec(line.trim());
      if (m && !out.includes(m[1]!)) out.push(m[1]!);
    }
  }
  return out;
}

/**
 * Copies module files into TREE/lib/modules/VERSION at their relative paths (modules.builtin too, and
 * modules.dep by depmod, so `modprobe` works in the guest); returns their paths relative to that directory.
 */
export function installModules(k: GuestKernel, tree: string, files: readonly string[]): string[] {
  const src = path.join(k.root, 'lib/modules', k.version);
  const dst = path.join(tree, 'lib/modules', k.version);
  const rel = files.map((f) => path.relative(src, f));
  for (const r of rel) {
    mkdirSync(path.dirname(path.join(dst, r)), { recursive: true });
    copyFileSync(path.join(src, r), path.join(dst, r));
  }
  for (const f of ['modules.builtin', 'modules.builtin.modinfo', 'modules.order']) if (existsSync(path.join(src, f))) copyFileSync(path.join(src, f), path.join(dst, f));
  runTool(requireCommand('depmod', 'kmod'), ['-b', tree, k.version]);
  return rel;
}

/** True when the ELF file has no program interpreter (PT_INTERP): it runs without a dynamic loader. */
function isStaticElf(file: string): boolean {
  const b = readFileSync(file);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const [size, count] = [b.readUInt16LE(0x36), b.readUInt16LE(0x38)];
  for (let i = 0; i < count; i++) if (b.readUInt32LE(phoff + i * size) === 3) return false;
  return true;
}

/** A tree with the static busybox as /bin/busybox, ready for an /init and more files. */
export function busyboxTree(tree: string): void {
  const need = 'install the Debian package busybox-static';
  assert.ok(existsSync('/bin/busybox'), `/bin/busybox is missing: ${need}`);
  assert.ok(isStaticElf('/bin/busybox'), `/bin/busybox is dynamically linked (Debian's busybox): ${need}`);
  mkdirSync(path.join(tree, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', path.join(tree, 'bin/busybox'));
}

/** Packs TREE as a gzip'd newc cpio initramfs at OUT. */
export function packInitramfs(tree: string, out: string): string {
  requireCommand('cpio', 'cpio');
  runTool('sh', ['-c', 'find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 > "$1"', 'sh', out], { cwd: tree });
  return out;
}

export function writeInit(tree: string, script: string): void {
  writeFileSync(path.join(tree, 'init'), script, { mode: 0o755 });
}

/** The SR-IOV lab machine: q35 with an emulated Intel IOMMU (interrupt remapping) and an SR-IOV capable NVMe PF at 00:01.0. */
export const SRIOV_LAB_QEMU_ARGS: readonly string[] = [
  '-M', 'q35,kernel-irqchip=split', '-accel', 'tcg', '-nodefaults', '-display', 'none', '-no-reboot',
  '-device', 'intel-iommu,intremap=on',
  '-device', 'nvme-subsys,id=subsys0',
  '-device', 'nvme,serial=deadbeef,subsys=subsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=10,msix_qsize=8',
];

/** no_timer_check: under TCG the IO-APIC timer check through remapped interrupts can panic at random. */
export const SRIOV_LAB_KERNEL_ARGS = 'console=ttyS0 quiet no_timer_check intel_iommu=on';
