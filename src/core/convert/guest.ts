import path from 'node:path';
import { optionsWithId, prop, qemuOptsOn, type QemuOption } from '../qemu/model';
import type { Tracker } from './tracker';
import { el, type XmlOut } from './xmlWriter';

/**
 * Guest basics of a QEMU invocation as libvirt domain parts: name, memory, vCPUs, machine, accelerator, CPU
 * model, firmware and boot, disks and cdroms. Values QEMU defaults when absent take QEMU's default (that is what
 * the script runs with), never a guess; values only known at run time are reported.
 */

export interface Guest {
  name?: string;
  domainType: 'kvm' | 'qemu';
  arch: string;
  machine: string;
  memoryKiB: number;
  vcpus: number;
  topology?: { sockets: number; cores: number; threads: number };
  cpu?: XmlOut;
  os: XmlOut[];
  features: XmlOut[];
  lifecycle: XmlOut[];
  disks: XmlOut[];
  controllers: XmlOut[];
  /** The guest RAM's backend when -machine memory-backend= names one: libvirt's <memoryBacking>. */
  memoryBacking?: { source: 'memfd' | 'file' | 'anonymous'; shared: boolean };
}

/** Options libvirt runs QEMU with itself or that only concern how the script runs it: noted as info. */
const LIBVIRT_OWNED = new Set(['-nodefaults', '-no-user-config', '-S', '-daemonize', '-pidfile', '-qmp', '-monitor', '-runas', '-chroot', '-D', '-d', '-msg', '-sandbox', '-overcommit']);

const SIZE = /^(\d+(?:\.\d+)?)([KMGTkmgt]?)[bB]?$/;

/** QEMU size text in KiB: a bare number is MiB for -m. */
export function memoryKiB(text: string): number | undefined {
  const m = SIZE.exec(text);
  if (!m) return undefined;
  const unit = (m[2] || 'M').toUpperCase();
  const kib = Number(m[1]) * { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 }[unit]!;
  return Number.isFinite(kib) && kib >= 1 ? Math.round(kib) : undefined;
}

function archOf(program: string): string {
  const m = /qemu-system-([A-Za-z0-9_]+)$/.exec(program);
  return m ? m[1]! : 'x86_64';
}

const positiveInt = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : undefined);

export function readGuest(t: Tracker): Guest {
  const inv = t.inv;
  const g: Guest = { domainType: 'qemu', arch: archOf(inv.program.value), machine: 'pc', memoryKiB: 128 * 1024, vcpus: 1, os: [], features: [], lifecycle: [], disks: [], controllers: [] };
  let acpi = true;
  const opts = (name: string): QemuOption[] => inv.options.filter((o) => o.name === name);
  for (const o of inv.options) {
    switch (o.name) {
      case '-name': {
        const v = t.bare(o) ?? t.literal(o, 'guest');
        if (v !== undefined) g.name = v;
        if (o.props.length === 0 && o.valueWord) t.takeAll(o);
        break;
      }
      case '-m': {
        const v = t.bare(o) ?? t.literal(o, 'size');
        const kib = v !== undefined ? memoryKiB(v) : undefined;
        if (kib !== undefined) g.memoryKiB = kib;
        else if (v !== undefined) t.note(o.span, 'warning', `not translated: memory size '${v}'`);
        if (kib !== undefined) t.map(o.span, `memory ${kib} KiB`);
        break;
      }
      case '-smp':
        readSmp(t, o, g);
        break;
      case '-M':
      case '-machine': {
        const type = t.bare(o) ?? t.literal(o, 'type');
        if (type !== undefined) g.machine = type;
        const accel = t.literal(o, 'accel');
        if (accel !== undefined) setAccel(t, o, accel, g);
        const backend = t.literal(o, 'memory-backend');
        if (backend !== undefined) readMemoryBackend(t, o, backend, g);
        break;
      }
      case '-enable-kvm':
        t.take(o, undefined);
        g.domainType = 'kvm';
        break;
      case '-accel':
        setAccel(t, o, t.bare(o) ?? t.literal(o, 'accel') ?? '', g);
        break;
      case '-cpu':
        g.cpu = readCpu(t, o);
        break;
      case '-bios': {
        t.takeAll(o);
        if (o.valueWord && o.valueWord.dynamic.length === 0) g.os.push(el('loader', { type: 'rom' }, absolute(t, o, o.valueWord.value)));
        else t.note(o.span, 'warning', 'not translated: -bios path only known when the script runs');
        break;
      }
      case '-kernel':
      case '-initrd':
      case '-append': {
        t.takeAll(o);
        const elName = { '-kernel': 'kernel', '-initrd': 'initrd', '-append': 'cmdline' }[o.name]!;
        if (o.valueWord && o.valueWord.dynamic.length === 0) g.os.push(el(elName, {}, o.name === '-append' ? o.valueWord.value : absolute(t, o, o.valueWord.value)));
        else t.note(o.span, 'warning', `not translated: ${o.name} value only known when the script runs`);
        break;
      }
      case '-boot':
        readBoot(t, o, g);
        break;
      case '-no-acpi':
        t.take(o, undefined);
        acpi = false;
        break;
      case '-no-reboot':
        t.take(o, undefined);
        g.lifecycle.push(el('on_reboot', {}, 'destroy'));
        break;
      case '-no-shutdown':
        t.take(o, undefined);
        g.lifecycle.push(el('on_poweroff', {}, 'preserve'));
        break;
      default:
        if (LIBVIRT_OWNED.has(o.name) || (o.name === '-display' && o.valueWord?.value === 'none') || o.name === '-nographic') {
          t.takeAll(o);
          t.note(o.span, 'info', `not translated: ${t.optionText(o)} (libvirt starts and manages QEMU itself)`);
        }
    }
  }
  if (acpi) g.features.push(el('acpi'));
  readDisks(t, g, opts);
  return g;
}

const MEMORY_SOURCE: Record<string, 'memfd' | 'file' | 'anonymous'> = { 'memory-backend-memfd': 'memfd', 'memory-backend-file': 'file', 'memory-backend-ram': 'anonymous' };

/** `-machine memory-backend=ID` and its `-object memory-backend-*,id=ID`: the RAM's source and whether it is shared. */
function readMemoryBackend(t: Tracker, machine: QemuOption, id: string, g: Guest): void {
  const objects = optionsWithId(t.inv, '-object', id);
  const o = objects[0];
  const qomType = o ? prop(o, 'qom-type')?.value : undefined;
  const source = qomType !== undefined ? MEMORY_SOURCE[qomType] : undefined;
  if (objects.length !== 1 || !o || source === undefined) {
    t.note(machine.span, 'warning', `not translated: memory-backend=${id} (${objects.length === 1 ? `a ${qomType ?? '?'} object` : `-object id=${id} is defined ${objects.length} times`})`);
    return;
  }
  t.literal(o, 'qom-type');
  t.literal(o, 'id');
  // libvirt sizes the backend from <memory> itself (and QEMU requires the two to be equal).
  t.literal(o, 'size');
  const share = t.literal(o, 'share');
  const shared = qemuOptsOn(share);
  if (source === 'file') {
    const memPath = t.literal(o, 'mem-path');
    if (memPath !== undefined) t.note(o.span, 'info', `mem-path=${memPath}: libvirt places file-backed guest memory itself (memory_backing_dir in qemu.conf)`);
  }
  g.memoryBacking = { source, shared };
  t.map(o.span, `${qomType}${shared ? ', shared' : ''} → <memoryBacking>`);
}

function setAccel(t: Tracker, o: QemuOption, accel: string, g: Guest): void {
  // -machine accel=kvm:tcg falls back: the first one is what runs on a KVM host.
  const first = accel.split(':')[0];
  if (first === 'kvm') g.domainType = 'kvm';
  else if (first === 'tcg') g.domainType = 'qemu';
  else t.note(o.span, 'warning', `not translated: accelerator '${accel}' (libvirt runs kvm or tcg)`);
  if (accel.includes(':')) t.note(o.span, 'info', `accelerator fallback '${accel}': the domain uses ${first} only`);
}

function readSmp(t: Tracker, o: QemuOption, g: Guest): void {
  const cpus = positiveInt(t.bare(o) ?? t.literal(o, 'cpus'));
  const [sockets, cores, threads] = ['sockets', 'cores', 'threads'].map((k) => positiveInt(t.literal(o, k)));
  if (sockets && cores && threads) {
    const n = sockets * cores * threads;
    if (cpus === undefined || cpus === n) {
      g.vcpus = n;
      g.topology = { sockets, cores, threads };
      t.map(o.span, `${n} vCPUs (${sockets} sockets × ${cores} cores × ${threads} threads)`);
      return;
    }
    t.note(o.span, 'warning', `not translated: topology ${sockets}×${cores}×${threads} does not give ${cpus} vCPUs`);
  } else if (sockets || cores || threads) t.note(o.span, 'warning', 'not translated: a partial CPU topology (libvirt needs sockets, cores and threads)');
  if (cpus !== undefined) {
    g.vcpus = cpus;
    t.map(o.span, `${cpus} vCPUs`);
  }
}

function readCpu(t: Tracker, o: QemuOption): XmlOut | undefined {
  const model = t.bare(o);
  if (model === undefined) return undefined;
  const features: XmlOut[] = [];
  for (const p of o.props.slice(1)) {
    const flag = /^([+-])([A-Za-z0-9_.-]+)$/.exec(p.key);
    const onOff = /^(on|off)$/.exec(p.value);
    if (p.dynamic || (!flag && !onOff)) continue;
    t.take(o, p);
    const name = flag ? flag[2]! : p.key;
    const on = flag ? flag[1] === '+' : onOff![1] === 'on';
    features.push(el('feature', { policy: on ? 'require' : 'disable', name }));
  }
  t.map(o.span, `CPU ${model}`);
  if (model === 'host') return el('cpu', { mode: 'host-passthrough', check: 'none' }, ...features);
  if (model === 'max') return el('cpu', { mode: 'maximum', check: 'none' }, ...features);
  return el('cpu', { mode: 'custom', match: 'exact', check: 'none' }, el('model', { fallback: 'forbid' }, model), ...features);
}

const BOOT_DEV: Record<string, string> = { a: 'fd', c: 'hd', d: 'cdrom', n: 'network' };

function readBoot(t: Tracker, o: QemuOption, g: Guest): void {
  const order = t.bare(o) ?? t.literal(o, 'order');
  if (order !== undefined) {
    const devs = [...order].map((c) => BOOT_DEV[c]);
    if (devs.every((d) => d !== undefined)) for (const d of devs) g.os.push(el('boot', { dev: d }));
    else t.note(o.span, 'warning', `not translated: boot order '${order}'`);
  }
  const menu = t.literal(o, 'menu');
  if (menu !== undefined) g.os.push(el('bootmenu', { enable: /^(on|yes|true)$/.test(menu) ? 'yes' : 'no' }));
}

// ---- disks -----------------------------------------------------------------------------------------------

interface Disk {
  readonly file: string;
  readonly format?: string;
  readonly device: 'disk' | 'cdrom';
  readonly bus: 'virtio' | 'ide' | 'scsi' | 'sata' | 'usb';
  readonly index?: number;
  readonly readonly?: boolean;
}

const PREFIX: Record<Disk['bus'], string> = { virtio: 'vd', ide: 'hd', sata: 'sd', scsi: 'sd', usb: 'sd' };
const DEVICE_BUS: Record<string, { bus: Disk['bus']; device: Disk['device'] }> = {
  'virtio-blk-pci': { bus: 'virtio', device: 'disk' },
  'virtio-blk': { bus: 'virtio', device: 'disk' },
  'ide-hd': { bus: 'ide', device: 'disk' },
  'ide-cd': { bus: 'ide', device: 'cdrom' },
  'scsi-hd': { bus: 'scsi', device: 'disk' },
  'scsi-cd': { bus: 'scsi', device: 'cdrom' },
  'usb-storage': { bus: 'usb', device: 'disk' },
};
const FORMATS = new Set(['raw', 'qcow2', 'qcow', 'vmdk', 'vdi', 'vpc', 'vhdx', 'qed', 'luks']);

function readDisks(t: Tracker, g: Guest, opts: (name: string) => QemuOption[]): void {
  const q35 = /q35/.test(g.machine);
  const disks: { disk: Disk; o: QemuOption }[] = [];
  const byId = new Map<string, { o: QemuOption; file: string; format?: string; ro?: boolean; media?: string }>();
  let pflash = 0;
  for (const o of opts('-drive')) {
    t.touch(o);
    const file = t.literal(o, 'file');
    const iface = t.literal(o, 'if') ?? 'ide';
    const format = t.literal(o, 'format');
    const media = t.literal(o, 'media');
    const ro = t.literal(o, 'readonly');
    const index = positiveIntOrZero(t.literal(o, 'index'));
    if (file === undefined) {
      t.note(o.span, 'warning', `not translated: ${t.optionText(o)} (no literal file=)`);
      continue;
    }
    if (iface === 'pflash') {
      const unit = positiveIntOrZero(t.literal(o, 'unit')) ?? pflash;
      pflash++;
      g.os.push(unit === 0 ? el('loader', { readonly: /^(on|yes)$/.test(ro ?? '') ? 'yes' : undefined, type: 'pflash' }, absolute(t, o, file)) : el('nvram', {}, absolute(t, o, file)));
      t.map(o.span, unit === 0 ? `firmware ${file}` : `NVRAM ${file}`);
      continue;
    }
    if (iface === 'none') {
      const id = t.literal(o, 'id');
      if (id !== undefined) byId.set(id, { o, file, ...(format ? { format } : {}), ...(ro ? { ro: /^(on|yes)$/.test(ro) } : {}), ...(media ? { media } : {}) });
      else t.note(o.span, 'warning', 'not translated: if=none drive without id= is not attached to anything');
      continue;
    }
    const bus = iface === 'virtio' ? 'virtio' : iface === 'scsi' ? 'scsi' : iface === 'ide' ? (q35 ? 'sata' : 'ide') : undefined;
    if (!bus) {
      t.note(o.span, 'warning', `not translated: drive interface if=${iface}`);
      continue;
    }
    const device = media === 'cdrom' ? 'cdrom' : 'disk';
    disks.push({ o, disk: { file, device, bus, ...(format ? { format } : {}), ...(index !== undefined ? { index } : {}), ...(ro && /^(on|yes)$/.test(ro) ? { readonly: true } : {}) } });
  }
  const blockdevs = readBlockdevs(t, opts('-blockdev'));
  for (const o of opts('-device')) {
    const driver = prop(o, 'driver')?.value ?? '';
    const kind = DEVICE_BUS[driver];
    if (!kind) continue;
    const ref = prop(o, 'drive')?.value;
    const src = ref !== undefined ? (byId.get(ref) ?? blockdevs.get(ref)) : undefined;
    if (!src) continue;
    t.take(o, prop(o, 'driver'));
    t.take(o, prop(o, 'drive'));
    t.literal(o, 'id');
    const bus = kind.bus === 'ide' && q35 ? 'sata' : kind.bus;
    disks.push({ o, disk: { file: src.file, device: kind.device, bus, ...(src.format ? { format: src.format } : {}), ...(src.ro ? { readonly: true } : {}) } });
    if (kind.bus === 'scsi' && !g.controllers.length) {
      const ctl = t.inv.options.find((x) => x.name === '-device' && prop(x, 'driver')?.value === 'virtio-scsi-pci');
      if (ctl) {
        t.take(ctl, prop(ctl, 'driver'));
        t.literal(ctl, 'id');
        g.controllers.push(el('controller', { type: 'scsi', model: 'virtio-scsi' }));
      }
    }
  }
  for (const shorthand of ['-hda', '-hdb', '-hdc', '-hdd', '-cdrom']) {
    for (const o of opts(shorthand)) {
      t.takeAll(o);
      if (!o.valueWord || o.valueWord.dynamic.length > 0) {
        t.note(o.span, 'warning', `not translated: ${shorthand} path only known when the script runs`);
        continue;
      }
      const index = shorthand === '-cdrom' ? 2 : shorthand.charCodeAt(3) - 'a'.charCodeAt(0);
      disks.push({ o, disk: { file: o.valueWord.value, device: shorthand === '-cdrom' ? 'cdrom' : 'disk', bus: q35 ? 'sata' : 'ide', index, ...(shorthand === '-cdrom' ? { readonly: true } : {}) } });
    }
  }
  // Target names: explicit indexes first, then the next free letter per prefix in command-line order.
  const taken = new Map<string, Set<number>>();
  const slot = (prefix: string): Set<number> => taken.get(prefix) ?? taken.set(prefix, new Set()).get(prefix)!;
  for (const { disk } of disks) if (disk.index !== undefined) slot(PREFIX[disk.bus]).add(disk.index);
  for (const { disk, o } of disks) {
    const prefix = PREFIX[disk.bus];
    let n = disk.index;
    if (n === undefined) {
      n = 0;
      while (slot(prefix).has(n)) n++;
      slot(prefix).add(n);
    }
    if (n > 25) {
      t.note(o.span, 'warning', `not translated: disk index ${n}`);
      continue;
    }
    const dev = `${prefix}${String.fromCharCode(97 + n)}`;
    const file = absolute(t, o, disk.file);
    const format = disk.format && FORMATS.has(disk.format) ? disk.format : disk.device === 'cdrom' ? 'raw' : undefined;
    if (disk.format && !FORMATS.has(disk.format)) t.note(o.span, 'warning', `not translated: disk format '${disk.format}'`);
    g.disks.push(
      el(
        'disk',
        { type: file.startsWith('/dev/') ? 'block' : 'file', device: disk.device },
        el('driver', { name: 'qemu', type: format }),
        el('source', file.startsWith('/dev/') ? { dev: file } : { file }),
        el('target', { dev, bus: disk.bus }),
        disk.readonly ? el('readonly') : undefined,
      ),
    );
    t.map(o.span, `${disk.device} ${disk.file} → ${dev} (${disk.bus})`);
  }
}

/** libvirt needs absolute paths: a relative one is taken as relative to the script's directory, and said so. */
export function absolute(t: Tracker, o: QemuOption, file: string): string {
  if (path.isAbsolute(file)) return file;
  const abs = path.resolve(t.baseDir, file);
  t.note(o.span, 'info', `relative path '${file}' taken as ${abs} (the script's directory); libvirt needs absolute paths`);
  return abs;
}

function positiveIntOrZero(s: string | undefined): number | undefined {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
}

/** -blockdev nodes as drives by node-name: a format node over a file node, or a file node alone (raw). */
function readBlockdevs(t: Tracker, options: QemuOption[]): Map<string, { file: string; format?: string; ro?: boolean }> {
  const nodes = new Map<string, { o: QemuOption; driver?: string; filename?: string; file?: string; ro?: boolean }>();
  for (const o of options) {
    const raw = o.valueWord?.value ?? '';
    let node: { driver?: string; filename?: string; file?: string; name?: string; ro?: boolean } | undefined;
    if (raw.trimStart().startsWith('{') && o.valueWord?.dynamic.length === 0) {
      try {
        const j = JSON.parse(raw) as Record<string, unknown>;
        const file = j.file;
        node = {
          ...(typeof j.driver === 'string' ? { driver: j.driver } : {}),
          ...(typeof j.filename === 'string' ? { filename: j.filename } : {}),
          ...(typeof file === 'string' ? { file } : typeof file === 'object' && file && typeof (file as Record<string, unknown>).filename === 'string' ? { filename: (file as Record<string, string>).filename } : {}),
          ...(typeof j['node-name'] === 'string' ? { name: j['node-name'] } : {}),
          ...(j['read-only'] === true ? { ro: true } : {}),
        };
        t.takeAll(o);
      } catch {
        node = undefined;
      }
    } else {
      t.touch(o);
      const filename = t.literal(o, 'filename') ?? t.literal(o, 'file.filename');
      t.literal(o, 'file.driver');
      const ro = t.literal(o, 'read-only');
      node = { driver: t.literal(o, 'driver'), filename, file: t.literal(o, 'file'), name: t.literal(o, 'node-name'), ro: ro === 'on' };
    }
    if (node?.name) nodes.set(node.name, { o, ...node });
    else t.note(o.span, 'warning', `not translated: ${t.optionText(o)} (no node-name)`);
  }
  const out = new Map<string, { file: string; format?: string; ro?: boolean }>();
  for (const [name, n] of nodes) {
    if (n.filename !== undefined && n.driver !== undefined && FORMATS.has(n.driver)) out.set(name, { file: n.filename, format: n.driver, ...(n.ro ? { ro: true } : {}) });
    else if (n.filename !== undefined) out.set(name, { file: n.filename, format: 'raw', ...(n.ro ? { ro: true } : {}) });
    else if (n.file !== undefined && nodes.get(n.file)?.filename !== undefined) {
      out.set(name, { file: nodes.get(n.file)!.filename!, ...(n.driver && FORMATS.has(n.driver) ? { format: n.driver } : {}), ...(n.ro ? { ro: true } : {}) });
    }
  }
  return out;
}
