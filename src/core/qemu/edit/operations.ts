import { isMulticastMac, isValidMac } from '../../mac';
import { parseBdf } from '../../pci/bdf';
import type { TextEdit } from '../../text';
import { shellQuote } from '../../util/shellQuote';
import { generate, normalizeHostfwd, SpecError, type GeneratedFile, type NetworkSpec } from '../generate';
import { optionKind, parseLaunchScript, prop, qemuOptsOn, type LaunchScript, type QemuInvocation } from '../model';
import { convertLegacyEdits } from './legacy';
import { appendArgs, appendProp, gluedAt, insertPrelude, isBlank, lineIndent, optionGroups, removeSpans, toTextEdits, type OffsetEdit } from './primitives';
import { listNetworkDevices, netdevOptions, usedNames, userNetworks, type NetworkDevice } from './queries';
import { templateEdit } from './template';

/** The editor operations: each parses the script, changes only what it must, and is a no-op the second time. */

export interface ScriptEdit {
  readonly edits: readonly TextEdit[];
  /** Helper files the edit needs (generated qemu-ifup/-ifdown); created only where nothing is yet (core/helperFileIo.ts). */
  readonly files: readonly GeneratedFile[];
}

export const NO_EDIT: ScriptEdit = { edits: [], files: [] };

export interface EditContext {
  readonly scriptPath: string;
  /** Which QEMU invocation of the script to edit (default: the first). */
  readonly invocation?: number;
}

function targetInvocation(script: LaunchScript, ctx: EditContext): QemuInvocation | undefined {
  return script.invocations[ctx.invocation ?? 0];
}

function result(text: string, edits: (OffsetEdit | undefined)[], files: readonly GeneratedFile[] = []): ScriptEdit {
  const real = edits.filter((e): e is OffsetEdit => e !== undefined);
  return real.length === 0 ? NO_EDIT : { edits: toTextEdits(text, real), files };
}

/** Whether the invocation already has a network device matching what the user asked for (so adding it again is a no-op). */
function hasEquivalent(inv: QemuInvocation, spec: NetworkSpec): boolean {
  if (spec.mode === 'vfio') {
    // An invalid BDF matches nothing: generate() then rejects it.
    const bdf = parseBdf(spec.bdf);
    return bdf !== undefined && inv.options.some((o) => o.name === '-device' && optionKind(o) === 'vfio-pci' && parseBdf(prop(o, 'host')?.value ?? '') === bdf);
  }
  const devices = inv.options.filter((o) => o.name === '-device');
  return netdevOptions(inv).some((nd) => {
    const v = (k: string): string | undefined => prop(nd, k)?.value;
    const id = v('id');
    const dev = devices.find((d) => id !== undefined && prop(d, 'netdev')?.value === id);
    if (!dev) return false;
    if (spec.id !== undefined && spec.id !== id) return false;
    if (spec.model !== undefined && optionKind(dev) !== spec.model) return false;
    if (spec.mac !== undefined && prop(dev, 'mac')?.value.toLowerCase() !== spec.mac.toLowerCase()) return false;
    const fwds = nd.props.filter((p) => p.key === 'hostfwd').map((p) => p.value);
    switch (spec.mode) {
      case 'user':
        return (
          v('type') === 'user' &&
          (spec.hostfwd ?? []).map(normalizeHostfwd).every((r) => fwds.includes(r)) &&
          (!spec.restrict || qemuOptsOn(v('restrict'))) &&
          (spec.net === undefined || v('net') === spec.net) &&
          (spec.host === undefined || v('host') === spec.host) &&
          (spec.dns === undefined || v('dns') === spec.dns)
        );
      case 'tap':
        return v('type') === 'tap' && v('fd') === undefined && (spec.ifname === undefined || v('ifname') === spec.ifname) && (!spec.vhost || qemuOptsOn(v('vhost')));
      case 'macvtap':
        return v('type') === 'tap' && v('fd') === String(spec.fd ?? 3);
    }
  });
}

/** The redirections the command does not have yet (an edited macvtap keeps its fd): none is added twice. */
function missingRedirects(text: string, inv: QemuInvocation, redirects: readonly string[]): string[] {
  const have = new Set(inv.command.redirects.map((r) => text.slice(r.start, r.end)));
  return redirects.filter((r) => !have.has(r));
}

/** "Add network device": appends the generated arguments (and host steps) or, without an invocation, a template. */
export function addNetworkDevice(text: string, spec: NetworkSpec, ctx: EditContext & { legacy?: boolean; multiline?: boolean }): ScriptEdit {
  const script = parseLaunchScript(text);
  const { ids, macs } = usedNames(script);
  const inv = targetInvocation(script, ctx);
  if (inv && hasEquivalent(inv, spec)) return NO_EDIT;
  const g = generate(spec, { scriptPath: ctx.scriptPath, existingIds: ids, existingMacs: macs, legacy: ctx.legacy ?? false });
  if (!inv) return result(text, [templateEdit(text, g)], g.files);
  const redirects = missingRedirects(text, inv, g.redirects);
  return result(text, [insertPrelude(text, inv, g.prelude), appendArgs(text, inv, g.args.map(shellQuote), redirects, ctx.multiline)], g.files);
}

/** "Remove network device": removes every option of the device with this key (see listNetworkDevices). */
export function removeNetworkDevice(text: string, key: string, ctx: EditContext): ScriptEdit {
  const script = parseLaunchScript(text);
  const inv = targetInvocation(script, ctx);
  const device = inv ? listNetworkDevices(inv).find((d) => d.key === key) : undefined;
  if (!device) return NO_EDIT;
  return result(text, removeSpans(text, device.options.map((o) => o.span)));
}

/** The spec fields a device keeps when edited: its id and a valid unicast MAC (so the guest sees the same NIC). */
function keptIdentity(device: NetworkDevice): { id?: string; mac?: string } {
  const id = device.kind === 'netdev' ? device.key.slice('netdev:'.length) : undefined;
  const mac = device.options.map((o) => prop(o, 'mac') ?? prop(o, 'macaddr')).find((p) => p && !p.dynamic)?.value;
  const usable = mac !== undefined && isValidMac(mac) && !isMulticastMac(mac);
  return { ...(id && /^[A-Za-z][\w.-]*$/.test(id) ? { id } : {}), ...(usable ? { mac } : {}) };
}

/** Rewrites `text` minimally: an edit whose new text equals what it replaces is dropped. */
function changed(text: string, edits: (OffsetEdit | undefined)[]): OffsetEdit[] {
  return edits.filter((e): e is OffsetEdit => e !== undefined && text.slice(e.start, e.end) !== e.text);
}

/**
 * "Edit network device": the device with this key replaced in place by `spec` (its first option becomes the new
 * arguments, its other options are removed), keeping its id and MAC unless `spec` sets them. Host steps go before
 * the invocation and new redirections onto it, each only if absent, so the same edit twice changes nothing.
 */
export function editNetworkDevice(text: string, key: string, spec: NetworkSpec, ctx: EditContext): ScriptEdit {
  const script = parseLaunchScript(text);
  const inv = targetInvocation(script, ctx);
  const device = inv ? listNetworkDevices(inv).find((d) => d.key === key) : undefined;
  if (!inv || !device) return NO_EDIT;
  const { ids, macs } = usedNames(script, new Set(device.options));
  const kept = spec.mode === 'vfio' ? {} : keptIdentity(device);
  // A duplicated id (the linter flags it) stays with the other device; this one gets a fresh id.
  if (kept.id !== undefined && ids.has(kept.id)) delete kept.id;
  const g = generate({ ...kept, ...spec } as NetworkSpec, { scriptPath: ctx.scriptPath, existingIds: ids, existingMacs: macs });
  const old = [...device.options].sort((a, b) => a.span.start - b.span.start);
  const first = old[0]!;
  // The layout is kept: options on several lines stay one per line, at the indent of the next line.
  const nextLine = old.find((o) => text.slice(first.span.end, o.span.start).includes('\n'));
  const own = lineIndent(text, first.span.start);
  const ownLine = isBlank(text.slice(own.lineStart, first.span.start)) && /\\\r?\n/.test(text.slice(inv.command.start, inv.command.end));
  const sep = nextLine ? ` \\\n${lineIndent(text, nextLine.span.start).indent}` : ownLine ? ` \\\n${own.indent}` : ' ';
  const redirects = missingRedirects(text, inv, g.redirects);
  // Redirections may stand between arguments, but not inside a bash array: there they go to the command's end.
  const inArray = first.nameWord.viaArray !== undefined;
  const groups = [...optionGroups(g.args.map(shellQuote)), ...(inArray || redirects.length === 0 ? [] : [redirects.join(' ')])];
  // Old option k becomes new group k (unchanged ones drop out as no-ops); extra groups join the last pair,
  // extra old options are removed.
  const paired = Math.min(old.length, groups.length);
  const replaced: OffsetEdit[] = old.slice(0, paired).map((o, k) => {
    const words = k === paired - 1 ? groups.slice(k).join(sep) : groups[k]!;
    return { start: o.span.start, end: o.span.end, text: gluedAt(text, o.span.end) ? `${words} ` : words };
  });
  const edits = changed(text, [
    insertPrelude(text, inv, g.prelude),
    ...replaced,
    ...removeSpans(text, old.slice(paired).map((o) => o.span)),
    inArray && redirects.length > 0 ? appendArgs(text, inv, [], redirects) : undefined,
  ]);
  return edits.length === 0 ? NO_EDIT : { edits: toTextEdits(text, edits), files: g.files };
}

/** "Convert legacy -net options": every convertible -net nic/-net backend pair of every invocation. */
export function convertLegacyNet(text: string): ScriptEdit {
  const script = parseLaunchScript(text);
  return result(text, script.invocations.flatMap((inv) => convertLegacyEdits(text, script, inv) ?? []));
}
/** Which user-mode network a port forward goes to; without either, the invocation's only one. */
export interface PortForwardTarget {
  /** Its `id=`. */
  readonly netdevId?: string;
  /** Where its option starts in the text (QemuOption.span.start): also tells apart a `-nic user` or `-net user` without an id. */
  readonly optionStart?: number;
}

/** "Add port forward": a hostfwd item on the chosen user-mode backend (see PortForwardTarget). */
export function addPortForward(text: string, rule: string, ctx: EditContext & PortForwardTarget): ScriptEdit {
  const full = normalizeHostfwd(rule);
  const script = parseLaunchScript(text);
  const inv = targetInvocation(script, ctx);
  const all = inv ? userNetworks(inv) : [];
  if (all.length === 0) throw new SpecError('this script has no user-mode network to forward a port on; add one first');
  const candidates = all.filter(
    (o) => (ctx.netdevId === undefined || prop(o, 'id')?.value === ctx.netdevId) && (ctx.optionStart === undefined || o.span.start === ctx.optionStart),
  );
  if (candidates.length === 0) throw new SpecError('the chosen user-mode network is not in the script (any more); run the command again');
  if (candidates.length > 1) {
    throw new SpecError(`several user-mode networks (${candidates.map((o) => prop(o, 'id')?.value ?? `${o.name} ${o.valueWord!.value}`).join('; ')}): choose one`);
  }
  const target = candidates[0]!;
  if (target.props.some((p) => p.key === 'hostfwd' && p.value === full)) return NO_EDIT;
  return result(text, [appendProp(target, `hostfwd=${full}`)]);
}

/** "Add PCI passthrough": a vfio-pci device for the BDF, with the host steps as comments. */
export function addPciPassthrough(text: string, bdf: string, ctx: EditContext): ScriptEdit {
  return addNetworkDevice(text, { mode: 'vfio', bdf }, ctx);
}
