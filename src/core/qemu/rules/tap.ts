import path from 'node:path';
import { optionKind, prop, type QemuInvocation } from '../model';
import type { RuleContext } from './context';

/** What a tap backend needs before QEMU starts: its script=/downscript= files and the descriptors fd= names. */
export function checkTap(c: RuleContext, inv: QemuInvocation, baseDir: string | undefined, exists: (p: string) => boolean): void {
  for (const o of inv.options) {
    if (!['-netdev', '-net', '-nic'].includes(o.name) || optionKind(o) !== 'tap') continue;
    for (const key of ['script', 'downscript']) {
      const p = prop(o, key);
      if (!p || p.dynamic || p.value === '' || p.value === 'no') continue;
      const abs = path.isAbsolute(p.value) ? p.value : baseDir ? path.resolve(baseDir, p.value) : undefined;
      if (abs !== undefined && !exists(abs)) {
        c.report('TapScriptMissing', 'error', p.valueRange, `${key}=${p.value}: no such file${path.isAbsolute(p.value) ? '' : ` (relative to the script's folder; QEMU resolves it from its working directory)`}; QEMU fails to set up the tap (network script … failed).`);
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
