import { appendArgs } from '../edit';
import { stableMac } from '../../util/stableMac';
import { optionKind, prop, type QemuInvocation, type QemuProp } from '../model';
import { exclusive, type ShellScript } from '../shell';
import type { RuleContext } from './context';

/**
 * -netdev ids and the -device …,netdev= references to them, as QEMU resolves them within one command. Two
 * -netdev from different alternatives of an `if`/`case` (array elements added per branch) never meet.
 */
export function checkIds(c: RuleContext, shell: ShellScript, inv: QemuInvocation, scriptPath: string, macs: Set<string>): void {
  const seen = new Map<string, QemuProp>();
  const others = new Map<string, QemuProp[]>();
  const netdevs = inv.options.filter((o) => o.name === '-netdev');
  for (const nd of netdevs) {
    const id = prop(nd, 'id');
    if (!id) {
      c.report('NetdevIdMissing', 'error', nd.span, "QEMU rejects -netdev without id= (Parameter 'id' is missing).");
      continue;
    }
    if (id.dynamic) continue;
    const earlier = [seen.get(id.value), ...(others.get(id.value) ?? [])].filter((p): p is QemuProp => p !== undefined);
    if (earlier.length > 0 && earlier.every((p) => exclusive(shell, p.range.start, id.range.start))) {
      others.set(id.value, [...(others.get(id.value) ?? []), id]);
    } else if (seen.has(id.value)) c.report('NetdevIdDuplicate', 'error', id.valueRange, `QEMU rejects a second -netdev with id '${id.value}' (Duplicate ID).`);
    else seen.set(id.value, id);
  }
  const devices = inv.options.filter((o) => o.name === '-device');
  const usedIds = new Set<string>();
  for (const d of devices) {
    const ref = prop(d, 'netdev');
    if (!ref) continue;
    usedIds.add(ref.value);
    if (!ref.dynamic && !seen.has(ref.value) && netdevs.every((n) => !prop(n, 'id')?.dynamic)) {
      c.report('NetdevNotFound', 'error', ref.valueRange, `QEMU rejects netdev=${ref.value}: there is no -netdev …,id=${ref.value} (can't find value).`);
    }
  }
  const anyDynamicRef = devices.some((d) => prop(d, 'netdev')?.dynamic) || inv.args.some((w) => w.dynamic.length > 0 && !w.viaArray && w.param);
  if (anyDynamicRef) return;
  for (const [id, p] of seen) {
    if (usedIds.has(id)) continue;
    const nd = netdevs.find((n) => prop(n, 'id') === p)!;
    const mac = stableMac(scriptPath, id, macs);
    macs.add(mac);
    const add = appendArgs(c.text, inv, ['-device', `virtio-net-pci,netdev=${id},mac=${mac}`]);
    c.report('NetdevUnused', 'warning', p.valueRange, `-netdev ${optionKind(nd) ?? ''} id=${id} is not used by any -device …,netdev=${id}: the guest gets no NIC for it.`, [
      { title: `Add -device virtio-net-pci,netdev=${id}`, edits: [add], isPreferred: true },
    ]);
  }
}
