import { checkHostfwd } from '../generate';
import type { OptionList } from '../model';
import type { RuleContext } from './context';

/** The rule QEMU accepts for two common slips: a missing host address field, or ':' where '-' belongs. */
function hostfwdFix(rule: string): string | undefined {
  const noAddr = /^(tcp|udp)?:(\d+)-([\d.]*):(\d+)$/.exec(rule);
  if (noAddr) return `${noAddr[1] ?? ''}::${noAddr[2]}-${noAddr[3]}:${noAddr[4]}`;
  const colon = /^(tcp|udp)?:([\d.]*):(\d+):([\d.]*:)?(\d+)$/.exec(rule);
  if (colon) return `${colon[1] ?? ''}:${colon[2]}:${colon[3]}-${colon[4] ?? ':'}${colon[5]}`;
  return undefined;
}

export function checkHostfwds(c: RuleContext, inv: OptionList): void {
  for (const o of inv.options) {
    if (!['-netdev', '-nic', '-net'].includes(o.name)) continue;
    for (const p of o.props) {
      if (p.key !== 'hostfwd' || p.dynamic) continue;
      const why = checkHostfwd(p.value);
      if (!why) continue;
      const fixed = hostfwdFix(p.value);
      c.report('HostfwdMalformed', 'error', p.valueRange, `QEMU rejects host forwarding rule '${p.value}' (${why}); the form is [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, e.g. tcp::5555-:22.`,
        fixed && !checkHostfwd(fixed) ? [{ title: `Change to ${fixed}`, edits: [c.edit(p.valueRange, fixed)], isPreferred: true }] : undefined);
    }
  }
}
