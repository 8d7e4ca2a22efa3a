import sh, { type syntax } from 'mvdan-sh';
import { isMulticastMac, isValidMac } from '../mac';
import { parseBdf } from '../pci/bdf';
import { LineIndex, type TextEdit } from '../text';
import {
  generate,
  normalizeHostfwd,
  SpecError,
  uniqueId,
  type GeneratedFile,
  type NetworkSpec,
} from './generate';
import { shellQuote } from '../util/shellQuote';
import { optionKind, parseLaunchScript, prop, type LaunchScript, type QemuInvocation, type QemuOption, type QemuProp } from './model';
import { byteToUtf16, type ShellWord, type Span } from './shell';

/**
 * The script editor core: minimal, idempotent text edits that add, remove and convert network devices in a
 * launch script. Every byte outside the edited ranges is left alone, and running an operation twice changes
 * nothing the second time.
 */

export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface ScriptEdit {
  readonly edits: readonly TextEdit[];
  /** Helper files the edit needs (generated qemu-ifup/-ifdown); created only where nothing is yet (../helperFileIo). */
  readonly files: readonly GeneratedFile[];
}

export const NO_EDIT: ScriptEdit = { edits: [], files: [] };

/**
 * Every edit's text leaves here, so this is where new lines take the document's dominant line ending: a CRLF
 * script stays CRLF instead of ending up with mixed endings.
 */
export function toTextEdits(text: string, edits: readonly OffsetEdit[]): TextEdit[] {
  const index = new LineIndex(text);
  const crlf = (text.match(/\r\n/g)?.length ?? 0) > (text.match(/(?<!\r)\n/g)?.length ?? 0);
  return edits.map((e) => ({ range: index.rangeOf(e.start, e.end), newText: crlf ? e.text.replace(/(?<!\r)\n/g, '\r\n') : e.text }));
}

// ---------------------------------------------------------------------------------------------------------
// Shell text of new words

interface Seg {
  readonly text: string;
  readonly dynamic: boolean;
}

/** One shell word from segments: literal text quoted, expansions ($x) kept live inside double quotes. */
export function quoteSegs(segs: readonly Seg[]): string {
  if (!segs.some((s) => s.dynamic)) return shellQuote(segs.map((s) => s.text).join(''));
  return `"${segs.map((s) => (s.dynamic ? s.text : s.text.replace(/[\\"$`]/g, '\\$&'))).join('')}"`;
}

/** The segments of an index range of a word's value. */
function segsOf(word: ShellWord, span: Span): Seg[] {
  const out: Seg[] = [];
  let i = span.start;
  while (i < span.end) {
    const dyn = word.dynamic.find((d) => d.start <= i && i < d.end);
    const next = dyn
      ? Math.min(dyn.end, span.end)
      : Math.min(span.end, ...word.dynamic.filter((d) => d.start > i).map((d) => d.start));
    out.push({ text: word.value.slice(i, next), dynamic: dyn !== undefined });
    i = next;
  }
  return out;
}

const lit = (text: string): Seg => ({ text, dynamic: false });

/** `key=value` items of an option (raw QemuOpts text) as segments, for rebuilding it under another name. */
function propSegs(option: QemuOption, p: QemuProp, renameTo?: string): Seg[] {
  const word = option.valueWord!;
  if (renameTo === undefined) return segsOf(word, p.index);
  return [lit(`${renameTo}=`), ...segsOf(word, p.valueIndex)];
}

function joinItems(items: readonly Seg[][]): Seg[] {
  return items.flatMap((item, i) => (i === 0 ? item : [lit(','), ...item]));
}

// ---------------------------------------------------------------------------------------------------------
// Primitive edits

const isBlank = (s: string): boolean => /^[ \t]*$/.test(s);

/** Removes a span of words so the shell stays valid: a whole line when alone on it, else with its own spacing. */
export function removeSpan(text: string, span: Span): OffsetEdit {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  let j = span.end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  const aloneBefore = isBlank(text.slice(lineStart, span.start));
  if (aloneBefore && text[j] === '\\' && text[j + 1] === '\n') return { start: lineStart, end: j + 2, text: '' };
  const atLineEnd = j >= text.length || text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n');
  if (aloneBefore && lineStart >= 2 && text[lineStart - 2] === '\\') {
    // First thing on a continued line: drop it with the continuation that led to it; what followed it on
    // its line (a redirection, `;`) joins the previous line.
    let s = lineStart - 2;
    while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    return atLineEnd ? { start: s, end: span.end, text: '' } : { start: s, end: j, text: ' ' };
  }
  if (!atLineEnd && j > span.end && text[j] !== ';' && text[j] !== '\\') return { start: span.start, end: j, text: '' };
  // Something glued to the span's end (`'…'#x`): keep the space before, so it doesn't glue to the previous word.
  if (span.end < text.length && !/[\s;&|)]/.test(text[span.end]!)) return { start: span.start, end: span.end, text: '' };
  let s = span.start;
  while (s > lineStart && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  return { start: s, end: span.end, text: '' };
}

/** Removes several spans: neighbours separated only by blanks and continuations are removed as one. */
export function removeSpans(text: string, spans: readonly Span[]): OffsetEdit[] {
  const merged: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const prev = merged[merged.length - 1];
    if (prev && (s.start <= prev.end || /^(?:[ \t]|\\\r?\n)*$/.test(text.slice(prev.end, s.start)))) {
      merged[merged.length - 1] = { start: prev.start, end: Math.max(prev.end, s.end) };
    } else merged.push(s);
  }
  return merged.map((s) => removeSpan(text, s));
}

/** Removes one `key=value` item from an option value, with its separating comma. */
export function removeProp(option: QemuOption, p: QemuProp): OffsetEdit {
  const word = option.valueWord!;
  const map = word.map;
  if (p.index.start > 0) return { start: map[p.index.start - 1]!, end: p.range.end, text: '' };
  const after = p.index.end < word.value.length ? map[p.index.end + 1]! : p.range.end;
  return { start: p.range.start, end: after, text: '' };
}

/** Appends `,item` (plain characters) at the end of an option's value, inside its quotes. */
export function appendProp(option: QemuOption, item: string): OffsetEdit {
  const word = option.valueWord!;
  const at = word.value.length > 0 ? word.map[word.value.length - 1]! + 1 : word.end;
  return { start: at, end: at, text: `,${item}` };
}

function lineIndent(text: string, offset: number): { lineStart: number; indent: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { lineStart, indent: /^[ \t]*/.exec(text.slice(lineStart, offset))![0] };
}

/** Groups argument words into one string per option (`-netdev X`) for layout. */
function optionGroups(words: readonly string[]): string[] {
  const groups: string[] = [];
  for (const w of words) {
    if (w.startsWith('-') || groups.length === 0) groups.push(w);
    else groups[groups.length - 1] += ` ${w}`;
  }
  return groups;
}

/** Whether something is glued to a word ending at `end` (`"…"#x`): new words written there need a separator, or they absorb it. */
function gluedAt(text: string, end: number): boolean {
  return end < text.length && !/[\s;&|)]/.test(text[end]!);
}

/** Appends argument words (already shell text) to an invocation, following its one-option-per-line layout if it has one. */
export function appendArgs(text: string, inv: QemuInvocation, words: readonly string[], redirects: readonly string[] = [], forceMultiline = false): OffsetEdit {
  const cmdWords = inv.command.words;
  const last = cmdWords[cmdWords.length - 1]!;
  const multiline = forceMultiline || /\\\r?\n/.test(text.slice(inv.command.start, last.end));
  const groups = optionGroups(words);
  if (redirects.length > 0) groups.push(...(multiline ? [redirects.join(' ')] : redirects));
  let insert: string;
  if (multiline) {
    const first = lineIndent(text, inv.command.start);
    const here = lineIndent(text, last.start);
    const indent = here.lineStart === first.lineStart ? `${first.indent}  ` : here.indent;
    insert = groups.map((g) => ` \\\n${indent}${g}`).join('');
  } else insert = groups.map((g) => ` ${g}`).join('');
  if (gluedAt(text, last.end)) insert += ' ';
  return { start: last.end, end: last.end, text: insert };
}

/** Inserts shell lines before the invocation's line, skipping lines the script already has. */
export function insertPrelude(text: string, inv: QemuInvocation, lines: readonly string[]): OffsetEdit | undefined {
  const have = new Set(text.split('\n').map((l) => l.trim()));
  const fresh = lines.filter((l) => !have.has(l.trim()));
  if (fresh.length === 0) return undefined;
  const { lineStart, indent } = lineIndent(text, inv.command.start);
  return { start: lineStart, end: lineStart, text: fresh.map((l) => `${indent}${l}\n`).join('') };
}

// ---------------------------------------------------------------------------------------------------------
// Queries over the script

export function netdevOptions(inv: QemuInvocation): QemuOption[] {
  return inv.options.filter((o) => o.name === '-netdev');
}

/** Every id, name, netdev reference and MAC the script uses (outside the `except` options), so new ones stay unique. */
export function usedNames(script: LaunchScript, except?: ReadonlySet<QemuOption>): { ids: Set<string>; macs: Set<string> } {
  const ids = new Set<string>();
  const macs = new Set<string>();
  for (const inv of script.invocations) {
    for (const o of inv.options) {
      if (except?.has(o)) continue;
      for (const p of o.props) {
        // A netdev= reference counts too: a new -netdev must not adopt a -device that names a missing one.
        if (p.key === 'id' || (o.name === '-net' && p.key === 'name') || (o.name === '-device' && p.key === 'netdev')) ids.add(p.value);
        if (p.key === 'mac' || p.key === 'macaddr') macs.add(p.value.toLowerCase());
      }
    }
  }
  return { ids, macs };
}

/** NIC driver names QEMU's -device knows for networking (vfio-pci is passthrough, handled apart). */
export function isNicDriver(driver: string | undefined): boolean {
  return driver !== undefined && /^(?:virtio-net-(?:pci|device|ccw)(?:-non-transitional|-transitional)?|e1000e?|e1000-82544gc|e1000-82545em|rtl8139|ne2k_(?:pci|isa)|pcnet|vmxnet3|i8255\d\w*|i82801|tulip|usb-net|sungem|igb)$/.test(driver);
}

const LEGACY_MODEL_TO_DRIVER: Record<string, string> = { virtio: 'virtio-net-pci' };

/** The one-line label and the spans of one network device of an invocation (for pick lists and removal). */
export interface NetworkDevice {
  readonly label: string;
  readonly kind: 'netdev' | 'nic' | 'legacy' | 'vfio';
  readonly key: string;
  readonly options: readonly QemuOption[];
}

export function listNetworkDevices(inv: QemuInvocation): NetworkDevice[] {
  const out: NetworkDevice[] = [];
  const devices = inv.options.filter((o) => o.name === '-device');
  for (const nd of netdevOptions(inv)) {
    const id = prop(nd, 'id')?.value;
    const users = id ? devices.filter((d) => prop(d, 'netdev')?.value === id) : [];
    const models = users.map((d) => optionKind(d)).join(', ');
    out.push({ label: `${optionKind(nd) ?? '?'} ${id ?? '(no id)'}${models ? ` → ${models}` : ''}`, kind: 'netdev', key: `netdev:${id}`, options: [nd, ...users] });
  }
  // Keys name the content, not the position, so removing by key twice removes nothing the second time.
  for (const o of inv.options) {
    const value = o.valueWord?.value ?? '';
    if (o.name === '-nic') out.push({ label: `-nic ${value}`, kind: 'nic', key: `nic:${value}`, options: [o] });
    if (o.name === '-net') out.push({ label: `-net ${value} (legacy)`, kind: 'legacy', key: `net:${value}`, options: [o] });
    if (o.name === '-device' && /^(?:vfio-pci|pci-assign)$/.test(optionKind(o) ?? '')) {
      out.push({ label: `${optionKind(o)} ${prop(o, 'host')?.value ?? ''}`, kind: 'vfio', key: `vfio:${value}`, options: [o] });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Legacy -net conversion (used by the linter's quick fix and the "Convert legacy -net" command)

/** Converts the -net groups of one invocation that pair exactly one NIC with one backend; undefined if none can be. */
export function convertLegacyEdits(
  text: string,
  script: LaunchScript,
  inv: QemuInvocation,
  /** Ids in use; new ids are added to it (the linter shares one set across invocations). */
  taken: Set<string> = usedNames(script).ids,
): OffsetEdit[] | undefined {
  const nets = inv.options.filter((o) => o.name === '-net' && o.valueWord);
  const groups = new Map<string, QemuOption[]>();
  for (const o of nets) {
    const kind = optionKind(o);
    if (kind === 'none') continue;
    const vlan = prop(o, 'vlan')?.value ?? '0';
    groups.set(vlan, [...(groups.get(vlan) ?? []), o]);
  }
  const edits: OffsetEdit[] = [];
  for (const group of groups.values()) {
    const nics = group.filter((o) => optionKind(o) === 'nic');
    const backends = group.filter((o) => optionKind(o) !== 'nic');
    // One hub with n NICs and n backends: old guides meant them as pairs, in order (nic, backend, nic, backend …).
    if (nics.length === 0 || nics.length !== backends.length) continue;
    nics.forEach((nic, k) => edits.push(...convertPair(text, nic, backends[k]!, taken)));
  }
  return edits.length > 0 ? edits : undefined;
}

function convertPair(text: string, nic: QemuOption, backend: QemuOption, taken: Set<string>): OffsetEdit[] {
  const named = prop(backend, 'id')?.value ?? prop(backend, 'name')?.value;
  const id = named && /^[A-Za-z][\w.-]*$/.test(named) ? named : uniqueId('net', taken);
  taken.add(id);
  const backendItems: Seg[][] = [[lit(optionKind(backend)!)], [lit(`id=${id}`)]];
  for (const p of backend.props) if (!p.implied && !['vlan', 'name', 'id', 'type'].includes(p.key)) backendItems.push(propSegs(backend, p));
  const model = prop(nic, 'model');
  const driver = model && !model.dynamic ? (LEGACY_MODEL_TO_DRIVER[model.value] ?? model.value) : 'e1000';
  const deviceItems: Seg[][] = [model?.dynamic ? segsOf(nic.valueWord!, model.valueIndex) : [lit(driver)], [lit(`netdev=${id}`)]];
  for (const p of nic.props) {
    if (p.implied || ['vlan', 'name', 'model', 'type'].includes(p.key)) continue;
    deviceItems.push(propSegs(nic, p, p.key === 'macaddr' ? 'mac' : undefined));
  }
  const replacement = `-netdev ${quoteSegs(joinItems(backendItems))} -device ${quoteSegs(joinItems(deviceItems))}`;
  const [first, second] = nic.span.start < backend.span.start ? [nic, backend] : [backend, nic];
  return [{ start: first.span.start, end: first.span.end, text: replacement }, removeSpan(text, second.span)];
}

// ---------------------------------------------------------------------------------------------------------
// Editor operations

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

/** What a template's header says beyond the comment: a shebang (only at the top of a file) and `set -<flags>`. */
export interface TemplateHeader {
  readonly shebang: boolean;
  /** Flags for the template's `set` line; empty: no `set` line. */
  readonly setFlags: string;
}

const FULL_HEADER: TemplateHeader = { shebang: true, setFlags: 'eu' };

/** A fresh launch script around generated arguments, for files without a QEMU invocation. */
export function launchScriptTemplate(args: readonly string[], redirects: readonly string[] = [], prelude: readonly string[] = [], header = FULL_HEADER): string {
  const groups = ['-enable-kvm -m 1024 -smp 2', '-drive file=disk.qcow2,if=virtio', ...optionGroups(args.map(shellQuote))];
  if (redirects.length > 0) groups.push(redirects.join(' '));
  return `${header.shebang ? '#!/bin/sh\n' : ''}# QEMU launch script (KVM Networking). Adjust the disk image, memory and CPUs.
${header.setFlags ? `set -${header.setFlags}\n` : ''}
${prelude.map((l) => `${l}\n`).join('')}exec qemu-system-x86_64 \\
${groups.map((g) => `  ${g}`).join(' \\\n')}
`;
}

/** A plain top-level command: its words (undefined where not a plain literal), where it starts, whether it is the last statement. */
interface TopLevelCommand {
  readonly words: readonly (string | undefined)[];
  readonly start: number;
  readonly last: boolean;
}

/** The script's top-level statements that are plain commands (no `if`, function, pipeline or `&&` list); none when it does not parse. */
function topLevelCommands(text: string): TopLevelCommand[] {
  let file: syntax.File;
  try {
    file = sh.syntax.NewParser().Parse(text, 'script');
  } catch {
    return [];
  }
  const conv = byteToUtf16(text);
  const literal = (w: syntax.Word): string | undefined => {
    const [part, ...rest] = w.Parts;
    return part && rest.length === 0 && sh.syntax.NodeType(part) === 'Lit' ? part.Value : undefined;
  };
  return file.Stmts.flatMap((stmt, i) => {
    // A backgrounded `set -e &` or `exit &` runs in a subshell.
    if (!stmt.Cmd || sh.syntax.NodeType(stmt.Cmd) !== 'CallExpr' || (stmt as { Background?: boolean }).Background) return [];
    const words = (stmt.Cmd as syntax.CallExpr).Args.map(literal);
    return [{ words, start: conv(stmt.Pos().Offset()), last: i === file.Stmts.length - 1 }];
  });
}

/**
 * Where the script stops for good if it ends with a top-level `exit` or `exec` of another program (not a bare
 * `exec`, which only sets redirections): code appended after it would never run.
 */
function finalExit(commands: readonly TopLevelCommand[]): number | undefined {
  const cmd = commands.find((c) => c.last);
  if (!cmd || !(cmd.words[0] === 'exit' || (cmd.words[0] === 'exec' && cmd.words.length > 1))) return undefined;
  return cmd.start;
}

const SET_OPTION_FLAGS: Readonly<Record<string, string>> = { errexit: 'e', nounset: 'u' };

/**
 * The `e`/`u` shell options a script's top-level `set` commands leave on (`set -eu`, `set -euo pipefail`,
 * `set -o errexit`; `set +e` turns one off again). Only plain top-level commands count: a `set` inside an `if`, a
 * function or a pipeline may not run, and a script that does not parse counts as setting nothing, so in doubt the
 * template keeps its `set` line. Shebang flags (`#!/bin/sh -e`) don't count either: `sh script.sh` ignores them.
 */
export function topLevelSetFlags(text: string, commands: readonly TopLevelCommand[] = topLevelCommands(text)): Set<string> {
  const on = new Set<string>();
  for (const { words } of commands) {
    if (words[0] !== 'set') continue;
    for (let i = 1; i < words.length; i++) {
      const w = words[i];
      // The options end at the first other word (`--`, `-` or a positional parameter).
      if (w === undefined || !/^[-+][A-Za-z]+$/.test(w)) break;
      for (const c of w.slice(1)) {
        const flag = c === 'o' ? SET_OPTION_FLAGS[words[++i] ?? ''] : c;
        if (flag === 'e' || flag === 'u') {
          if (w.startsWith('-')) on.add(flag);
          else on.delete(flag);
        }
      }
    }
  }
  return on;
}

/**
 * The text "Add network device" adds to a file without a QEMU invocation: the whole template for a blank file;
 * else the template appended after a blank line (or inserted before a final top-level `exit`/`exec`, which would
 * keep it from running), without the shebang (only the first line can be one) and with only the `set` flags the
 * script does not already turn on.
 */
function templateEdit(text: string, g: { args: readonly string[]; redirects: readonly string[]; prelude: readonly string[] }): OffsetEdit {
  // Whitespace only: the template goes first, so its shebang is the first line.
  if (text.trim().length === 0) return { start: 0, end: 0, text: launchScriptTemplate(g.args, g.redirects, g.prelude) };
  const commands = topLevelCommands(text);
  const on = topLevelSetFlags(text, commands);
  const setFlags = [...FULL_HEADER.setFlags].filter((f) => !on.has(f)).join('');
  const body = launchScriptTemplate(g.args, g.redirects, g.prelude, { shebang: false, setFlags });
  const exit = finalExit(commands);
  if (exit !== undefined) {
    // Before the final `exit`/`exec`: at the start of its line, or right before it when other commands share its line.
    const { lineStart } = lineIndent(text, exit);
    const own = isBlank(text.slice(lineStart, exit));
    const at = own ? lineStart : exit;
    return { start: at, end: at, text: `\n${body}\n` };
  }
  return { start: text.length, end: text.length, text: `${text.endsWith('\n') ? '' : '\n'}\n${body}` };
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
          (!spec.restrict || /^(?:on|yes|true)$/.test(v('restrict') ?? '')) &&
          (spec.net === undefined || v('net') === spec.net) &&
          (spec.host === undefined || v('host') === spec.host) &&
          (spec.dns === undefined || v('dns') === spec.dns)
        );
      case 'tap':
        return v('type') === 'tap' && v('fd') === undefined && (spec.ifname === undefined || v('ifname') === spec.ifname) && (!spec.vhost || v('vhost') === 'on');
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

/**
 * The user-mode backends of an invocation a port forward can go to (-netdev, -nic and -net user), each source
 * option once: an array expanded twice into the command yields the same option twice, and editing either is the
 * same edit.
 */
export function userNetworks(inv: QemuInvocation): QemuOption[] {
  const seen = new Set<number>();
  return inv.options.filter((o) => {
    if (!(o.name === '-netdev' || o.name === '-nic' || o.name === '-net') || optionKind(o) !== 'user' || !o.valueWord || seen.has(o.span.start)) return false;
    seen.add(o.span.start);
    return true;
  });
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

export { prop, optionKind };
