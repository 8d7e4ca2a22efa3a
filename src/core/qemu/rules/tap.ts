import path from 'node:path';
import { optionKind, prop, type LaunchScript, type QemuInvocation } from '../model';
import type { ShellWord } from '../shell';
import type { RuleContext } from './context';

/** What is at a helper script's path on this machine. */
export type ScriptFileKind = 'executable' | 'not-executable' | 'directory' | 'missing';

/** Redirection operators that create their target file. */
const CREATING_OPS = new Set(['>', '>>', '>|', '&>', '&>>']);

/**
 * Files the script writes before `before`: redirection targets (`cat > P <<EOF`, `(set -C; cat > P)`), the
 * destination of install/cp/mv/ln and the files of touch/tee. Literal paths only, resolved like script=.
 */
export function filesCreatedBefore(script: LaunchScript, before: number, resolve: (p: string) => string | undefined): Set<string> {
  const out = new Set<string>();
  const add = (w: ShellWord | undefined): void => {
    if (!w || w.dynamic.length > 0 || w.value === '') return;
    const abs = resolve(w.value);
    if (abs !== undefined) out.add(abs);
  };
  for (const cmd of script.shell.commands) {
    if (cmd.start >= before) break;
    for (const r of cmd.redirects) if (CREATING_OPS.has(r.op)) add(r.target);
    const name = cmd.words[0] && cmd.words[0].dynamic.length === 0 ? path.basename(cmd.words[0].value) : '';
    const args = cmd.words.slice(1).filter((w) => !w.value.startsWith('-'));
    if (['install', 'cp', 'mv', 'ln'].includes(name) && args.length >= 2) add(args[args.length - 1]);
    else if (name === 'touch' || name === 'tee') args.forEach(add);
  }
  return out;
}

/**
 * What a tap backend needs before QEMU starts: its script=/downscript= files and the descriptors fd= names.
 * A missing script= is a warning (the machine that runs the script may have it; QEMU fails where it does not),
 * an error only when what is here would make QEMU fail (not executable, a directory). downscript= runs when
 * the guest stops, so QEMU starts without it: a warning at most. Files the script creates first count as there.
 */
export function checkTap(c: RuleContext, script: LaunchScript, inv: QemuInvocation, baseDir: string | undefined, kindOf: (p: string) => ScriptFileKind): void {
  const resolve = (p: string): string | undefined => (path.isAbsolute(p) ? path.normalize(p) : baseDir ? path.resolve(baseDir, p) : undefined);
  let created: Set<string> | undefined;
  for (const o of inv.options) {
    if (!['-netdev', '-net', '-nic'].includes(o.name) || optionKind(o) !== 'tap') continue;
    for (const key of ['script', 'downscript'] as const) {
      const p = prop(o, key);
      if (!p || p.dynamic || p.value === '' || p.value === 'no') continue;
      const abs = resolve(p.value);
      if (abs === undefined) continue;
      created ??= filesCreatedBefore(script, inv.command.start, resolve);
      if (created.has(abs)) continue;
      const kind = kindOf(abs);
      if (kind === 'executable') continue;
      const where = path.isAbsolute(p.value) ? `looked for ${abs} on this machine` : `looked for ${abs}, beside the launch script; QEMU resolves it from its working directory`;
      const when = key === 'script' ? 'QEMU fails to start the tap' : 'QEMU starts, but cannot run it when the guest stops, so the tap is left as it was';
      if (kind === 'missing') {
        c.report('TapScriptMissing', 'warning', p.valueRange, `${key}=${p.value}: no such file (${where}). Where it is missing, ${when} (network script ${p.value} failed).`);
      } else {
        const what = kind === 'directory' ? 'is a directory' : 'is not executable';
        c.report('TapScriptMissing', key === 'script' ? 'error' : 'warning', p.valueRange, `${key}=${p.value} ${what}: ${when} (network script ${p.value} failed with status 256).${kind === 'directory' ? '' : ` Make it executable: chmod +x ${abs}`}`);
      }
    }
    for (const key of ['fd', 'fds', 'vhostfd', 'vhostfds']) {
      const p = prop(o, key);
      if (!p || p.dynamic) continue;
      for (const fd of p.value.split(':')) {
        if (/^\d+$/.test(fd) && Number(fd) > 2 && !inv.openFds.has(Number(fd))) {
          c.report('FdNotOpen', 'error', p.valueRange, `${key}=${fd} but nothing opens file descriptor ${fd} for QEMU: add ${fd}<>/dev/tapN to the command (or an earlier 'exec ${fd}<>…'); QEMU fails otherwise.`);
        }
      }
    }
  }
}
