import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../findings';
import { usedNames } from './edit';
import { jsonValued, parseLaunchScript, type LaunchScript } from './model';
import { LineIndex, type Position, type TextRange } from '../text';
import { QemuCode } from './codes';
import { RuleContext } from './rules/context';
import { checkCommandBoundaries } from './rules/boundaries';
import { checkHostfwds } from './rules/hostfwd';
import { checkQuotesInValues } from './rules/quotes';
import { checkLegacy, checkRemoved, checkVlan } from './rules/legacy';
import { checkMacs } from './rules/mac';
import { checkIds } from './rules/netdev';
import { checkVhostAndModels } from './rules/nic';
import { checkShortFormBooleans } from './rules/shortForm';
import { checkLineEndings, checkShellSyntax } from './rules/script';
import { checkTap, type ScriptFileKind } from './rules/tap';

export interface LaunchLintOptions {
  /** The script's path: relative script= files are resolved from its folder, and it seeds replacement MACs. */
  readonly fileName?: string;
  /** Injectable file check (tests, remote file systems): a file there counts as an executable script. */
  readonly fileExists?: (absolutePath: string) => boolean;
  /** Injectable look at a tap script's path; default: the local file system (or fileExists when given). */
  readonly scriptFileKind?: (absolutePath: string) => ScriptFileKind;
}

/** What is at a tap script's path on this machine (as the user QEMU would run as: the linting user). */
function localScriptFileKind(p: string): ScriptFileKind {
  let isDir: boolean;
  try {
    isDir = statSync(p).isDirectory();
  } catch {
    return 'missing';
  }
  if (isDir) return 'directory';
  try {
    accessSync(p, constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}

/** Lint of the QEMU network arguments in a shell launch script (one file per rule family in ./rules). Never throws. */
export function lintLaunchScript(text: string, options: LaunchLintOptions = {}): Finding[] {
  const script = parseLaunchScript(text);
  return [...lintScript(text, script, options), ...evalFindings(text, script, options)];
}

/**
 * `eval` with literal arguments runs the text they join to (with spaces) as a command line: that text is linted too,
 * its findings placed back on the source characters they came from. Their fixes are dropped: an edit of the
 * evaluated text would have to be re-quoted for the eval line. An eval of anything dynamic is not judged.
 */
function evalFindings(text: string, script: LaunchScript, options: LaunchLintOptions): Finding[] {
  const shell = script.shell;
  const out: Finding[] = [];
  let lines: LineIndex | undefined;
  for (const command of shell.commands) {
    const [first, ...rest] = command.words;
    if (first?.value !== 'eval' || first.dynamic.length > 0 || rest.length === 0 || rest.some((w) => w.dynamic.length > 0)) continue;
    const joined = rest.map((w) => w.value).join(' ');
    // Source offset of each character of the joined text (a joining space maps to the end of the word before it).
    const map = rest.flatMap((w, i) => [...w.map.slice(0, w.value.length), ...(i < rest.length - 1 ? [w.map[w.value.length]!] : [])]);
    map.push(rest[rest.length - 1]!.map[rest[rest.length - 1]!.value.length]!);
    const inner = new LineIndex(joined);
    for (const f of lintScript(joined, parseLaunchScript(joined), options)) {
      if (f.code === QemuCode.ShellSyntax.id) continue; // the eval line itself parsed: the joined text's syntax is the shell's business at run time
      const from = inner.offsetAt(f.range.start);
      const to = inner.offsetAt(f.range.end);
      const start = map[from]!;
      const end = to > from ? map[to - 1]! + 1 : start; // just after the last character (not past a closing quote)
      lines ??= new LineIndex(text);
      out.push({ ...f, range: lines.rangeOf(start, Math.max(start, end)), message: `${f.message} (in the text eval runs)`, fixes: [] });
    }
  }
  return out;
}

function lintScript(text: string, script: LaunchScript, options: LaunchLintOptions): Finding[] {
  const c = new RuleContext(text);
  checkShellSyntax(c, script);
  const scriptPath = options.fileName ?? 'launch-script';
  const baseDir = options.fileName ? path.dirname(options.fileName) : undefined;
  const fileExists = options.fileExists;
  const kindOf = options.scriptFileKind ?? (fileExists ? (p: string): ScriptFileKind => (fileExists(p) ? 'executable' : 'missing') : localScriptFileKind);
  const { ids, macs } = usedNames(script);
  for (const inv of script.invocations) {
    checkLegacy(c, script, inv, ids);
    checkRemoved(c, inv);
    checkQuotesInValues(c, inv);
    checkHostfwds(c, inv);
    checkIds(c, script.shell, inv, scriptPath, macs);
    checkVhostAndModels(c, inv);
    checkShortFormBooleans(c, inv);
    checkTap(c, script, inv, baseDir, kindOf);
  }
  // A sourced file of options (no QEMU command): each option on its own; ids and cross-references need the command.
  for (const fragment of script.fragments) {
    checkVlan(c, fragment);
    checkRemoved(c, fragment);
    checkQuotesInValues(c, fragment);
    checkHostfwds(c, fragment);
  }
  checkMacs(c, script, scriptPath);
  checkCommandBoundaries(c, script);
  if (script.invocations.length > 0) checkLineEndings(c);
  return withoutJsonEdits(c.findings, script, c.index);
}

/** Fixes are written for `key=value` lists: one that would edit inside a JSON option value is dropped. */
function withoutJsonEdits(findings: Finding[], script: LaunchScript, lines: LineIndex): Finding[] {
  const json = script.invocations.flatMap((inv) => inv.options.filter(jsonValued).map((o) => lines.rangeOf(o.valueWord!.start, o.valueWord!.end)));
  if (json.length === 0) return findings;
  const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);
  const touches = (r: TextRange): boolean => json.some((j) => !before(r.end, j.start) && !before(j.end, r.start));
  return findings.map((f) => (f.fixes?.some((x) => x.edits.some((e) => touches(e.range))) ? { ...f, fixes: [] } : f));
}
