import { isMulticastMac, isValidMac, QEMU_DEFAULT_MAC } from '../../mac';
import type { RuleFix } from '../../rulekit';
import { appendProp, usedNames } from '../edit';
import { stableMac } from '../../util/stableMac';
import { isNicDriver, optionKind, prop, type LaunchScript, type QemuOption, type QemuProp } from '../model';
import { guestNics, macKey, nicAnchor, type GuestNic } from '../nics';
import { exclusive } from '../shell';
import type { RuleContext } from './context';

/** The MAC-bearing prop of a NIC option: -device NIC,mac= / -nic …,mac= / -net nic,macaddr=. */
export function macProp(o: QemuOption): QemuProp | undefined {
  if (o.name === '-device' && isNicDriver(optionKind(o))) return prop(o, 'mac');
  if (o.name === '-nic') return prop(o, 'mac');
  if (o.name === '-net' && optionKind(o) === 'nic') return prop(o, 'macaddr');
  return undefined;
}

/** Explicit MACs of one script (malformed, multicast, QEMU's default, duplicated), then the implicit ones. */
export function checkMacs(c: RuleContext, script: LaunchScript, scriptPath: string): void {
  const seen = new Map<string, QemuProp>();
  const taken = usedNames(script).macs;
  const fresh = (key: string): string => {
    const mac = stableMac(scriptPath, key, taken);
    taken.add(mac);
    return mac;
  };
  for (const inv of [...script.invocations, ...script.fragments]) {
    for (const o of inv.options) {
      const p = macProp(o);
      if (!p || p.dynamic) continue;
      const id = prop(o, 'netdev')?.value ?? prop(o, 'id')?.value ?? `nic@${p.range.start}`;
      const fix = (title: string): RuleFix[] => [{ title, edits: [c.edit(p.valueRange, fresh(id))], isPreferred: true }];
      if (!isValidMac(p.value)) {
        c.report('MacMalformed', 'error', p.valueRange, `QEMU rejects MAC '${p.value}': expected six colon-separated hex octets such as 52:54:00:12:ab:cd.`, fix('Use a generated MAC'));
        continue;
      }
      const lower = p.value.toLowerCase();
      if (isMulticastMac(lower)) {
        c.report('MacMulticast', 'warning', p.valueRange, `MAC '${p.value}' is multicast (low bit of the first octet set); a NIC needs a unicast address.`, fix('Use a generated unicast MAC'));
      } else if (lower === QEMU_DEFAULT_MAC) {
        // A hint only: one guest with it is fine; the workspace check (../workspace) warns when another script has it too.
        c.report('MacQemuDefault', 'hint', p.valueRange, `${QEMU_DEFAULT_MAC} is QEMU's default MAC: every guest without a MAC gets it, so two such guests on one network collide.`, fix('Use a generated MAC'));
      }
      const before = seen.get(lower);
      if (before && exclusive(script.shell, before.range.start, p.range.start)) continue;
      if (before) c.report('MacDuplicate', 'warning', p.valueRange, `MAC '${p.value}' is already used by another NIC in this script.`, fix('Use a generated MAC'));
      else seen.set(lower, p);
    }
  }
  checkImplicitMacs(c, script, fresh);
}

/** The message of an implicit-MAC finding (per file and workspace). */
function implicitMacMessage(nic: GuestNic): string {
  return `This NIC has no ${macKey(nic)}=, so QEMU gives it its default MAC ${nic.mac}: every VM started without a MAC gets the same one, and two such guests on one bridge or LAN collide (ARP, DHCP). Give it its own MAC.`;
}

/** NICs on a shared network relying on QEMU's default MAC; a warning when another invocation of the script gets the same. */
function checkImplicitMacs(c: RuleContext, script: LaunchScript, fresh: (key: string) => string): void {
  const perInv = script.invocations.map(guestNics);
  // Which invocations have a NIC on a shared network with each MAC: one pass, not a scan of all NICs per NIC.
  const invsByMac = new Map<string, Set<number>>();
  perInv.forEach((nics, k) => {
    for (const n of nics) if (n.shared === true && n.mac !== undefined) invsByMac.set(n.mac, (invsByMac.get(n.mac) ?? new Set()).add(k));
  });
  perInv.forEach((nics, k) => {
    for (const nic of nics) {
      if (!nic.implicit || nic.shared !== true) continue;
      const invs = invsByMac.get(nic.mac!)!;
      // Commands in different alternatives of an if/case never run together.
      const at = script.invocations[k]!.command.start;
      const clash = [...invs].some((j) => j !== k && !exclusive(script.shell, at, script.invocations[j]!.command.start));
      const item = `${macKey(nic)}=${fresh(nic.key)}`;
      c.report('MacImplicit', clash ? 'warning' : 'info', nicAnchor(nic), clash ? `${implicitMacMessage(nic)} Another QEMU command of this script gets ${nic.mac} too.` : implicitMacMessage(nic), [
        { title: `Add ${item}`, edits: [appendProp(nic.option, item)], isPreferred: true },
      ]);
    }
  });
}
