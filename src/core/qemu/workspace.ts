import type { Finding } from '../findings';
import { isValidMac, macsSharedAcrossFiles, QEMU_DEFAULT_MAC } from '../mac';
import type { RuleFix } from '../rulekit';
import { appendProp, usedNames } from './edit';
import { stableMac } from '../util/stableMac';
import { prop, type LaunchScript } from './model';
import { guestNics, macKey, nicAnchor, type GuestNic } from './nics';
import { RuleContext } from './rules/context';
import { macProp } from './rules/mac';
import type { Span } from './shell';

/** One launch script of a workspace: its name (as shown to the user), text and parsed model. */
export interface ScriptFile {
  readonly file: string;
  readonly text: string;
  readonly script: LaunchScript;
  /** The script's path, which seeds generated MACs as in the per-file lint (default: `file`). */
  readonly path?: string;
}

interface MacUse {
  readonly mac: string;
  readonly span: Span;
  /** Names the NIC for a stable generated MAC, as the per-file lint does (netdev or id, else its position). */
  readonly key: string;
  /** Set for a NIC without mac= that QEMU gives a default MAC. */
  readonly implicit?: GuestNic;
}

/** Explicit MACs of every NIC, and the default MACs QEMU gives NICs on shared networks (tap, bridge …) without one. */
function macUses(script: LaunchScript): MacUse[] {
  const out: MacUse[] = [];
  for (const inv of script.invocations) {
    for (const o of inv.options) {
      const p = macProp(o);
      if (p && !p.dynamic && isValidMac(p.value)) {
        const key = prop(o, 'netdev')?.value ?? prop(o, 'id')?.value ?? `nic@${p.range.start}`;
        out.push({ mac: p.value.toLowerCase(), span: p.valueRange, key });
      }
    }
    // User-mode NICs are private to their VM: their default MAC collides with nobody.
    for (const nic of guestNics(inv)) if (nic.implicit && nic.shared === true && nic.mac) out.push({ mac: nic.mac, span: nicAnchor(nic), key: nic.key, implicit: nic });
  }
  return out;
}

function message(u: MacUse, others: readonly string[]): string {
  const them = `${others.join(', ')} use${others.length === 1 ? 's' : ''} it too`;
  if (u.implicit) return `This NIC has no ${macKey(u.implicit)}=, so QEMU gives it its default MAC ${u.mac}, and ${them}: their guests collide on a shared network. Give each guest its own MAC.`;
  if (u.mac === QEMU_DEFAULT_MAC) return `${u.mac} is QEMU's default MAC and ${them}: their guests collide on a shared network. Give each guest its own MAC.`;
  return `${u.mac} is also used in ${others.join(', ')}: guests with the same MAC on one network break ARP and DHCP.`;
}

/**
 * MACs shared between launch scripts (two guests with one MAC on a network break ARP/DHCP): for each file, a
 * warning on every MAC another file also uses — QEMU's default MACs (explicit 52:54:00:12:34:56, or the default
 * a NIC on a shared network gets without mac=) as MacQemuDefault, others as MacDuplicateWorkspace. Each gets a fix
 * with a generated MAC (stable for the script and NIC, used nowhere in the workspace nor by another fix): a NIC
 * without mac= gets one added, an explicit MAC is replaced. Duplicates inside one script are lintLaunchScript's job. Keys are
 * the `file` values.
 */
export function duplicateMacsAcrossScripts(files: readonly ScriptFile[]): Map<string, Finding[]> {
  const { shared, taken } = macsSharedAcrossFiles(files.map((f) => ({ file: f.file, uses: macUses(f.script) })));
  const out = new Map<string, Finding[]>();
  for (const f of files) {
    let c: RuleContext | undefined;
    for (const { use: u, others } of shared.get(f.file)!) {
      if (!c) for (const m of usedNames(f.script).macs) taken.add(m); // dynamic or malformed ones too
      c ??= new RuleContext(f.text);
      const mac = stableMac(f.path ?? f.file, u.key, taken);
      taken.add(mac);
      let fix: RuleFix;
      if (u.implicit) {
        const item = `${macKey(u.implicit)}=${mac}`;
        fix = { title: `Add ${item}`, edits: [appendProp(u.implicit.option, item)], isPreferred: true };
      } else {
        fix = { title: `Use a generated MAC (${mac})`, edits: [c.edit(u.span, mac)], isPreferred: true };
      }
      c.report(u.implicit || u.mac === QEMU_DEFAULT_MAC ? 'MacQemuDefault' : 'MacDuplicateWorkspace', 'warning', u.span, message(u, others), [fix]);
    }
    out.set(f.file, c?.findings ?? []);
  }
  return out;
}
