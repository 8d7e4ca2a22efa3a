// Real-world launch scripts (test/realworld/qemu, sources in PROVENANCE.tsv) judged by the real tools: every
// error finding must be confirmed (QEMU's parse check of the command's network options in a sandbox, or bash
// running the command lines with a stub qemu), and every failure of the real tools needs an error finding.
// Prints precision and recall per rule; also runs over ../shared/corpus's libvirt .args command lines (printed,
// not asserted: they were written for QEMU 2.x/libvirt and hold fds libvirt opens).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/core/findings';
import { QemuCode } from '../../src/core/qemu/codes';
import { isNicDriver } from '../../src/core/qemu/model';
import { lintLaunchScript } from '../../src/core/qemu/lint';
import { optionKind, parseLaunchScript, type LaunchScript, type QemuInvocation } from '../../src/core/qemu/model';
import { LineIndex } from '../../src/core/text';
import { qemuAccepts, useQemuSandbox } from '../core/qemu/qemuOracle';

const here = path.dirname(fileURLToPath(import.meta.url));
const realworld = path.resolve(here, '../realworld');
const corpusArgs = path.resolve(here, '../../../shared/corpus/libvirt/domain');
const REDISTRIBUTABLE = new Set(['MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', 'ISC', 'MPL-2.0', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-or-later', 'LGPL-2.1-or-later']);
/** Findings the shell decides (bash runs the lines); every other error claims QEMU rejects the command. */
const SHELL_CODES = new Set<string>([QemuCode.CommentInContinuation.id, QemuCode.OptionsOrphaned.id]);
/** What QEMU says for the problem each error finding claims: a failure for another reason confirms nothing. */
const QEMU_SAYS: Record<string, RegExp> = {
  [QemuCode.RemovedOption.id]: /Invalid parameter '(vlan|name)'|does not accept value '(dump|channel)'|-(tftp|bootp|smb): invalid option/,
  [QemuCode.PciAssign.id]: /'pci-assign' is not a valid device model name/,
  [QemuCode.Redir.id]: /-redir: invalid option/,
  [QemuCode.HostfwdMalformed.id]: /host forwarding|Bad host|hostfwd/i,
  [QemuCode.NetdevIdDuplicate.id]: /Duplicate ID/,
  [QemuCode.NetdevIdMissing.id]: /Parameter 'id' is missing/,
  [QemuCode.NetdevNotFound.id]: /can't find value/,
  [QemuCode.MacMalformed.id]: /doesn't take value|mac/i,
  [QemuCode.FdNotOpen.id]: /\bfd\b|FD \d/i,
  [QemuCode.TapScriptMissing.id]: /network script .* failed/,
  [QemuCode.QuoteInValue.id]: /["']/,
};
/**
 * Failures of the network-only check that say nothing about the script here: options it leaves out (buses,
 * chardevs, fd sets), this sandbox (addresses), or libvirt writing for a newer QEMU than the one installed.
 */
const NOT_JUDGED = /Bus '.*' not found|No '.*' bus found|chardev ".*" not found|Could not dup FD|can't bind|Cannot assign requested address|Parameter '\w+' is unexpected/;
/** Programs the x86 parse check speaks for. */
const X86 = /^(?:qemu-system-(?:x86_64|i386)|qemu-kvm|kvm)$/;
const NET_OPTIONS = new Set(['-netdev', '-net', '-nic', '-redir', '-tftp', '-bootp', '-smb']);

interface Tally {
  confirmed: number;
  contradicted: number;
  unverified: number;
}
type Verdicts = Map<string, Tally>;
interface Problem {
  readonly file: string;
  readonly what: string;
}

/** The command's network options as QEMU gets them, or undefined when a value is only known at run time. */
function networkArgs(inv: QemuInvocation): string[] | undefined {
  const out: string[] = [];
  for (const o of inv.options) {
    const kind = optionKind(o);
    const net = NET_OPTIONS.has(o.name) || (o.name === '-device' && (isNicDriver(kind) || kind === 'pci-assign'));
    if (!net) continue;
    if (!o.valueWord || o.nameWord.dynamic.length > 0 || o.valueWord.dynamic.length > 0) return undefined;
    out.push(o.name, o.valueWord.value);
  }
  return out;
}

/** A PATH with only stubs: qemu does nothing, sudo runs its command, so bash reports option lines it runs as commands. */
const stubBin = path.join(tmpdir(), `kvmnet-realworld-bin-${process.pid}`);
mkdirSync(stubBin, { recursive: true });
for (const name of ['qemu-system-x86_64', 'qemu-system-i386', 'qemu-kvm', 'kvm', 'sudo']) {
  writeFileSync(path.join(stubBin, name), name === 'sudo' ? '#!/bin/sh\nexec "$@"\n' : '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(stubBin, name), 0o755);
}
after(() => rmSync(stubBin, { recursive: true, force: true }));

/** bash runs the lines from the QEMU command to the end of the orphaned line (stub qemu only): does it run an option as a command? */
function shellConfirms(text: string, inv: QemuInvocation, at: number): boolean {
  const orphan = parseLaunchScript(text).shell.commands.find((c) => c.start >= at);
  if (!orphan) return false;
  const from = text.lastIndexOf('\n', inv.command.start - 1) + 1;
  const r = spawnSync('bash', ['-c', text.slice(from, orphan.end)], { encoding: 'utf8', env: { PATH: stubBin } });
  return /: -[\w-]+: (command )?not found/.test(r.stderr);
}

function judge(name: string, text: string, netns: string, verdicts: Verdicts, problems: Problem[], notJudged: Problem[] = []): void {
  const lines = new LineIndex(text);
  const script = parseLaunchScript(text);
  const findings = lintLaunchScript(text, { fileName: path.join('/realworld', name), scriptFileKind: () => 'missing' });
  const tally = (code: string): Tally => verdicts.get(code) ?? verdicts.set(code, { confirmed: 0, contradicted: 0, unverified: 0 }).get(code)!;
  const syntax = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
  if (syntax.status !== 0 && !findings.some((f) => f.severity === 'error' && f.code === QemuCode.ShellSyntax.id)) problems.push({ file: name, what: `bash -n fails without an error finding: ${syntax.stderr.trim()}` });
  const errors = findings.filter((f) => f.severity === 'error');
  // Shell findings: bash runs the lines from the QEMU command before the finding to the orphaned line.
  for (const f of errors.filter((e) => SHELL_CODES.has(e.code))) {
    const at = lines.offsetAt(f.range.start);
    const inv = [...script.invocations].reverse().find((i) => i.command.start < at);
    const t = tally(f.code);
    if (inv && shellConfirms(text, inv, at)) t.confirmed++;
    else {
      t.contradicted++;
      problems.push({ file: name, what: `${f.code} at line ${f.range.start.line + 1}: bash ran no option line as a command` });
    }
  }
  // QEMU findings: the parse check of the command's network options. A finding belongs to the command whose words
  // it sits on, the command line itself or an array it expands (an array may be filled far above the command).
  const attributed = new Set<Finding>();
  for (const inv of script.invocations) {
    const first = lines.positionAt(inv.command.start).line;
    const spans = [inv.command, ...inv.options.map((o) => o.span)];
    const mine = errors.filter((f) => {
      const at = lines.offsetAt(f.range.start);
      return !SHELL_CODES.has(f.code) && spans.some((sp) => sp.start <= at && at < sp.end);
    });
    for (const f of mine) attributed.add(f);
    const x86 = inv.program.dynamic.length > 0 || X86.test(path.basename(inv.program.value));
    const args = x86 ? networkArgs(inv) : undefined;
    const checked = args && args.length > 0 ? qemuAccepts(args, [], [], netns) : undefined;
    if (checked && !checked.ok && NOT_JUDGED.test(checked.stderr)) notJudged.push({ file: name, what: checked.stderr.trim().split('\n')[0]! });
    const qemu = checked && (checked.ok || !NOT_JUDGED.test(checked.stderr)) ? checked : undefined;
    for (const f of mine) {
      const t = tally(f.code);
      if (!qemu || (!qemu.ok && !QEMU_SAYS[f.code]?.test(qemu.stderr))) t.unverified++;
      else if (!qemu.ok) t.confirmed++;
      else {
        t.contradicted++;
        problems.push({ file: name, what: `${f.code} at line ${f.range.start.line + 1}: QEMU accepts ${args!.join(' ')}` });
      }
    }
    if (qemu && !qemu.ok && mine.length === 0) {
      tally('(missed)').contradicted++;
      problems.push({ file: name, what: `QEMU rejects the command at line ${first + 1} without an error finding: ${qemu.stderr.trim().split('\n')[0]}` });
    }
  }
  // Errors on options outside a command (arrays and variables: option fragments): QEMU judges the option alone
  // when its value is known here; anything else (eval'd text, values known at run time) is counted unverified.
  const fragmentOptions = script.fragments.flatMap((fr) => fr.options);
  for (const f of errors) {
    if (SHELL_CODES.has(f.code) || attributed.has(f)) continue;
    const at = lines.offsetAt(f.range.start);
    const o = fragmentOptions.find((x) => x.span.start <= at && at < x.span.end && x.valueWord && x.valueWord.dynamic.length === 0);
    const checked = o ? qemuAccepts([o.name, o.valueWord!.value], [], [], netns) : undefined;
    const t = tally(f.code);
    if (!checked || (!checked.ok && !QEMU_SAYS[f.code]?.test(checked.stderr))) t.unverified++;
    else if (!checked.ok) t.confirmed++;
    else {
      t.contradicted++;
      problems.push({ file: name, what: `${f.code} at line ${f.range.start.line + 1}: QEMU accepts ${o!.name} ${o!.valueWord!.value}` });
    }
  }
  judgeWarnings(name, lines, script, findings, netns, verdicts, problems);
}

/** Warnings QEMU prints itself: each finding is judged by QEMU's own warning for its option. */
const WARNING_CODES = new Set<string>([QemuCode.ShortFormBoolean.id]);
const QEMU_OPTS_OPTION = /^-(?:netdev|net|nic|device|chardev|object)$/;
/** An item after the first that has no '=': a short form QEMU may warn about. */
const BARE_ITEM = /,[a-z][\w.-]*(?=,|$)/;

/**
 * One QEMU parse of the file's options that have a bare item (warnings come while the command line is read, before
 * any backend is made, so one run hears them all); QEMU prefixes each warning with the option it is about.
 */
function judgeWarnings(name: string, lines: LineIndex, script: LaunchScript, all: readonly Finding[], netns: string, verdicts: Verdicts, problems: Problem[]): void {
  const findings = all.filter((f) => WARNING_CODES.has(f.code));
  const tally = (code: string): Tally => verdicts.get(code) ?? verdicts.set(code, { confirmed: 0, contradicted: 0, unverified: 0 }).get(code)!;
  const options = [...script.invocations.flatMap((i) => i.options), ...script.fragments.flatMap((fr) => fr.options)].filter(
    (o) => QEMU_OPTS_OPTION.test(o.name) && o.valueWord !== undefined && o.valueWord.dynamic.length === 0 && o.nameWord.dynamic.length === 0,
  );
  const keyOf = (message: string) => /^QEMU reads '([^']+)'/.exec(message)?.[1];
  const within = (o: (typeof options)[number]) => findings.filter((f) => o.span.start <= lines.offsetAt(f.range.start) && lines.offsetAt(f.range.start) < o.span.end);
  const candidates = options.filter((o) => BARE_ITEM.test(o.valueWord!.value) || within(o).length > 0);
  // A chardev server without wait= would wait for its client before QMP quits it: wait=off added (not a short form).
  const asRun = (o: (typeof options)[number]): string => {
    const v = o.valueWord!.value;
    return o.name === '-chardev' && /(?:^|,)server(?:=on)?(?:,|$)/.test(v) && !/(?:^|,)(?:no)?wait(?:[=,]|$)/.test(v) ? `${v},wait=off` : v;
  };
  const checked = candidates.length > 0 ? qemuAccepts(candidates.flatMap((o) => [o.name, asRun(o)]), [], [], netns) : undefined;
  const ran = checked !== undefined && !/^Error: spawnSync|ETIMEDOUT/m.test(checked.stderr);
  const warned = (o: (typeof options)[number]): string[] => {
    const prefix = `${o.name} ${asRun(o)}: warning: short-form boolean option '`;
    return checked!.stderr.split('\n').flatMap((l) => {
      const i = l.indexOf(prefix);
      return i < 0 ? [] : [l.slice(i + prefix.length).split("'")[0]!];
    });
  };
  const judgedFindings = new Set<Finding>();
  for (const o of candidates) {
    const mine = within(o);
    for (const f of mine) judgedFindings.add(f);
    if (!ran) {
      for (const f of mine) tally(f.code).unverified++;
      continue;
    }
    const said = warned(o);
    for (const f of mine) {
      const key = keyOf(f.message);
      if (key !== undefined && said.includes(key)) tally(f.code).confirmed++;
      else {
        tally(f.code).contradicted++;
        problems.push({ file: name, what: `${f.code} at line ${f.range.start.line + 1}: QEMU does not warn about '${key}' in ${o.name} ${o.valueWord!.value}` });
      }
    }
    const found = mine.map((f) => keyOf(f.message));
    for (const key of said.filter((k) => !found.includes(k))) {
      tally('(missed warning)').contradicted++;
      problems.push({ file: name, what: `QEMU warns about the short form '${key}' in ${o.name} ${o.valueWord!.value} without a finding` });
    }
  }
  for (const f of findings) if (!judgedFindings.has(f)) tally(f.code).unverified++; // on an option whose value is known only at run time
}

function report(title: string, verdicts: Verdicts): void {
  const rows = [...verdicts].sort(([a], [b]) => a.localeCompare(b));
  const lines = rows.map(([code, t]) => {
    const judged = t.confirmed + t.contradicted;
    const precision = code.startsWith('(missed') ? '-' : judged === 0 ? 'n/a' : `${((100 * t.confirmed) / judged).toFixed(0)}%`;
    return `  ${code.padEnd(32)} confirmed ${t.confirmed}  contradicted ${t.contradicted}  unverified ${t.unverified}  precision ${precision}`;
  });
  const errorRows = rows.filter(([c]) => c !== '(missed)' && c !== '(missed warning)' && !WARNING_CODES.has(c));
  const tp = errorRows.reduce((n, [, t]) => n + t.confirmed, 0);
  const fp = errorRows.reduce((n, [, t]) => n + t.contradicted, 0);
  const fn = verdicts.get('(missed)')?.contradicted ?? 0;
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(0)}%`);
  process.stdout.write(`${title}: error findings precision ${pct(tp, tp + fp)} (${tp}/${tp + fp}), recall ${pct(tp, tp + fn)} (${tp}/${tp + fn})\n${lines.join('\n')}\n`);
}

describe('real-world launch scripts agree with QEMU and the shell', () => {
  const box = useQemuSandbox('realworld');
  const provenance = readFileSync(path.join(realworld, 'PROVENANCE.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const files = readdirSync(path.join(realworld, 'qemu')).map((f) => `qemu/${f}`);

  test('every file has its source, commit and a licence that allows redistribution', () => {
    assert.deepEqual(files.filter((f) => !provenance.some((p) => p[0] === f)), [], 'files without a PROVENANCE.tsv row');
    for (const [file, repo, original, commit, licence] of provenance) {
      assert.ok(existsSync(path.join(realworld, file!)), `${file} listed but missing`);
      assert.match(repo!, /^[\w.-]+\/[\w.-]+$/);
      assert.ok(original && /^[0-9a-f]{40}$/.test(commit!), `${file}: path and commit`);
      assert.ok(REDISTRIBUTABLE.has(licence!), `${file}: licence ${licence}`);
    }
  });

  test('the project set: no error finding the real tools contradict, no real-tool failure without one', () => {
    const verdicts: Verdicts = new Map();
    const problems: Problem[] = [];
    for (const f of files) judge(f, readFileSync(path.join(realworld, f), 'utf8'), box.ns.name, verdicts, problems);
    report(`test/realworld (${files.length} scripts)`, verdicts);
    assert.deepEqual(problems, []);
  });

  test('the shared corpus .args command lines (printed)', { skip: !existsSync(corpusArgs) && 'no ../shared/corpus' }, () => {
    const verdicts: Verdicts = new Map();
    const problems: Problem[] = [];
    const args = readdirSync(corpusArgs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.args'));
    const notJudged: Problem[] = [];
    for (const f of args) judge(f, readFileSync(path.join(corpusArgs, f), 'utf8'), box.ns.name, verdicts, problems, notJudged);
    report(`../shared/corpus libvirt .args (${args.length} command lines, ${notJudged.length} not judged: sandbox or newer QEMU)`, verdicts);
    for (const p of problems.slice(0, 15)) process.stdout.write(`  ${p.file}: ${p.what}\n`);
  });
});
