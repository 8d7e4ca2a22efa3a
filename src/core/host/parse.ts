import { baseClassName } from '../pci/classes';
import type { PciIds } from '../pci/ids';
import { parseLspciMmLine, type LspciNames } from '../pci/lspci';
import type { LibvirtInventory } from '../libvirt/model';
import { libvirtInventory, LibvirtLines } from '../libvirt/inventory';
import { DISCOVERY_FORMAT_VERSION } from './discoveryScript';
import { lastBdfInPath, parseBdf, type Bdf } from '../pci/bdf';
import type { HostSnapshot, IommuGroup, NetInterface, PciDevice, SystemFacts } from '../hostSnapshot';

/**
 * Parses discovery output (see discoveryScript.ts) into a HostSnapshot. The text comes
 * from a host and is untrusted: every value is validated, nothing throws, and each line
 * that cannot be used becomes a warning with its line number.
 */
export interface ParseOptions {
  /** Names for devices lspci did not name (the local pci.ids). */
  readonly pciIds?: PciIds;
  readonly capturedAt?: string;
}

const MAX_LINE = 65536;
const MAX_WARNINGS = 200;
const HEX4 = /^(?:0x)?([0-9a-fA-F]{4})$/;
const CLASS = /^(?:0x)?([0-9a-fA-F]{6})$/;
const INT = /^-?\d{1,9}$/;
const NAME = /^[A-Za-z0-9_.:+@-]{1,64}$/;
/** Linux allows almost any byte in a name; the explorer accepts the usual ones (names reach UI text and ip commands). */
const IFNAME = /^[A-Za-z0-9_.:@+-]{1,15}$/;
const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){1,31}$/;

interface MutableDevice {
  bdf: Bdf;
  classCode?: string;
  vendorId?: string;
  deviceId?: string;
  subsystemVendorId?: string;
  subsystemDeviceId?: string;
  driver?: string;
  driverOverride?: string;
  iommuGroup?: number;
  numaNode?: number;
  sriovTotalVfs?: number;
  sriovNumVfs?: number;
  physfn?: Bdf;
  virtfns: Map<number, Bdf>;
  netdevs: Set<string>;
  line: number;
}

interface MutableInterface {
  name: string;
  mac?: string;
  state?: string;
  master?: string;
  isBridge?: boolean;
  ports: string[];
  kind?: string;
  devicePath?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Parser {
  readonly warnings: string[] = [];
  private dropped = 0;
  readonly devices = new Map<Bdf, MutableDevice>();
  readonly interfaces = new Map<string, MutableInterface>();
  readonly groups = new Map<number, Set<Bdf>>();
  readonly lspci = new Map<Bdf, LspciNames>();
  readonly system: Mutable<SystemFacts> = {};
  readonly defaultRoutes = new Set<string>();
  readonly libvirt = new LibvirtLines();
  formatVersion = 0;
  ended = false;
  private modules?: string[];
  private builtins?: string[];
  private iommu?: string[];
  private devNodes?: Record<string, boolean>;
  private usable?: Record<string, boolean>;
  private log?: string[];

  warn(line: number, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`line ${line}: ${message}`);
    else this.dropped++;
  }

  finishWarnings(): string[] {
    return this.dropped > 0 ? [...this.warnings, `… ${this.dropped} more warnings not shown`] : this.warnings;
  }

  line(no: number, raw: string): void {
    if (raw.length > MAX_LINE) return this.warn(no, `line longer than ${MAX_LINE} characters ignored`);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') return;
    if (this.ended) return this.warn(no, 'text after END ignored');
    if (no === 1 || (this.formatVersion === 0 && line.startsWith('KVMNET-DISCOVERY'))) return this.header(no, line);
    const tab = line.indexOf('\t');
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (kind) {
      case 'END':
        this.ended = true;
        return;
      case 'S':
        return this.systemLine(no, rest);
      case 'D':
        return this.deviceLine(no, rest);
      case 'N':
        return this.interfaceLine(no, rest);
      case 'G':
        return this.groupLine(no, rest);
      case 'V':
      case 'W': {
        const why = this.libvirt.add(kind, rest);
        return why === undefined ? undefined : this.warn(no, why);
      }
      case 'L': {
        const names = parseLspciMmLine(rest);
        if (names) this.lspci.set(names.bdf, names);
        else this.warn(no, 'unreadable lspci line ignored');
        return;
      }
      default:
        return this.warn(no, `unknown record '${clip(kind)}' ignored`);
    }
  }

  private header(no: number, line: string): void {
    const m = /^KVMNET-DISCOVERY (\d{1,4})$/.exec(line);
    if (!m) return this.warn(no, `not discovery output (expected 'KVMNET-DISCOVERY ${DISCOVERY_FORMAT_VERSION}', got '${clip(line)}')`);
    this.formatVersion = Number(m[1]);
    if (this.formatVersion !== DISCOVERY_FORMAT_VERSION) {
      this.warn(no, `discovery format ${this.formatVersion} is not ${DISCOVERY_FORMAT_VERSION}; reading what is understood`);
    }
  }

  private systemLine(no: number, rest: string): void {
    const [key, value] = split2(rest);
    const v = value.trim();
    const s = this.system;
    switch (key) {
      case 'hostname':
        s.hostname = v;
        return;
      case 'kernel':
        s.kernelRelease = v;
        return;
      case 'cmdline':
        s.kernelCmdline = v;
        return;
      case 'cpuflags':
        s.cpuFlags = v.split(/\s+/).filter((f) => NAME.test(f));
        return;
      case 'modules-readable':
        this.modules ??= [];
        return;
      case 'module':
        return NAME.test(v) ? void (this.modules ??= []).push(v) : this.warn(no, `bad module name '${clip(v)}'`);
      case 'builtin-readable':
        this.builtins ??= [];
        return;
      case 'builtin':
        return NAME.test(v) ? void (this.builtins ??= []).push(v) : this.warn(no, `bad module name '${clip(v)}'`);
      case 'devnode': {
        const m = /^(0|1|rw) (\/dev\/[A-Za-z0-9_./-]{1,64})$/.exec(v);
        if (!m) return this.warn(no, `bad devnode '${clip(v)}'`);
        (this.devNodes ??= {})[m[2]!] = m[1] !== '0';
        (this.usable ??= {})[m[2]!] = m[1] === 'rw';
        return;
      }
      case 'iommu-readable':
        this.iommu ??= [];
        return;
      case 'iommu':
        return NAME.test(v) ? void (this.iommu ??= []).push(v) : this.warn(no, `bad iommu entry '${clip(v)}'`);
      case 'iommu-groups':
        return INT.test(v) && Number(v) >= 0 ? void (s.iommuGroupCount = Number(v)) : this.warn(no, `bad iommu group count '${clip(v)}'`);
      case 'unsafe-interrupts':
        if (v === 'Y' || v === '1') s.allowUnsafeInterrupts = true;
        else if (v === 'N' || v === '0') s.allowUnsafeInterrupts = false;
        else this.warn(no, `bad allow_unsafe_interrupts '${clip(v)}'`);
        return;
      case 'default-route':
        return IFNAME.test(v) ? void this.defaultRoutes.add(v) : this.warn(no, `bad interface name '${clip(v)}'`);
      case 'root':
      case 'sudo':
      case 'libvirt-socket': {
        if (v !== '0' && v !== '1') return this.warn(no, `bad ${key} flag '${clip(v)}'`);
        const flag = v === '1';
        if (key === 'root') s.isRoot = flag;
        else if (key === 'sudo') s.sudoNonInteractive = flag;
        else s.libvirtSocket = flag;
        return;
      }
      case 'ssh-connection':
        s.sshConnection = v;
        return;
      case 'ssh-interface':
        return IFNAME.test(v) ? void (s.sshInterface = v) : this.warn(no, `bad interface name '${clip(v)}'`);
      case 'qemu':
        s.qemuVersion = v;
        return;
      case 'libvirt':
        s.libvirtVersion = v;
        return;
      case 'log':
        (this.log ??= []).push(value);
        return;
      case 'libvirt-uri':
      case 'libvirt-guests':
      case 'libvirt-networks':
      case 'libvirt-error': {
        const why = this.libvirt.fact(key, value);
        return why === undefined ? undefined : this.warn(no, why);
      }
      default:
        return this.warn(no, `unknown system fact '${clip(key)}' ignored`);
    }
  }

  private deviceLine(no: number, rest: string): void {
    const [rawBdf, tail] = split2(rest);
    const [key, value] = split2(tail);
    const bdf = parseBdf(rawBdf);
    if (!bdf) return this.warn(no, `bad PCI address '${clip(rawBdf)}'`);
    let d = this.devices.get(bdf);
    if (!d) {
      d = { bdf, virtfns: new Map(), netdevs: new Set(), line: no };
      this.devices.set(bdf, d);
    }
    const v = value.trim();
    const bad = (): void => this.warn(no, `${bdf}: bad ${key} '${clip(v)}'`);
    const hex4 = (): string | undefined => HEX4.exec(v)?.[1]?.toLowerCase();
    const int = (min: number): number | undefined => (INT.test(v) && Number(v) >= min ? Number(v) : undefined);
    switch (key) {
      case 'class': {
        const c = CLASS.exec(v)?.[1];
        return c ? void (d.classCode = c.toLowerCase()) : bad();
      }
      case 'vendor':
      case 'device':
      case 'subsystem_vendor':
      case 'subsystem_device': {
        const h = hex4();
        if (!h) return bad();
        if (key === 'vendor') d.vendorId = h;
        else if (key === 'device') d.deviceId = h;
        else if (key === 'subsystem_vendor') d.subsystemVendorId = h;
        else d.subsystemDeviceId = h;
        return;
      }
      case 'numa_node': {
        const n = int(-1);
        if (n === undefined) return bad();
        if (n >= 0) d.numaNode = n;
        return;
      }
      case 'sriov_totalvfs':
      case 'sriov_numvfs': {
        const n = int(0);
        if (n === undefined || n > 65535) return bad();
        if (key === 'sriov_totalvfs') d.sriovTotalVfs = n;
        else d.sriovNumVfs = n;
        return;
      }
      case 'iommu_group': {
        const n = int(0);
        if (n === undefined) return bad();
        d.iommuGroup = n;
        this.member(n, bdf);
        return;
      }
      case 'driver':
        return NAME.test(v) ? void (d.driver = v) : bad();
      case 'driver_override':
        if (v === '' || v === '(null)') return;
        return NAME.test(v) ? void (d.driverOverride = v) : bad();
      case 'physfn': {
        const pf = parseBdf(v);
        return pf ? void (d.physfn = pf) : bad();
      }
      case 'net':
        return IFNAME.test(v) ? void d.netdevs.add(v) : bad();
      default: {
        const m = /^virtfn(\d{1,5})$/.exec(key);
        const vf = parseBdf(v);
        if (m && vf) return void d.virtfns.set(Number(m[1]), vf);
        return m ? bad() : this.warn(no, `${bdf}: unknown device fact '${clip(key)}' ignored`);
      }
    }
  }

  private interfaceLine(no: number, rest: string): void {
    const [name, tail] = split2(rest);
    const [key, value] = split2(tail);
    if (!IFNAME.test(name)) return this.warn(no, `bad interface name '${clip(name)}'`);
    let i = this.interfaces.get(name);
    if (!i) {
      i = { name, ports: [] };
      this.interfaces.set(name, i);
    }
    const v = value.trim();
    const bad = (): void => this.warn(no, `${name}: bad ${key} '${clip(v)}'`);
    switch (key) {
      case 'name':
        return v === name ? undefined : bad();
      case 'address':
        return MAC.test(v) ? void (i.mac = v.toLowerCase()) : bad();
      case 'operstate':
        return /^[a-z]{1,16}$/.test(v) ? void (i.state = v) : bad();
      case 'master':
        return IFNAME.test(v) ? void (i.master = v) : bad();
      case 'bridge':
        i.isBridge = true;
        return;
      case 'port':
        return IFNAME.test(v) ? void i.ports.push(v) : bad();
      case 'kind':
        return NAME.test(v) ? void (i.kind = v) : bad();
      case 'device-path':
        i.devicePath = v;
        return;
      default:
        return this.warn(no, `${name}: unknown interface fact '${clip(key)}' ignored`);
    }
  }

  private groupLine(no: number, rest: string): void {
    const [group, member] = split2(rest);
    const bdf = parseBdf(member);
    if (!INT.test(group) || Number(group) < 0 || !bdf) return this.warn(no, `bad IOMMU group member '${clip(rest)}'`);
    this.member(Number(group), bdf);
  }

  private member(group: number, bdf: Bdf): void {
    let set = this.groups.get(group);
    if (!set) this.groups.set(group, (set = new Set()));
    set.add(bdf);
  }

  snapshot(options: ParseOptions): HostSnapshot {
    // Netdevs the PCI directory did not list (virtio puts them one level down) come from the interface's device link.
    for (const i of this.interfaces.values()) {
      const owner = i.devicePath ? lastBdfInPath(i.devicePath) : undefined;
      const d = owner ? this.devices.get(owner) : undefined;
      if (d) d.netdevs.add(i.name);
    }
    const devices: PciDevice[] = [];
    for (const d of [...this.devices.values()].sort((a, b) => cmp(a.bdf, b.bdf))) {
      if (d.classCode === undefined || d.vendorId === undefined || d.deviceId === undefined) {
        this.warnings.push(`line ${d.line}: ${d.bdf}: no class/vendor/device id; device left out`);
        continue;
      }
      devices.push(this.device(d as MutableDevice & { classCode: string; vendorId: string; deviceId: string }, options.pciIds));
    }
    // A PF's virtfn links and a VF's physfn link describe the same relation; keep it whichever side was readable.
    const byBdf = new Map(devices.map((d) => [d.bdf, d as Mutable<PciDevice>]));
    for (const pf of devices) for (const vf of pf.virtfns ?? []) { const v = byBdf.get(vf); if (v && !v.physfn) v.physfn = pf.bdf; }
    const ssh = this.system.sshInterface;
    const interfaces: NetInterface[] = [...this.interfaces.values()]
      .sort((a, b) => cmp(a.name, b.name))
      .map((i) => ({
        name: i.name,
        ...(i.mac ? { mac: i.mac } : {}),
        ...(i.state ? { state: i.state } : {}),
        ...(i.master ? { master: i.master } : {}),
        ...(i.isBridge ? { isBridge: true, bridgePorts: i.ports } : {}),
        ...(i.kind ? { kind: i.kind } : i.isBridge ? { kind: 'bridge' } : {}),
        ...(this.defaultRoutes.has(i.name) ? { carriesDefaultRoute: true } : {}),
        ...(ssh === i.name ? { carriesSshSession: true } : {}),
      }));
    const iommuGroups: IommuGroup[] = [...this.groups.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, set]) => ({ id, devices: [...set].sort(cmp) }));
    for (const g of iommuGroups) for (const b of g.devices) { const d = byBdf.get(b); if (d && d.iommuGroup === undefined) d.iommuGroup = g.id; }
    const system: SystemFacts = {
      ...this.system,
      ...(this.modules ? { modules: this.modules } : {}),
      ...(this.builtins ? { builtinModules: this.builtins } : {}),
      ...(this.devNodes ? { devNodes: this.devNodes } : {}),
      ...(this.usable ? { devNodesUsable: this.usable } : {}),
      ...(this.iommu ? { iommuClasses: this.iommu } : {}),
      ...(this.log ? { kernelLog: this.log } : {}),
      // "No default route" is only known once the whole answer was read.
      ...(this.ended ? { defaultRouteInterfaces: [...this.defaultRoutes] } : {}),
    };
    const libvirt: LibvirtInventory | undefined = libvirtInventory(this.libvirt, (m) => this.warnings.push(`libvirt: ${m}`));
    return {
      formatVersion: this.formatVersion,
      ...(options.capturedAt ? { capturedAt: options.capturedAt } : {}),
      system,
      devices,
      interfaces,
      iommuGroups,
      ...(libvirt ? { libvirt } : {}),
      warnings: this.finishWarnings(),
      ...(this.ended ? {} : { partial: this.formatVersion === 0 ? 'no discovery output' : 'the output ended before its END line: the host or the connection cut it short' }),
    };
  }

  private device(d: MutableDevice & { classCode: string; vendorId: string; deviceId: string }, ids?: PciIds): PciDevice {
    const l = this.lspci.get(d.bdf);
    // lspci's names only count when its ids agree with sysfs (the line could belong to another device).
    const named = l && (l.vendorId === undefined || l.vendorId === d.vendorId) && (l.deviceId === undefined || l.deviceId === d.deviceId);
    const vendorName = (named ? l.vendorName : undefined) ?? ids?.vendor(d.vendorId);
    const deviceName = (named ? l.deviceName : undefined) ?? ids?.device(d.vendorId, d.deviceId);
    const className = (named ? l.className : undefined) ?? ids?.className(d.classCode) ?? baseClassName(d.classCode);
    const virtfns = [...d.virtfns.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    const opt = <K extends keyof PciDevice>(k: K, v: PciDevice[K] | undefined) => (v === undefined ? {} : { [k]: v });
    return {
      bdf: d.bdf,
      classCode: d.classCode,
      vendorId: d.vendorId,
      deviceId: d.deviceId,
      ...opt('subsystemVendorId', d.subsystemVendorId),
      ...opt('subsystemDeviceId', d.subsystemDeviceId),
      ...opt('vendorName', vendorName),
      ...opt('deviceName', deviceName),
      ...opt('className', className),
      ...opt('driver', d.driver),
      ...opt('driverOverride', d.driverOverride),
      ...opt('iommuGroup', d.iommuGroup),
      ...opt('numaNode', d.numaNode),
      ...opt('sriovTotalVfs', d.sriovTotalVfs),
      ...opt('sriovNumVfs', d.sriovNumVfs),
      ...opt('physfn', d.physfn),
      ...(virtfns.length ? { virtfns } : {}),
      ...(d.netdevs.size ? { netdevs: [...d.netdevs].sort(cmp) } : {}),
    };
  }
}

function split2(s: string): [string, string] {
  const tab = s.indexOf('\t');
  return tab < 0 ? [s, ''] : [s.slice(0, tab), s.slice(tab + 1)];
}

function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseDiscovery(text: string, options: ParseOptions = {}): HostSnapshot {
  const p = new Parser();
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // A last line without its newline was cut mid-value (unless it is the END line itself): never read it as a fact.
  else if (lines.length > 0 && lines[lines.length - 1]!.replace(/\r$/, '') !== 'END') p.warn(lines.length, `unterminated last line '${clip(lines.pop()!)}' ignored`);
  lines.forEach((l, i) => p.line(i + 1, l));
  if (p.formatVersion === 0 && lines.length === 0) p.warn(1, 'empty discovery output');
  return p.snapshot(options);
}
