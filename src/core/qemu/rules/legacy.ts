import type { OffsetEdit, OffsetSpan } from '../../rulekit';
import { appendProp, convertLegacyEdits, removeSpan } from '../edit';
import { optionKind, prop, type LaunchScript, type QemuInvocation, type QemuOption, type QemuProp, type OptionList, type OptionFragment } from '../model';
import { removedEntry, REMOVED_NET_OPTIONS, type RemovedNetOption } from '../removed';
import type { RuleContext } from './context';

/** Device properties pci-assign had and vfio-pci lacks (QEMU would reject them after the rename). */
const PCI_ASSIGN_ONLY = new Set(['iommu', 'configfd', 'prefer_msi', 'share_intx']);

/** Ways to use -net that QEMU rejects outright, reported by checkRemoved instead. */
const REMOVED_NET_TYPES = new Set(REMOVED_NET_OPTIONS.filter((e) => e.form === 'net-type').map((e) => e.name));

/** The -net options of a command by hub (`vlan=`, 0 when absent), in order; a dynamic vlan= is left out. */
function hubs(inv: OptionList): Map<string, QemuOption[]> {
  const out = new Map<string, QemuOption[]>();
  for (const o of inv.options) {
    const kind = optionKind(o);
    if (o.name !== '-net' || kind === 'none' || (kind !== undefined && REMOVED_NET_TYPES.has(kind))) continue;
    const vlan = prop(o, 'vlan');
    if (vlan?.dynamic) continue;
    const hub = vlan?.value ?? '0';
    out.set(hub, [...(out.get(hub) ?? []), o]);
  }
  return out;
}

/** What one hub joins, in words: "an e1000 NIC and the user-mode backend", "2 NICs (e1000, virtio) and 2 backends (user-mode, tap)". */
function hubParts(nics: readonly QemuOption[], backends: readonly QemuOption[]): string {
  const models = nics.map((n) => prop(n, 'model')?.value ?? 'e1000');
  const kinds = backends.map((b) => (optionKind(b) === 'user' ? 'user-mode' : (optionKind(b) ?? '?')));
  const nic = models.length === 1 ? `${/^[aeiou]/i.test(models[0]!) ? 'an' : 'a'} ${models[0]} NIC` : `${models.length} NICs (${models.join(', ')})`;
  const be = kinds.length === 1 ? `the ${kinds[0]} backend` : `${kinds.length} backends (${kinds.join(', ')})`;
  return `${nic} and ${be}`;
}

/**
 * -net joins NICs and backends through an emulated hub: one finding per hub (its NICs and backends together).
 * A hub named with vlan= is an error (QEMU 3.0 removed vlan=); otherwise the wording says what the hub really
 * costs: nothing but indirection for user-mode networking, vhost-net and a hop for tap and the others.
 */
export function checkLegacy(c: RuleContext, script: LaunchScript, inv: QemuInvocation, ids: Set<string>): void {
  const byHub = hubs(inv);
  if (byHub.size === 0) return;
  const edits = convertLegacyEdits(c.text, script, inv, ids);
  const fixes = edits ? [{ title: 'Convert -net options to -netdev/-device (one pair per hub)', edits, isPreferred: true }] : undefined;
  for (const [hub, nets] of byHub) {
    const nics = nets.filter((o) => optionKind(o) === 'nic');
    const backends = nets.filter((o) => optionKind(o) !== 'nic');
    const vlan = nets.map((o) => prop(o, 'vlan')).find((p) => p !== undefined);
    if (vlan) {
      const e = removedEntry('net-param', 'vlan')!;
      c.report('RemovedOption', 'error', vlan.range, `'vlan=' was removed in QEMU ${e.removedIn}; QEMU rejects it (Invalid parameter 'vlan'). Hub ${hub} joins ${hubParts(nics, backends)}: use ${e.instead}.`, fixes);
      continue;
    }
    const at = nets[0]!.span;
    const shared = nics.length > 1 || backends.length > 1 ? ' On one hub every NIC gets the frames of every backend.' : '';
    if (backends.length === 0) {
      c.report('LegacyNet', 'warning', at, `'-net nic' with no backend on hub ${hub}: the guest gets a NIC connected to nothing (QEMU warns: hub ${hub} is not connected to host network). Add a backend, e.g. -nic user,model=…`);
    } else if (nics.length === 0) {
      c.report('LegacyNet', 'warning', at, `'-net ${optionKind(backends[0]!) ?? ''}' with no '-net nic' on hub ${hub}: the guest gets no NIC for it (QEMU warns: hub ${hub} with no nics).`);
    } else if (backends.every((b) => optionKind(b) === 'user')) {
      c.report('LegacyNet', 'info', at, `Legacy -net: ${hubParts(nics, backends)} meet through QEMU's emulated hub ${hub}. It works; -netdev user with -device (or -nic user,model=…) is the direct form.${shared}`, fixes);
    } else {
      c.report('LegacyNet', 'warning', at, `Legacy -net: ${hubParts(nics, backends)} meet through QEMU's emulated hub ${hub}, so vhost-net cannot accelerate it and every frame takes an extra hop.${shared} Use -netdev with -device (or -nic).`, fixes);
    }
  }
}

/**
 * vlan= in a fragment of options (a sourced array, no command here): the same error as in a command, without the
 * conversion fix, which rewrites the whole command; how the hubs join is the command's business.
 */
export function checkVlan(c: RuleContext, fragment: OptionFragment): void {
  for (const [hub, nets] of hubs(fragment)) {
    const vlan = nets.map((o) => prop(o, 'vlan')).find((p) => p !== undefined);
    if (!vlan) continue;
    const e = removedEntry('net-param', 'vlan')!;
    c.report('RemovedOption', 'error', vlan.range, `'vlan=' was removed in QEMU ${e.removedIn}; QEMU rejects it (Invalid parameter 'vlan'). Hub ${hub} of the options in ${fragment.name}: use ${e.instead}.`);
  }
}

/** Options removed from QEMU, which rejects them (see ../removed): -device pci-assign, -redir, -tftp/-bootp/-smb, -net name=/dump/channel. */
export function checkRemoved(c: RuleContext, inv: OptionList): void {
  for (const o of inv.options) {
    if (o.name === '-device' && optionKind(o) === 'pci-assign') {
      const driver = prop(o, 'driver')!;
      const edits: OffsetEdit[] = [c.edit(driver.valueRange, 'vfio-pci')];
      for (const p of o.props) if (PCI_ASSIGN_ONLY.has(p.key)) edits.push({ ...rangeOfRemoval(o, p), text: '' });
      c.report('PciAssign', 'error', driver.valueRange, `'pci-assign' was removed in QEMU ${removedEntry('device', 'pci-assign')!.removedIn} (and from Linux); QEMU rejects it. Use vfio-pci (bind the device to vfio-pci first).`, [
        { title: 'Replace pci-assign with vfio-pci', edits, isPreferred: true },
      ]);
    }
    if (o.name === '-redir') checkRedir(c, inv, o);
    const top = removedEntry('option', o.name);
    if (top && o.name !== '-redir') checkUserOption(c, inv, o, top);
    if (o.name === '-net') checkRemovedNet(c, o);
  }
}

/** -net name= (now id=), and the -net types QEMU dropped. */
function checkRemovedNet(c: RuleContext, o: QemuOption): void {
  const kind = optionKind(o);
  const type = kind !== undefined ? removedEntry('net-type', kind) : undefined;
  if (type) {
    c.report('RemovedOption', 'error', prop(o, 'type')!.valueRange, `'-net ${type.name}' was removed in QEMU ${type.removedIn}; QEMU rejects it (Parameter 'type' does not accept value '${type.name}'). Use ${type.instead}.`);
    return;
  }
  const name = prop(o, 'name');
  if (!name) return;
  const e = removedEntry('net-param', 'name')!;
  const fixes = prop(o, 'id') ? [] : [{ title: "Rename 'name=' to 'id='", edits: [c.edit(name.keyRange, 'id')], isPreferred: true }];
  c.report('RemovedOption', 'error', name.keyRange, `'-net …,name=' was removed in QEMU ${e.removedIn}; QEMU rejects it (Invalid parameter 'name'). Use id= instead.`, fixes);
}

/** -tftp/-bootp/-smb DIR become tftp=/bootp=/smb= on the command's one user-mode network (or a new -nic user). */
function checkUserOption(c: RuleContext, inv: OptionList, o: QemuOption, e: RemovedNetOption): void {
  const key = e.name.slice(1);
  const value = o.valueWord && o.valueWord.dynamic.length === 0 ? o.valueWord.value : undefined;
  const fixes = [];
  if (value !== undefined && /^[\w./:@%+-]+$/.test(value)) {
    const edits = userNetEdits(c, inv, o, `${key}=${value}`);
    if (edits.length > 0) fixes.push({ title: `Replace ${e.name} with ${key}= on the user-mode network`, edits, isPreferred: true });
  }
  c.report('RemovedOption', 'error', o.span, `'${e.name}' was removed in QEMU ${e.removedIn}; QEMU rejects it (${e.name}: invalid option). Use ${e.instead}.`, fixes);
}

/** Moves a removed top-level option onto the command's one user-mode network as `item`, or into a new -nic user. */
function userNetEdits(c: RuleContext, inv: OptionList, o: QemuOption, item: string): OffsetEdit[] {
  const users = inv.options.filter((x) => (x.name === '-netdev' || x.name === '-nic' || x.name === '-net') && optionKind(x) === 'user' && x.valueWord);
  if (users.length === 1) return [appendProp(users[0]!, item), removeSpan(c.text, o.span)];
  return users.length === 0 ? [c.edit(o.span, `-nic user,${item}`)] : [];
}

function rangeOfRemoval(o: QemuOption, p: QemuProp): OffsetSpan {
  const map = o.valueWord!.map;
  return p.index.start > 0 ? { start: map[p.index.start - 1]!, end: p.range.end } : { start: p.range.start, end: map[p.index.end + 1] ?? p.range.end };
}

/** -redir's rule becomes hostfwd= on the command's one user-mode network (or a new -nic user). */
function checkRedir(c: RuleContext, inv: OptionList, o: QemuOption): void {
  const rule = o.valueWord && o.valueWord.dynamic.length === 0 ? o.valueWord.value : undefined;
  const m = rule ? /^(?:(tcp|udp):)?(\d+):([\d.]*):(\d+)$/.exec(rule) : null;
  const fixes = [];
  if (m) {
    const hostfwd = `hostfwd=${m[1] ?? 'tcp'}::${m[2]}-${m[3]}:${m[4]}`;
    const edits = userNetEdits(c, inv, o, hostfwd);
    if (edits.length > 0) fixes.push({ title: `Replace -redir with ${hostfwd}`, edits, isPreferred: true });
  }
  c.report('Redir', 'error', o.span, `'-redir' was removed in QEMU ${removedEntry('option', '-redir')!.removedIn}; QEMU rejects it. Use hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport on the user-mode network.`, fixes);
}
