import type { Finding } from '../findings';
import { LineIndex } from '../text';
import { QemuCode } from './codes';
import { isValidMac, QEMU_DEFAULT_MAC } from '../mac';
import { macProp } from './lint';
import type { LaunchScript } from './model';
import type { Span } from './shell';

/** One launch script of a workspace: its name (as shown to the user), text and parsed model. */
export interface ScriptFile {
  readonly file: string;
  readonly text: string;
  readonly script: LaunchScript;
}

interface MacUse {
  readonly mac: string;
  readonly span: Span;
}

function explicitMacs(script: LaunchScript): MacUse[] {
  const out: MacUse[] = [];
  for (const inv of script.invocations) {
    for (const o of inv.options) {
      const p = macProp(o);
      if (p && !p.dynamic && isValidMac(p.value)) out.push({ mac: p.value.toLowerCase(), span: p.valueRange });
    }
  }
  return out;
}

/**
 * MACs shared between launch scripts (two guests with one MAC on a network break ARP/DHCP): for each file, a
 * warning on every MAC another file also uses — QEMU's default MAC as MacQemuDefault, others as
 * MacDuplicateWorkspace. Duplicates inside one script are lintLaunchScript's job. Keys are the `file` values.
 */
export function duplicateMacsAcrossScripts(files: readonly ScriptFile[]): Map<string, Finding[]> {
  const uses = files.map((f) => ({ f, macs: explicitMacs(f.script) }));
  const owners = new Map<string, Set<string>>();
  for (const { f, macs } of uses) for (const u of macs) (owners.get(u.mac) ?? owners.set(u.mac, new Set()).get(u.mac)!).add(f.file);
  const out = new Map<string, Finding[]>();
  for (const { f, macs } of uses) {
    const findings: Finding[] = [];
    let index: LineIndex | undefined;
    for (const u of macs) {
      const others = [...owners.get(u.mac)!].filter((o) => o !== f.file);
      if (others.length === 0) continue;
      index ??= new LineIndex(f.text);
      const isDefault = u.mac === QEMU_DEFAULT_MAC;
      findings.push({
        range: index.rangeOf(u.span.start, u.span.end),
        severity: 'warning',
        code: (isDefault ? QemuCode.MacQemuDefault : QemuCode.MacDuplicateWorkspace).id,
        message: isDefault
          ? `${u.mac} is QEMU's default MAC and ${others.join(', ')} use${others.length === 1 ? 's' : ''} it too: their guests collide on a shared network. Give each guest its own MAC.`
          : `${u.mac} is also used in ${others.join(', ')}: guests with the same MAC on one network break ARP and DHCP.`,
        source: 'kvmnet-qemu',
      });
    }
    out.set(f.file, findings);
  }
  return out;
}
