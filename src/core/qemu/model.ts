import { parseShell, type ShellCommand, type ShellScript, type ShellWord, type Span } from './shell';
import { countParse } from '../mainThreadParses';

/**
 * The QEMU invocations of a launch script and their options, each option and each `key=value` with its exact
 * source range, so the linter and the editor can point at and rewrite single items.
 */

export interface QemuProp {
  /** The key; for the leading bare item of -netdev/-net/-nic/-device it is the implied key (type/driver). */
  readonly key: string;
  readonly implied: boolean;
  readonly value: string;
  /** The value contains a shell expansion: unknown until run time, so rules don't judge it. */
  readonly dynamic: boolean;
  readonly range: Span;
  readonly keyRange: Span;
  readonly valueRange: Span;
  /** The item and its value as index ranges into the option's value word (QemuOpts escapes kept). */
  readonly index: Span;
  readonly valueIndex: Span;
  /** From a JSON value: the ranges are the whole word's. */
  readonly json?: true;
}

export interface QemuOption {
  /** Normalised to a single leading dash: `--netdev` → `-netdev`. */
  readonly name: string;
  readonly nameWord: ShellWord;
  readonly valueWord?: ShellWord;
  readonly props: readonly QemuProp[];
  /** From the option name to the end of its value. */
  readonly span: Span;
}

export interface QemuInvocation {
  readonly command: ShellCommand;
  /** The word naming the emulator (`qemu-system-x86_64`, `$QEMU` …). */
  readonly program: ShellWord;
  /** The argument words after the program, arrays expanded in place. */
  readonly args: readonly ShellWord[];
  readonly options: readonly QemuOption[];
  /** File descriptors opened for this invocation: its own `N<>` redirections and earlier `exec N<>…` lines. */
  readonly openFds: ReadonlySet<number>;
}

export interface LaunchScript {
  readonly shell: ShellScript;
  readonly invocations: readonly QemuInvocation[];
  /**
   * QEMU network options outside a command (see optionFragments): a sourced config's arrays and variables, and
   * the variables a command expands; checked option by option.
   */
  readonly fragments: readonly OptionFragment[];
}

/** What the option-by-option rules read: a command's options, or a fragment's. */
export interface OptionList {
  readonly options: readonly QemuOption[];
}

/** The QEMU options of one array, all its assignments and appends in source order. */
export interface OptionFragment extends OptionList {
  readonly name: string;
}

/** NIC driver names QEMU's -device knows for networking (vfio-pci is passthrough, handled apart). */
export function isNicDriver(driver: string | undefined): boolean {
  return driver !== undefined && /^(?:virtio-net-(?:pci|device|ccw)(?:-non-transitional|-transitional)?|e1000e?|e1000-82544gc|e1000-82545em|rtl8139|ne2k_(?:pci|isa)|pcnet|vmxnet3|i8255\d\w*|i82801|tulip|usb-net|sungem|igb)$/.test(driver);
}

/** -net types (QEMU's legacy hub options): another program's `--net host` is none of them. */
const NET_TYPES = new Set(['nic', 'user', 'tap', 'bridge', 'socket', 'vde', 'dump', 'l2tpv3', 'none']);

/** Whether an option makes an array QEMU's network options (and not, say, docker's `--net host` or `--device /dev/kvm`). */
function isQemuNetworkOption(o: QemuOption): boolean {
  const kind = optionKind(o);
  if (o.name === '-netdev' || o.name === '-nic' || o.name === '-redir') return true;
  if (o.name === '-net') return kind !== undefined && NET_TYPES.has(kind);
  return o.name === '-device' && (isNicDriver(kind) || kind === 'vfio-pci' || kind === 'pci-assign');
}

/** QEMU options that take no argument (everything else starting with '-' takes exactly one). */
const FLAG_OPTIONS = new Set(
  [
    'S', 's', 'enable-kvm', 'nographic', 'snapshot', 'no-reboot', 'no-shutdown', 'daemonize', 'nodefaults',
    'no-hpet', 'full-screen', 'no-acpi', 'no-user-config', 'no-fd-bootchk', 'no-quit', 'win2k-hack', 'only-migratable',
    'preconfig', 'usb', 'singlestep', 'semihosting', 'version', 'help', 'h', 'curses', 'portrait', 'alt-grab',
    'ctrl-grab', 'no-frame', 'sdl', 'enable-fips', 'old-param', 'std-vga', 'rtc-td-hack', 'no-kvm', 'no-kvm-irqchip',
    'no-kvm-pit', 'no-kvm-pit-reinjection', 'enable-nesting', 'no-graphic', 'xen-create', 'xen-attach',
  ].map((f) => `-${f}`),
);

/** Options whose value is a QemuOpts list with an implied first key. */
const IMPLIED_KEY: Record<string, string> = {
  '-netdev': 'type',
  '-net': 'type',
  '-nic': 'type',
  '-device': 'driver',
  '-chardev': 'backend',
  '-object': 'qom-type',
};

const QEMU_PROGRAM = /^(?:qemu-system-[A-Za-z0-9_.-]+|qemu-kvm|kvm)$/;

/** Launchers that run their arguments as a command, and their options that take a value. */
const WRAPPERS: Record<string, ReadonlySet<string>> = {
  exec: new Set(['-a']),
  sudo: new Set(['-u', '-g', '-U', '-C', '-p', '-r', '-t', '-D', '-h', '-T']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S']),
  nohup: new Set(),
  nice: new Set(['-n']),
  ionice: new Set(['-c', '-n', '-p']),
  taskset: new Set(),
  numactl: new Set(['-C', '-N', '-m', '-p', '-i']),
  chrt: new Set(),
  setsid: new Set(),
  stdbuf: new Set(['-i', '-o', '-e']),
  time: new Set(['-f', '-o']),
  command: new Set(),
  builtin: new Set(),
};

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function isLiteral(w: ShellWord): boolean {
  return w.dynamic.length === 0;
}

/** Index of the emulator word in a command's words, or -1. */
function programIndex(words: readonly ShellWord[], qemuVars: ReadonlySet<string>): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (w.param) return !w.param.all && qemuVars.has(w.param.name) ? i : -1;
    if (!isLiteral(w)) return -1;
    const name = basename(w.value);
    if (QEMU_PROGRAM.test(name)) return i;
    if (name === 'ip' && words[i + 1]?.value === 'netns' && words[i + 2]?.value === 'exec') {
      i += 4;
      continue;
    }
    const valued = WRAPPERS[name];
    if (!valued) return -1;
    i++;
    // Skip the wrapper's options (and env's NAME=VALUE), and taskset/chrt's positional mask/priority.
    let positional = name === 'taskset' || name === 'chrt' ? 1 : 0;
    while (i < words.length) {
      const v = words[i]!.value;
      if (v === '--') {
        i++;
        break;
      }
      if (v.startsWith('-') && v.length > 1) {
        i += valued.has(v) ? 2 : 1;
      } else if (name === 'env' && /^[A-Za-z_]\w*=/.test(v)) i++;
      else if (positional > 0 && /^[\d,x-]+$/i.test(v)) {
        positional--;
        i++;
      } else break;
    }
  }
  return -1;
}

/** Splits a QemuOpts value (`a,b=c,,d`: `,,` is a literal comma) into props with source ranges. */
export function parseProps(word: ShellWord, impliedKey: string | undefined): QemuProp[] {
  const { value, map } = word;
  const props: QemuProp[] = [];
  const isDynamic = (s: number, e: number): boolean => word.dynamic.some((d) => d.start < e && s < d.end);
  const src = (i: number): number => map[i]!;
  const srcEnd = (s: number, e: number): number => (e > s ? map[e - 1]! + 1 : map[s]!);
  let i = 0;
  while (i <= value.length) {
    const start = i;
    let eq = -1;
    let text = '';
    let valueStartIdx = -1;
    while (i < value.length) {
      const ch = value[i]!;
      if (ch === ',') {
        if (value[i + 1] === ',') {
          text += ',';
          i += 2;
          continue;
        }
        break;
      }
      if (ch === '=' && eq < 0) {
        eq = text.length;
        valueStartIdx = i + 1;
      }
      text += ch;
      i++;
    }
    const end = i;
    if (end > start || (i < value.length && value[i] === ',')) {
      const implied = eq < 0 && props.length === 0 && impliedKey !== undefined;
      const key = eq >= 0 ? text.slice(0, eq) : implied ? impliedKey : text;
      const val = eq >= 0 ? text.slice(eq + 1) : implied ? text : '';
      const keyEndIdx = eq >= 0 ? valueStartIdx - 1 : implied ? start : end;
      const vStart = eq >= 0 ? valueStartIdx : implied ? start : end;
      props.push({
        key,
        implied,
        value: val,
        dynamic: isDynamic(start, end),
        range: { start: src(start), end: srcEnd(start, end) },
        keyRange: { start: src(start), end: srcEnd(start, keyEndIdx) },
        valueRange: { start: src(vStart), end: srcEnd(vStart, end) },
        index: { start, end },
        valueIndex: { start: vStart, end },
      });
    }
    i++;
  }
  return props;
}

/** Array assignments by name, in source order, to expand `"${name[@]}"` without rescanning the script. */
type ArraysByName = Map<string, ShellScript['arrays'][number][]>;

function arraysByName(script: ShellScript): ArraysByName {
  const map: ArraysByName = new Map();
  for (const a of [...script.arrays].sort((x, y) => x.start - y.start)) {
    const list = map.get(a.name);
    if (list) list.push(a);
    else map.set(a.name, [a]);
  }
  return map;
}

function expandArgs(words: readonly ShellWord[], arrays: ArraysByName, before: number): ShellWord[] {
  const out: ShellWord[] = [];
  for (const w of words) {
    const name = w.param?.name;
    const assigns = name ? arrays.get(name) : undefined;
    if (!name || !assigns) {
      out.push(w);
      continue;
    }
    // The assignments before the use (all of them if none is): from the last `name=(…)` reset on, appends included.
    let end = assigns.length;
    let lo = 0;
    let hi = assigns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (assigns[mid]!.start < before) lo = mid + 1;
      else hi = mid - 1;
    }
    if (lo > 0) end = lo;
    let from = end - 1;
    while (from > 0 && assigns[from]!.append) from--;
    for (let k = Math.max(0, from); k < end; k++) for (const el of assigns[k]!.elems) out.push({ ...el, viaArray: name });
  }
  return out;
}

/**
 * The props of a JSON option value (`-netdev {"type":"user","id":"n0"}`, what libvirt writes since QEMU 6):
 * top-level keys with scalar values, each spanning the whole word (rules point at the option, fixes that edit
 * a single item are not offered for it: see jsonValued). Undefined for anything that is not a literal JSON object.
 */
function jsonProps(word: ShellWord): QemuProp[] | undefined {
  if (!word.value.startsWith('{') || word.dynamic.length > 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(word.value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const whole = { start: word.start, end: word.end };
  const index = { start: 0, end: word.value.length };
  return Object.entries(parsed as Record<string, unknown>).flatMap(([key, v]) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? [{ key, implied: false, value: String(v), dynamic: false, range: whole, keyRange: whole, valueRange: whole, index, valueIndex: index, json: true }]
      : [],
  );
}

/** The option's value is JSON: its props carry no item ranges, so nothing may rewrite one item in place. */
export function jsonValued(option: QemuOption): boolean {
  return option.props.some((p) => p.json === true);
}

export function parseOptions(args: readonly ShellWord[]): QemuOption[] {
  const options: QemuOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (!isLiteral(w) || !w.value.startsWith('-') || w.value.length < 2) continue;
    const name = w.value.startsWith('--') ? w.value.slice(1) : w.value;
    if (FLAG_OPTIONS.has(name)) {
      options.push({ name, nameWord: w, props: [], span: { start: w.start, end: w.end } });
      continue;
    }
    const valueWord = args[i + 1];
    if (!valueWord) {
      options.push({ name, nameWord: w, props: [], span: { start: w.start, end: w.end } });
      continue;
    }
    i++;
    const sameSource = valueWord.viaArray === w.viaArray;
    options.push({
      name,
      nameWord: w,
      valueWord,
      props: jsonProps(valueWord) ?? parseProps(valueWord, IMPLIED_KEY[name]),
      span: { start: w.start, end: sameSource && valueWord.end > w.start ? valueWord.end : w.end },
    });
  }
  return options;
}

function qemuVariables(script: ShellScript): Set<string> {
  const names = new Set<string>();
  for (const v of script.vars) {
    if (/qemu|kvm/i.test(v.name)) names.add(v.name);
    else if (v.value && QEMU_PROGRAM.test(basename(v.value.value))) names.add(v.name);
  }
  for (const c of script.commands) {
    for (const w of c.words) {
      if (w.param && /qemu|kvm/i.test(w.param.name)) names.add(w.param.name);
    }
  }
  return names;
}

function redirectedFds(c: ShellCommand): number[] {
  return c.redirects.flatMap((r) => (r.fd !== undefined && r.fd > 2 ? [r.fd] : []));
}

export function findInvocations(script: ShellScript): QemuInvocation[] {
  const qemuVars = qemuVariables(script);
  const arrays = arraysByName(script);
  const out: QemuInvocation[] = [];
  // fds opened for the rest of the script by a bare `exec N<>…` line (commands are in source order).
  const execFds = new Set<number>();
  for (const command of script.commands) {
    if (command.words.length === 1 && command.words[0]!.value === 'exec') {
      for (const fd of redirectedFds(command)) execFds.add(fd);
      continue;
    }
    const idx = programIndex(command.words, qemuVars);
    if (idx < 0) continue;
    const args = expandArgs(command.words.slice(idx + 1), arrays, command.start);
    out.push({
      command,
      program: command.words[idx]!,
      args,
      options: parseOptions(args),
      openFds: new Set([...execFds, ...redirectedFds(command)]),
    });
  }
  return out;
}

/**
 * The words an unquoted `$NAME` gives for a variable's value: its text split on blanks (bash's word splitting, which
 * never re-reads quotes), each piece keeping its source offsets; a blank inside an expansion does not split here.
 */
export function splitFields(w: ShellWord): ShellWord[] {
  const out: ShellWord[] = [];
  const v = w.value;
  const blank = (k: number): boolean => /\s/.test(v[k]!) && !w.dynamic.some((d) => d.start <= k && k < d.end);
  let i = 0;
  while (i < v.length) {
    while (i < v.length && blank(i)) i++;
    if (i >= v.length) break;
    let j = i;
    while (j < v.length && !blank(j)) j++;
    const dynamic = w.dynamic.filter((d) => d.end > i && d.start < j).map((d) => ({ start: Math.max(d.start, i) - i, end: Math.min(d.end, j) - i }));
    out.push({ start: w.map[i]!, end: w.map[j - 1]! + 1, value: v.slice(i, j), map: w.map.slice(i, j + 1), dynamic });
    i = j;
  }
  return out;
}

/** The variables a word expands (`$A`, `${B}`, `${C[@]}` …). */
function paramNames(w: ShellWord): string[] {
  return w.dynamic.flatMap((d) => Array.from(w.value.slice(d.start, d.end).matchAll(/\$\{?([A-Za-z_]\w*)/g), (m) => m[1]!));
}

/** The variables whose text reaches a QEMU command: used in its arguments, or in another such variable's value. */
function varsReachingQemu(script: ShellScript, invocations: readonly QemuInvocation[]): Set<string> {
  const byName = new Map<string, ShellWord[]>();
  for (const v of script.vars) if (v.value) byName.set(v.name, [...(byName.get(v.name) ?? []), v.value]);
  // A worklist, each name once: a chain of variables listed in reverse order stays linear.
  const pending = invocations.flatMap((inv) => inv.args.flatMap(paramNames));
  const reach = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reach.has(name)) continue;
    reach.add(name);
    for (const value of byName.get(name) ?? []) pending.push(...paramNames(value));
  }
  return reach;
}

/**
 * QEMU network options held outside a command: in a file with no QEMU command, its bash arrays and variables (a
 * config the launcher sources); in any file, the string variables whose text reaches a command unquoted-split
 * (`NET="-net nic,vlan=0 $TAP"` … `$QEMU $NET`), which the command's own words only show as `$NET`.
 */
function optionFragments(script: ShellScript, invocations: readonly QemuInvocation[]): OptionFragment[] {
  const out: OptionFragment[] = [];
  const add = (name: string, words: ShellWord[]): void => {
    const options = parseOptions(words);
    if (options.some(isQemuNetworkOption)) out.push({ name, options });
  };
  if (invocations.length === 0) {
    for (const [name, assigns] of arraysByName(script)) add(name, assigns.flatMap((a) => a.elems.map((el) => ({ ...el, viaArray: name }))));
  }
  const reach = invocations.length === 0 ? undefined : varsReachingQemu(script, invocations);
  for (const v of script.vars) {
    if (v.value && (!reach || reach.has(v.name))) add(v.name, splitFields(v.value).map((el) => ({ ...el, viaArray: v.name })));
  }
  return out;
}

/** Parses a launch script; never throws. */
export function parseLaunchScript(text: string): LaunchScript {
  countParse('script');
  const shell = parseShell(text);
  const invocations = findInvocations(shell);
  return { shell, invocations, fragments: optionFragments(shell, invocations) };
}

export function prop(option: QemuOption, key: string): QemuProp | undefined {
  return option.props.find((p) => p.key === key);
}

/** The invocation's options of one name whose id= is `id` (a -netdev, -chardev or -object another option names). */
export function optionsWithId(inv: QemuInvocation, name: string, id: string): QemuOption[] {
  return inv.options.filter((o) => o.name === name && prop(o, 'id')?.value === id);
}

/** A QemuOpts boolean as QEMU reads it: on, yes, true, or the key given bare (`server` is server=on). */
export function qemuOptsOn(value: string | undefined): boolean {
  return value !== undefined && /^(?:|on|yes|true)$/.test(value);
}

/** The backend type / device driver: the implied first item or an explicit type=/driver=. */
export function optionKind(option: QemuOption): string | undefined {
  const key = IMPLIED_KEY[option.name];
  return key ? prop(option, key)?.value : undefined;
}
