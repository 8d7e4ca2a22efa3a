import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Fix, Severity } from '../findings';
import { LineIndex } from '../text';
import { QemuCode, type QemuCodeKey } from './codes';
import {
  appendArgs,
  appendProp,
  convertLegacyEdits,
  isNicDriver,
  removeSpan,
  usedNames,
  type OffsetEdit,
} from './edit';
import { isMulticastMac, isValidMac, QEMU_DEFAULT_MAC } from '../mac';
import { checkHostfwd, stableMac } from './generate';
import { optionKind, parseLaunchScript, prop, type LaunchScript, type QemuInvocation, type QemuOption, type QemuProp } from './model';
import { guestNics, macKey, nicAnchor, type GuestNic } from './nics';
import type { Span } from './shell';

export interface LaunchLintOptions {
  /** The script's path: relative script= files are resolved from its folder, and it seeds replacement MACs. */
  readonly fileName?: string;
  /** Injectable file check (tests, remote file systems); default: the local file system. */
  readonly fileExists?: (absolutePath: string) => boolean;
}

const EMULATED_MODELS = new Set(['e1000', 'e1000e', 'rtl8139', 'ne2k_pci', 'pcnet', 'i82551', 'i82557b', 'i82559er']);
/** Device properties pci-assign had and vfio-pci lacks (QEMU would reject them after the rename). */
const PCI_ASSIGN_ONLY = new Set(['iommu', 'configfd', 'prefer_msi', 'share_intx']);

class Collector {
  readonly findings: Finding[] = [];
  private readonly index: LineIndex;
  constructor(readonly text: string) {
    this.index = new LineIndex(text);
  }
  add(key: QemuCodeKey, severity: Severity, span: Span, message: string, fixes?: { title: string; edits: OffsetEdit[]; preferred?: boolean }[]): void {
    const fx: Fix[] | undefined = fixes?.map((f) => ({
      title: f.title,
      edits: f.edits.map((e) => ({ range: this.index.rangeOf(e.start, e.end), newText: e.text })),
      isPreferred: f.preferred ?? false,
    }));
    this.findings.push({
      range: this.index.rangeOf(span.start, span.end),
      severity,
      code: QemuCode[key].id,
      message,
      source: 'kvmnet-qemu',
      ...(fx && fx.length > 0 ? { fixes: fx } : {}),
    });
  }
}

function replace(span: Span, text: string): OffsetEdit {
  return { start: span.start, end: span.end, text };
}

/** The MAC-bearing prop of a NIC option: -device NIC,mac= / -nic …,mac= / -net nic,macaddr=. */
export function macProp(o: QemuOption): QemuProp | undefined {
  if (o.name === '-device' && isNicDriver(optionKind(o))) return prop(o, 'mac');
  if (o.name === '-nic') return prop(o, 'mac');
  if (o.name === '-net' && optionKind(o) === 'nic') return prop(o, 'macaddr');
  return undefined;
}

/** The NIC model an option puts in the guest, with the prop naming it. */
function nicModel(o: QemuOption): QemuProp | undefined {
  if (o.name === '-device') return isNicDriver(optionKind(o)) ? prop(o, 'driver') : undefined;
  if (o.name === '-nic' || (o.name === '-net' && optionKind(o) === 'nic')) return prop(o, 'model');
  return undefined;
}

function checkLegacy(c: Collector, script: LaunchScript, inv: QemuInvocation, ids: Set<string>): void {
  const nets = inv.options.filter((o) => o.name === '-net' && optionKind(o) !== 'none');
  if (nets.length === 0) return;
  const edits = convertLegacyEdits(c.text, script, inv, ids);
  const fixes = edits ? [{ title: 'Convert -net options to -netdev/-device', edits, preferred: true }] : undefined;
  for (const o of nets) {
    c.add('LegacyNet', 'warning', o.span, `Legacy '-net ${optionKind(o) ?? ''}': -net connects NICs and backends through a hub, which blocks vhost-net and is deprecated. Use -netdev with -device (or -nic).`, fixes);
  }
}

function checkRemoved(c: Collector, inv: QemuInvocation): void {
  for (const o of inv.options) {
    if (o.name === '-device' && optionKind(o) === 'pci-assign') {
      const driver = prop(o, 'driver')!;
      const edits: OffsetEdit[] = [replace(driver.valueRange, 'vfio-pci')];
      for (const p of o.props) if (PCI_ASSIGN_ONLY.has(p.key)) edits.push({ ...rangeOfRemoval(o, p), text: '' });
      c.add('PciAssign', 'error', driver.valueRange, "'pci-assign' was removed from QEMU (2.12) and Linux; QEMU rejects it. Use vfio-pci (bind the device to vfio-pci first).", [
        { title: 'Replace pci-assign with vfio-pci', edits, preferred: true },
      ]);
    }
    if (o.name === '-redir') checkRedir(c, inv, o);
  }
}

function rangeOfRemoval(o: QemuOption, p: QemuProp): Span {
  const map = o.valueWord!.map;
  return p.index.start > 0 ? { start: map[p.index.start - 1]!, end: p.range.end } : { start: p.range.start, end: map[p.index.end + 1] ?? p.range.end };
}

function checkRedir(c: Collector, inv: QemuInvocation, o: QemuOption): void {
  const rule = o.valueWord && o.valueWord.dynamic.length === 0 ? o.valueWord.value : undefined;
  const m = rule ? /^(?:(tcp|udp):)?(\d+):([\d.]*):(\d+)$/.exec(rule) : null;
  const fixes = [];
  if (m) {
    const hostfwd = `hostfwd=${m[1] ?? 'tcp'}::${m[2]}-${m[3]}:${m[4]}`;
    const users = inv.options.filter((x) => (x.name === '-netdev' || x.name === '-nic' || x.name === '-net') && optionKind(x) === 'user' && x.valueWord);
    const edits: OffsetEdit[] =
      users.length === 1 ? [appendProp(users[0]!, hostfwd), removeSpan(c.text, o.span)] : users.length === 0 ? [replace(o.span, `-nic user,${hostfwd}`)] : [];
    if (edits.length > 0) fixes.push({ title: `Replace -redir with ${hostfwd}`, edits, preferred: true });
  }
  c.add('Redir', 'error', o.span, "'-redir' was removed from QEMU (3.1); QEMU rejects it. Use hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport on the user-mode network.", fixes);
}

function hostfwdFix(rule: string): string | undefined {
  const noAddr = /^(tcp|udp)?:(\d+)-([\d.]*):(\d+)$/.exec(rule);
  if (noAddr) return `${noAddr[1] ?? ''}::${noAddr[2]}-${noAddr[3]}:${noAddr[4]}`;
  const colon = /^(tcp|udp)?:([\d.]*):(\d+):([\d.]*:)?(\d+)$/.exec(rule);
  if (colon) return `${colon[1] ?? ''}:${colon[2]}:${colon[3]}-${colon[4] ?? ':'}${colon[5]}`;
  return undefined;
}

function checkHostfwds(c: Collector, inv: QemuInvocation): void {
  for (const o of inv.options) {
    if (!['-netdev', '-nic', '-net'].includes(o.name)) continue;
    for (const p of o.props) {
      if (p.key !== 'hostfwd' || p.dynamic) continue;
      const why = checkHostfwd(p.value);
      if (!why) continue;
      const fixed = hostfwdFix(p.value);
      c.add('HostfwdMalformed', 'error', p.valueRange, `QEMU rejects host forwarding rule '${p.value}' (${why}); the form is [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, e.g. tcp::5555-:22.`,
        fixed && !checkHostfwd(fixed) ? [{ title: `Change to ${fixed}`, edits: [replace(p.valueRange, fixed)], preferred: true }] : undefined);
    }
  }
}

function checkIds(c: Collector, inv: QemuInvocation, scriptPath: string, macs: Set<string>): void {
  const seen = new Map<string, QemuProp>();
  const netdevs = inv.options.filter((o) => o.name === '-netdev');
  for (const nd of netdevs) {
    const id = prop(nd, 'id');
    if (!id) {
      c.add('NetdevIdMissing', 'error', nd.span, "QEMU rejects -netdev without id= (Parameter 'id' is missing).");
      continue;
    }
    if (id.dynamic) continue;
    if (seen.has(id.value)) c.add('NetdevIdDuplicate', 'error', id.valueRange, `QEMU rejects a second -netdev with id '${id.value}' (Duplicate ID).`);
    else seen.set(id.value, id);
  }
  const devices = inv.options.filter((o) => o.name === '-device');
  const usedIds = new Set<string>();
  for (const d of devices) {
    const ref = prop(d, 'netdev');
    if (!ref) continue;
    usedIds.add(ref.value);
    if (!ref.dynamic && !seen.has(ref.value) && netdevs.every((n) => !prop(n, 'id')?.dynamic)) {
      c.add('NetdevNotFound', 'error', ref.valueRange, `QEMU rejects netdev=${ref.value}: there is no -netdev …,id=${ref.value} (can't find value).`);
    }
  }
  const anyDynamicRef = devices.some((d) => prop(d, 'netdev')?.dynamic) || inv.args.some((w) => w.dynamic.length > 0 && !w.viaArray && w.param);
  if (anyDynamicRef) return;
  for (const [id, p] of seen) {
    if (usedIds.has(id)) continue;
    const nd = netdevs.find((n) => prop(n, 'id') === p)!;
    const mac = stableMac(scriptPath, id, macs);
    macs.add(mac);
    const add = appendArgs(c.text, inv, ['-device', `virtio-net-pci,netdev=${id},mac=${mac}`]);
    c.add('NetdevUnused', 'warning', p.valueRange, `-netdev ${optionKind(nd) ?? ''} id=${id} is not used by any -device …,netdev=${id}: the guest gets no NIC for it.`, [
      { title: `Add -device virtio-net-pci,netdev=${id}`, edits: [add], preferred: true },
    ]);
  }
}

function checkMacs(c: Collector, script: LaunchScript, scriptPath: string): void {
  const seen = new Map<string, QemuProp>();
  const taken = usedNames(script).macs;
  const fresh = (key: string): string => {
    const mac = stableMac(scriptPath, key, taken);
    taken.add(mac);
    return mac;
  };
  for (const inv of script.invocations) {
    for (const o of inv.options) {
      const p = macProp(o);
      if (!p || p.dynamic) continue;
      const id = prop(o, 'netdev')?.value ?? prop(o, 'id')?.value ?? `nic@${p.range.start}`;
      const fix = (title: string): { title: string; edits: OffsetEdit[]; preferred: boolean }[] => [{ title, edits: [replace(p.valueRange, fresh(id))], preferred: true }];
      if (!isValidMac(p.value)) {
        c.add('MacMalformed', 'error', p.valueRange, `QEMU rejects MAC '${p.value}': expected six colon-separated hex octets such as 52:54:00:12:ab:cd.`, fix('Use a generated MAC'));
        continue;
      }
      const lower = p.value.toLowerCase();
      if (isMulticastMac(lower)) {
        c.add('MacMulticast', 'warning', p.valueRange, `MAC '${p.value}' is multicast (low bit of the first octet set); a NIC needs a unicast address.`, fix('Use a generated unicast MAC'));
      } else if (lower === QEMU_DEFAULT_MAC) {
        // A hint only: one guest with it is fine; the workspace check (./workspace) warns when another script has it too.
        c.add('MacQemuDefault', 'hint', p.valueRange, `${QEMU_DEFAULT_MAC} is QEMU's default MAC: every guest without a MAC gets it, so two such guests on one network collide.`, fix('Use a generated MAC'));
      }
      if (seen.has(lower)) c.add('MacDuplicate', 'warning', p.valueRange, `MAC '${p.value}' is already used by another NIC in this script.`, fix('Use a generated MAC'));
      else seen.set(lower, p);
    }
  }
  checkImplicitMacs(c, script, fresh);
}

/** The message of an implicit-MAC finding (per file and workspace). */
function implicitMacMessage(nic: GuestNic): string {
  return `This NIC has no ${macKey(nic)}=, so QEMU gives it its default MAC ${nic.mac}: every VM started without a MAC gets the same one, and two such guests on one bridge or LAN collide (ARP, DHCP). Give it its own MAC.`;
}

/** NICs on a shared network relying on QEMU's default MAC; a warning when another invocation of the script gets the same. */
function checkImplicitMacs(c: Collector, script: LaunchScript, fresh: (key: string) => string): void {
  const perInv = script.invocations.map(guestNics);
  perInv.forEach((nics, k) => {
    for (const nic of nics) {
      if (!nic.implicit || nic.shared !== true) continue;
      const clash = perInv.some((other, j) => j !== k && other.some((n) => n.shared === true && n.mac === nic.mac));
      const item = `${macKey(nic)}=${fresh(nic.key)}`;
      c.add('MacImplicit', clash ? 'warning' : 'info', nicAnchor(nic), clash ? `${implicitMacMessage(nic)} Another QEMU command of this script gets ${nic.mac} too.` : implicitMacMessage(nic), [
        { title: `Add ${item}`, edits: [appendProp(nic.option, item)], preferred: true },
      ]);
    }
  });
}

function checkVhostAndModels(c: Collector, inv: QemuInvocation): void {
  const devices = inv.options.filter((o) => o.name === '-device');
  for (const o of inv.options) {
    const vhost = prop(o, 'vhost');
    if (vhost && vhost.value === 'on') {
      let model: QemuProp | undefined;
      if (o.name === '-netdev') {
        const id = prop(o, 'id')?.value;
        const dev = devices.find((d) => id !== undefined && prop(d, 'netdev')?.value === id);
        model = dev ? prop(dev, 'driver') : undefined;
      } else if (o.name === '-nic') model = prop(o, 'model');
      else if (o.name === '-net') {
        const nics = inv.options.filter((x) => x.name === '-net' && optionKind(x) === 'nic');
        model = nics.length === 1 ? prop(nics[0]!, 'model') : undefined;
        if (nics.length === 1 && !model) model = prop(nics[0]!, 'type');
      }
      const name = model?.key === 'type' ? 'e1000' : model?.value;
      if (model && !model.dynamic && name && !name.startsWith('virtio')) {
        c.add('VhostNonVirtio', 'warning', vhost.range, `vhost=on only accelerates virtio-net; this NIC is ${name}, so vhost does nothing here.`);
      }
    }
    const model = nicModel(o);
    if (model && !model.dynamic && EMULATED_MODELS.has(model.value)) {
      const to = o.name === '-device' || o.name === '-nic' ? 'virtio-net-pci' : 'virtio';
      c.add('EmulatedNic', 'hint', model.valueRange, `${model.value} is an emulated NIC; ${to} is much faster when the guest has virtio drivers.`, [
        { title: `Use ${to}`, edits: [replace(model.valueRange, to)] },
      ]);
    }
  }
}

function checkTap(c: Collector, inv: QemuInvocation, baseDir: string | undefined, exists: (p: string) => boolean): void {
  for (const o of inv.options) {
    if (!['-netdev', '-net', '-nic'].includes(o.name) || optionKind(o) !== 'tap') continue;
    for (const key of ['script', 'downscript']) {
      const p = prop(o, key);
      if (!p || p.dynamic || p.value === '' || p.value === 'no') continue;
      const abs = path.isAbsolute(p.value) ? p.value : baseDir ? path.resolve(baseDir, p.value) : undefined;
      if (abs !== undefined && !exists(abs)) {
        c.add('TapScriptMissing', 'error', p.valueRange, `${key}=${p.value}: no such file${path.isAbsolute(p.value) ? '' : ` (relative to the script's folder; QEMU resolves it from its working directory)`}; QEMU fails to set up the tap (network script … failed).`);
      }
    }
    for (const key of ['fd', 'fds', 'vhostfd', 'vhostfds']) {
      const p = prop(o, key);
      if (!p || p.dynamic) continue;
      for (const fd of p.value.split(':')) {
        if (/^\d+$/.test(fd) && Number(fd) > 2 && !inv.openFds.has(Number(fd))) {
          c.add('FdNotOpen', 'error', p.valueRange, `${key}=${fd} but nothing opens file descriptor ${fd} for QEMU: add ${fd}<>/dev/tapN to the command (or an earlier 'exec ${fd}<>…'); QEMU fails otherwise.`);
        }
      }
    }
  }
}

/** Binary search: the invocation with the greatest end <= offset (invocations are in source order). */
function lastInvocationEndingBefore(invs: readonly QemuInvocation[], offset: number): QemuInvocation | undefined {
  let lo = 0;
  let hi = invs.length - 1;
  let found: QemuInvocation | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (invs[mid]!.command.end <= offset) {
      found = invs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A comment line right after a `\` continuation of a QEMU command ends it; what follows is a new command. */
function checkContinuationComments(c: Collector, script: LaunchScript): void {
  const text = c.text;
  for (const cm of script.shell.comments) {
    const lineStart = text.lastIndexOf('\n', cm.start - 1) + 1;
    if (lineStart < 2 || !/^[ \t]*$/.test(text.slice(lineStart, cm.start))) continue;
    const prevEnd = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
    if (text[prevEnd - 1] !== '\\' || text[prevEnd - 2] === '\\') continue;
    const prevLineStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const inv = lastInvocationEndingBefore(script.invocations, prevEnd);
    if (!inv || inv.command.end < prevLineStart || inv.command.start >= lineStart) continue;
    const lineEnd = text.indexOf('\n', cm.end);
    c.add('CommentInContinuation', 'warning', cm, 'This comment line ends the QEMU command above (a comment cannot continue a line): the options below it run as a separate command.', [
      { title: 'Delete the comment line', edits: [{ start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1, text: '' }], preferred: true },
    ]);
  }
}

/** Lint of the QEMU network arguments in a shell launch script. Never throws. */
/** CRLF breaks the script before QEMU sees it; one finding on the first such line, the fix drops every \r. */
function checkLineEndings(c: Collector): void {
  const first = c.text.indexOf('\r\n');
  if (first < 0) return;
  const edits: OffsetEdit[] = [];
  for (let i = first; i >= 0; i = c.text.indexOf('\r\n', i + 2)) edits.push({ start: i, end: i + 1, text: '' });
  const lineStart = c.text.lastIndexOf('\n', first) + 1;
  c.add(
    'CrlfLineEndings',
    'error',
    { start: lineStart, end: first },
    `This launch script has Windows (CRLF) line endings (${edits.length} line${edits.length === 1 ? '' : 's'}): the shell keeps the \\r, so a trailing backslash no longer continues the QEMU command and the last argument of each line ends in \\r. Convert it to LF.`,
    [{ title: 'Convert the script to LF line endings', edits, preferred: true }],
  );
}

export function lintLaunchScript(text: string, options: LaunchLintOptions = {}): Finding[] {
  const c = new Collector(text);
  const script = parseLaunchScript(text);
  for (const e of script.shell.errors) {
    c.add('ShellSyntax', 'warning', { start: e.offset, end: e.offset }, `Shell syntax error: ${e.message} (that line was skipped; the rest of the script is still checked).`);
  }
  const scriptPath = options.fileName ?? 'launch-script';
  const baseDir = options.fileName ? path.dirname(options.fileName) : undefined;
  const exists = options.fileExists ?? existsSync;
  const { ids, macs } = usedNames(script);
  for (const inv of script.invocations) {
    checkLegacy(c, script, inv, ids);
    checkRemoved(c, inv);
    checkHostfwds(c, inv);
    checkIds(c, inv, scriptPath, macs);
    checkVhostAndModels(c, inv);
    checkTap(c, inv, baseDir, exists);
  }
  checkMacs(c, script, scriptPath);
  checkContinuationComments(c, script);
  if (script.invocations.length > 0) checkLineEndings(c);
  return c.findings;
}
