import { attrValue, childElements, type XmlElement } from '../xml/document';
import type { XmlTracker } from './xmlTracker';

/**
 * The guest basics of a <domain> as QEMU arguments: name, uuid, memory, vCPUs, machine, accelerator, CPU,
 * firmware, boot, clock, lifecycle and disks. Everything else is left for the tracker to report.
 */

export interface GuestArgs {
  readonly args: string[];
  readonly arch: string;
  /** The machine type as the domain names it (QEMU's pc when it names none). */
  readonly machine: string;
  readonly emulator?: string;
  readonly name?: string;
  /** Options among args that take no value (for grouping the script's lines). */
  readonly flags: Set<string>;
}

const UNIT_KIB: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024, t: 1024 ** 3, tib: 1024 ** 3 };
const BOOT_LETTER: Record<string, string> = { hd: 'c', cdrom: 'd', network: 'n', fd: 'a' };
const DISK_IF: Record<string, string> = { virtio: 'virtio', ide: 'ide', sata: 'ide', scsi: 'scsi' };
/** Elements whose libvirt default is QEMU's own behaviour: read, nothing to emit. */
const QEMU_DEFAULT_FEATURES = new Set(['apic', 'pae']);

export function guestArgs(t: XmlTracker, root: XmlElement): GuestArgs {
  const args: string[] = [];
  const flags = new Set<string>();
  const flag = (f: string): void => {
    args.push(f);
    flags.add(f);
  };
  const name = t.text(t.child(root, 'name'));
  if (name) args.push('-name', name);
  const uuid = t.text(t.child(root, 'uuid'));
  if (uuid) args.push('-uuid', uuid);
  const mem = t.child(root, 'memory');
  const kib = Number(t.text(mem)) * (UNIT_KIB[(t.attr(mem, 'unit') ?? 'KiB').toLowerCase()] ?? NaN);
  if (Number.isFinite(kib) && kib > 0) args.push('-m', kib % 1024 === 0 ? String(kib / 1024) : `${Math.round(kib)}k`);
  else if (mem) t.note(mem.openTagSpan, 'warning', 'not translated: <memory> size');
  const cur = t.child(root, 'currentMemory');
  if (cur) {
    t.attr(cur, 'unit');
    if (t.text(cur) !== t.text(mem)) t.note(cur.openTagSpan, 'warning', 'not translated: <currentMemory> below <memory> (a balloon target)');
  }
  const vcpuEl = t.child(root, 'vcpu');
  t.attr(vcpuEl, 'placement');
  const vcpus = Number(t.text(vcpuEl) ?? '1');
  const cpu = t.child(root, 'cpu');
  const topo = cpu ? t.child(cpu, 'topology') : undefined;
  const [sockets, dies, cores, threads] = ['sockets', 'dies', 'cores', 'threads'].map((k) => t.attr(topo, k));
  if (dies && dies !== '1') t.note(topo!.openTagSpan, 'warning', 'not translated: dies');
  args.push('-smp', `${vcpus}${topo ? `,sockets=${sockets},cores=${cores},threads=${threads}` : ''}`);
  const os = t.child(root, 'os');
  const type = os ? t.child(os, 'type') : undefined;
  t.text(type);
  const arch = t.attr(type, 'arch') ?? 'x86_64';
  const machine = t.attr(type, 'machine') ?? 'pc';
  const acpi = root.children.some((f) => f.kind === 'element' && f.name === 'features' && childElements(f, 'acpi').length > 0);
  const shared = sharedMemory(t, root);
  const sized = Number.isInteger(kib) && kib > 0;
  if (shared && !sized) t.note(shared.openTagSpan, 'warning', 'not translated: shared memory without a <memory> size');
  const backend = shared && sized ? ',memory-backend=pc.ram' : '';
  if (backend) args.push('-object', `memory-backend-memfd,id=pc.ram,size=${kib * 1024},share=on`);
  args.push('-machine', `${machine}${acpi ? '' : ',acpi=off'}${backend}`);
  args.push('-accel', t.attr(root, 'type') === 'kvm' ? 'kvm' : 'tcg');
  if (cpu) {
    const mode = t.attr(cpu, 'mode') ?? 'custom';
    for (const k of ['match', 'check', 'migratable']) t.attr(cpu, k);
    const features = childElements(cpu, 'feature').map((f) => {
      t.take(f);
      const policy = t.attr(f, 'policy');
      return `${policy === 'disable' || policy === 'forbid' ? '-' : '+'}${t.attr(f, 'name')}`;
    });
    const modelEl = t.child(cpu, 'model');
    t.attr(modelEl, 'fallback');
    const model = mode === 'host-passthrough' || mode === 'host-model' ? 'host' : mode === 'maximum' ? 'max' : t.text(modelEl);
    if (mode === 'host-model') t.note(cpu.openTagSpan, 'info', "mode='host-model' approximated by -cpu host (QEMU has no host-model)");
    if (model) args.push('-cpu', [model, ...features].join(','));
  }
  if (os) osArgs(t, os, args);
  const clock = t.child(root, 'clock');
  const offset = t.attr(clock, 'offset');
  if (offset === 'utc' || offset === 'localtime') args.push('-rtc', `base=${offset}`);
  for (const [el, dflt, qemuFlag] of [['on_poweroff', 'destroy', undefined], ['on_reboot', 'restart', '-no-reboot'], ['on_crash', 'destroy', undefined]] as const) {
    const e = t.child(root, el);
    const v = t.text(e);
    if (e && v !== dflt) {
      if (el === 'on_reboot' && v === 'destroy' && qemuFlag) flag(qemuFlag);
      else t.note(e.openTagSpan, 'warning', `not translated: <${el}>${v}</${el}>`);
    }
  }
  const features = t.child(root, 'features');
  if (features) {
    for (const f of childElements(features)) if (f.name === 'acpi' || QEMU_DEFAULT_FEATURES.has(f.name)) t.take(f);
  }
  const devices = t.child(root, 'devices');
  let emulator: string | undefined;
  if (devices) {
    emulator = t.text(t.child(devices, 'emulator'));
    disks(t, devices, args);
    for (const ctl of childElements(devices, 'controller')) {
      const type = t.attr(ctl, 'type');
      const model = t.attr(ctl, 'model');
      t.attr(ctl, 'index');
      // The root bus and the chipset's own IDE/SATA/USB controllers come with the machine.
      if ((type === 'pci' && /^pcie?-root$/.test(model ?? '')) || type === 'ide' || type === 'sata' || (type === 'usb' && model === 'none')) {
        t.take(ctl);
        t.takeAll(t.child(ctl, 'address'));
      } else if (type === 'scsi' && model === 'virtio-scsi') {
        t.take(ctl);
        args.push('-device', 'virtio-scsi-pci');
      }
    }
  }
  return { args, arch, machine, flags, ...(emulator ? { emulator } : {}), ...(name ? { name } : {}) };
}

/**
 * <memoryBacking><access mode='shared'/>: the guest RAM as a shared memfd, which vhost-user backends map
 * (libvirt uses a shared memory-backend-file). Other memoryBacking settings are left to the tracker.
 */
function sharedMemory(t: XmlTracker, root: XmlElement): XmlElement | undefined {
  const mb = childElements(root, 'memoryBacking')[0];
  const access = mb ? childElements(mb, 'access')[0] : undefined;
  if (!mb || !access || attrValue(access, 'mode') !== 'shared') return undefined;
  t.take(mb);
  t.take(access);
  t.attr(access, 'mode');
  const source = childElements(mb, 'source')[0];
  const type = source ? attrValue(source, 'type') : undefined;
  if (source && (type === 'memfd' || type === 'file' || type === 'anonymous')) {
    t.take(source);
    t.attr(source, 'type');
    if (type !== 'memfd') t.note(source.openTagSpan, 'info', `<source type='${type}'/>: the shared RAM is a memfd here (libvirt's ${type} backing needs its own directory and settings)`);
  }
  return access;
}

function osArgs(t: XmlTracker, os: XmlElement, args: string[]): void {
  const boots: string[] = [];
  for (const e of childElements(os)) {
    const v = ['loader', 'nvram', 'kernel', 'initrd', 'cmdline'].includes(e.name) ? t.text(e) : undefined;
    switch (e.name) {
      case 'loader': {
        const type = t.attr(e, 'type');
        const ro = t.attr(e, 'readonly') === 'yes';
        if (type === 'pflash') args.push('-drive', `if=pflash,format=raw,unit=0,${ro ? 'readonly=on,' : ''}file=${v}`);
        else args.push('-bios', v ?? '');
        break;
      }
      case 'nvram':
        t.attr(e, 'template');
        args.push('-drive', `if=pflash,format=raw,unit=1,file=${v}`);
        break;
      case 'kernel':
        args.push('-kernel', v ?? '');
        break;
      case 'initrd':
        args.push('-initrd', v ?? '');
        break;
      case 'cmdline':
        args.push('-append', v ?? '');
        break;
      case 'boot': {
        t.take(e);
        const letter = BOOT_LETTER[t.attr(e, 'dev') ?? ''];
        if (letter) boots.push(letter);
        break;
      }
      case 'bootmenu':
        t.take(e);
        if (t.attr(e, 'enable') === 'yes') args.push('-boot', 'menu=on');
        break;
    }
  }
  if (boots.length > 0) args.push('-boot', `order=${boots.join('')}`);
}

function disks(t: XmlTracker, devices: XmlElement, args: string[]): void {
  for (const d of childElements(devices, 'disk')) {
    const type = t.attr(d, 'type');
    const device = t.attr(d, 'device') ?? 'disk';
    const src = t.child(d, 'source');
    const file = type === 'block' ? t.attr(src, 'dev') : type === 'file' ? t.attr(src, 'file') : undefined;
    const target = t.child(d, 'target');
    const bus = t.attr(target, 'bus') ?? 'ide';
    const dev = t.attr(target, 'dev') ?? '';
    const iface = DISK_IF[bus];
    if ((type !== 'file' && type !== 'block') || !iface || (device !== 'disk' && device !== 'cdrom') || (src && file === undefined)) {
      t.takeAll(d);
      t.note(d.openTagSpan, 'warning', `not translated: <disk type='${type ?? '?'}' device='${device}'> on bus ${bus}`);
      continue;
    }
    t.take(d);
    const drv = t.child(d, 'driver');
    t.attr(drv, 'name');
    const format = t.attr(drv, 'type');
    const ro = t.child(d, 'readonly') !== undefined;
    t.takeAll(t.child(d, 'address'));
    const index = /^[hsv]d([a-z])$/.exec(dev);
    const parts = [`if=${iface}`, ...(index && iface !== 'virtio' ? [`index=${index[1]!.charCodeAt(0) - 97}`] : []), ...(device === 'cdrom' ? ['media=cdrom'] : []), ...(format ? [`format=${format}`] : []), ...(ro && device !== 'cdrom' ? ['readonly=on'] : []), ...(file !== undefined ? [`file=${file.replace(/,/g, ',,')}`] : [])];
    args.push('-drive', parts.join(','));
    t.map(d.openTagSpan, `<disk ${dev}> → -drive ${parts.join(',')}`);
  }
}
