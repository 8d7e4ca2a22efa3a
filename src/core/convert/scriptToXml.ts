import path from 'node:path';
import { parseLaunchScript, type QemuInvocation } from '../qemu/model';
import { readGuest } from './guest';
import { ConvertError, type ConvertNote, type Mapped } from './model';
import { networkXml } from './netToXml';
import { Tracker } from './tracker';
import { el, renderXml, type XmlOut } from './xmlWriter';

/** Script → libvirt domain XML: one QEMU invocation of a launch script as a complete <domain>. */

export interface ScriptConversion {
  readonly xml: string;
  /** The invocation converted (0-based) and how many the script has. */
  readonly invocation: number;
  readonly invocations: number;
  readonly mapped: readonly Mapped[];
  /** Located on the script; anything but info means part of the script is not in the XML. */
  readonly notes: readonly ConvertNote[];
}

export { ConvertError };

export interface ScriptConvertOptions {
  /** Which QEMU invocation (0-based); required when the script has several. */
  readonly invocation?: number;
  /** The script's path: names the domain when the script has no -name, seeds nothing else. */
  readonly scriptPath?: string;
}

/** libvirt domain names: no '/', not empty; the script's own -name is kept when it qualifies. */
function domainName(name: string | undefined, scriptPath: string | undefined): string {
  if (name && !name.includes('/') && name.trim() === name && name.length <= 200) return name;
  const base = scriptPath ? path.basename(scriptPath).replace(/\.[^.]*$/, '') : '';
  const clean = base.replace(/[^A-Za-z0-9_.+-]/g, '-').replace(/^[-.]+/, '');
  return clean || 'guest';
}

export function convertInvocation(text: string, inv: QemuInvocation, scriptPath: string | undefined, script = parseLaunchScript(text)): { xml: string; mapped: Mapped[]; notes: ConvertNote[] } {
  const t = new Tracker(inv, text, scriptPath ? path.dirname(path.resolve(scriptPath)) : '/');
  // Words that belong to no option: a bare image (QEMU's -hda) or arguments only known at run time.
  const covered = new Set(inv.options.flatMap((o) => [o.nameWord, ...(o.valueWord ? [o.valueWord] : [])]));
  const bareImages: string[] = [];
  for (const w of inv.args) {
    if (covered.has(w)) continue;
    if (w.dynamic.length === 0 && !w.value.startsWith('-')) bareImages.push(w.value);
    else t.note(w, 'warning', `not translated: ${w.dynamic.length > 0 ? `'${text.slice(w.start, w.end)}' (arguments only known when the script runs)` : w.value}`);
  }
  const g = readGuest(t);
  const net = networkXml({ t, script, scriptPath: scriptPath ?? 'launch.sh', machine: g.machine });
  const disks = [...g.disks];
  for (const img of bareImages) disks.unshift(el('disk', { type: 'file', device: 'disk' }, el('driver', { name: 'qemu' }), el('source', { file: img }), el('target', { dev: 'hda', bus: 'ide' })));
  const notes = t.finish();
  const name = domainName(g.name, scriptPath);
  if (g.name !== undefined && g.name !== name) notes.push({ span: inv.program, severity: 'warning', message: `the name '${g.name}' is not a valid libvirt domain name; the domain is called '${name}'` });
  const domain = el(
    'domain',
    { type: g.domainType },
    el('name', {}, name),
    el('memory', { unit: 'KiB' }, String(g.memoryKiB)),
    memoryBacking(g, net, t, inv),
    el('vcpu', { placement: 'static' }, String(g.vcpus)),
    el('os', {}, el('type', { arch: g.arch, machine: g.machine }, 'hvm'), ...g.os),
    g.features.length > 0 ? el('features', {}, ...g.features) : undefined,
    cpuWithTopology(g),
    ...g.lifecycle,
    el('devices', {}, ...disks, ...g.controllers, ...net),
  );
  return { xml: `${renderXml(domain)}\n`, mapped: t.mapped, notes: notes.sort((a, b) => a.span.start - b.span.start) };
}

/**
 * <memoryBacking> from the script's memory backend. A vhost-user backend maps guest RAM, so a domain with a
 * vhostuser interface gets shared memory even when the script forgot it (QEMU would fail when the backend starts).
 */
function memoryBacking(g: ReturnType<typeof readGuest>, net: readonly XmlOut[], t: Tracker, inv: QemuInvocation): XmlOut | undefined {
  const vhostUser = net.some((x) => x.name === 'interface' && x.attrs.some(([k, v]) => k === 'type' && v === 'vhostuser'));
  const mb = g.memoryBacking;
  if (vhostUser && !mb?.shared) t.note(inv.program, 'info', "vhost-user needs the guest RAM shared: <memoryBacking><access mode='shared'/> added (the script shares none)");
  if (!mb && !vhostUser) return undefined;
  return el('memoryBacking', {}, mb && mb.source !== 'anonymous' ? el('source', { type: mb.source }) : undefined, mb?.shared || vhostUser ? el('access', { mode: 'shared' }) : undefined);
}

function cpuWithTopology(g: ReturnType<typeof readGuest>): ReturnType<typeof el> | undefined {
  if (!g.topology) return g.cpu;
  const topo = el('topology', { sockets: g.topology.sockets, dies: 1, cores: g.topology.cores, threads: g.topology.threads });
  if (!g.cpu) return el('cpu', {}, topo);
  return { ...g.cpu, children: [...g.cpu.children.filter((c) => c.name === 'model'), topo, ...g.cpu.children.filter((c) => c.name !== 'model')] };
}

/** Converts one invocation of a launch script; throws ConvertError when there is none or the index is wrong. */
export function scriptToDomain(text: string, options: ScriptConvertOptions = {}): ScriptConversion {
  const script = parseLaunchScript(text);
  const n = script.invocations.length;
  if (n === 0) throw new ConvertError('no QEMU invocation (qemu-system-*, qemu-kvm, kvm) in this script');
  const index = options.invocation ?? (n === 1 ? 0 : undefined);
  if (index === undefined) throw new ConvertError(`the script has ${n} QEMU invocations: choose one (--invocation 1..${n})`);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new ConvertError(`invocation ${index + 1} does not exist: the script has ${n}`);
  const r = convertInvocation(text, script.invocations[index]!, options.scriptPath, script);
  return { ...r, invocation: index, invocations: n };
}
