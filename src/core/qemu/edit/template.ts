import type { syntax } from 'mvdan-sh';
import { sh } from '../shParser';
import { byteToUtf16 } from '../shell';
import { shellQuote } from '../../util/shellQuote';
import { isBlank, lineIndent, optionGroups, type OffsetEdit } from './primitives';

/** The launch-script template "Add network device" writes into a file without a QEMU invocation. */

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
export function templateEdit(text: string, g: { args: readonly string[]; redirects: readonly string[]; prelude: readonly string[] }): OffsetEdit {
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
