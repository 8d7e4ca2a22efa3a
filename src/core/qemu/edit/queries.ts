import { optionKind, prop, type LaunchScript, type QemuInvocation, type QemuOption } from '../model';

/** Queries over a parsed launch script: its network devices and the names and MACs already taken. */

export function netdevOptions(inv: QemuInvocation): QemuOption[] {
  return inv.options.filter((o) => o.name === '-netdev');
}

/** Every id, name, netdev reference and MAC the script uses (outside the `except` options), so new ones stay unique. */
export function usedNames(script: LaunchScript, except?: ReadonlySet<QemuOption>): { ids: Set<string>; macs: Set<string> } {
  const ids = new Set<string>();
  const macs = new Set<string>();
  for (const inv of script.invocations) {
    for (const o of inv.options) {
      if (except?.has(o)) continue;
      for (const p of o.props) {
        // A netdev= reference counts too: a new -netdev must not adopt a -device that names a missing one.
        if (p.key === 'id' || (o.name === '-net' && p.key === 'name') || (o.name === '-device' && p.key === 'netdev')) ids.add(p.value);
        if (p.key === 'mac' || p.key === 'macaddr') macs.add(p.value.toLowerCase());
      }
    }
  }
  return { ids, macs };
}

/** The one-line label and the spans of one network device of an invocation (for pick lists and removal). */
export interface NetworkDevice {
  readonly label: string;
  readonly kind: 'netdev' | 'nic' | 'legacy' | 'vfio';
  readonly key: string;
  readonly options: readonly QemuOption[];
}

export function listNetworkDevices(inv: QemuInvocation): NetworkDevice[] {
  const out: NetworkDevice[] = [];
  const devices = inv.options.filter((o) => o.name === '-device');
  for (const nd of netdevOptions(inv)) {
    const id = prop(nd, 'id')?.value;
    const users = id ? devices.filter((d) => prop(d, 'netdev')?.value === id) : [];
    const models = users.map((d) => optionKind(d)).join(', ');
    out.push({ label: `${optionKind(nd) ?? '?'} ${id ?? '(no id)'}${models ? ` → ${models}` : ''}`, kind: 'netdev', key: `netdev:${id}`, options: [nd, ...users] });
  }
  // Keys name the content, not the position, so removing by key twice removes nothing the second time.
  for (const o of inv.options) {
    const value = o.valueWord?.value ?? '';
    if (o.name === '-nic') out.push({ label: `-nic ${value}`, kind: 'nic', key: `nic:${value}`, options: [o] });
    if (o.name === '-net') out.push({ label: `-net ${value} (legacy)`, kind: 'legacy', key: `net:${value}`, options: [o] });
    if (o.name === '-device' && /^(?:vfio-pci|pci-assign)$/.test(optionKind(o) ?? '')) {
      out.push({ label: `${optionKind(o)} ${prop(o, 'host')?.value ?? ''}`, kind: 'vfio', key: `vfio:${value}`, options: [o] });
    }
  }
  return out;
}

/**
 * The user-mode backends of an invocation a port forward can go to (-netdev, -nic and -net user), each source
 * option once: an array expanded twice into the command yields the same option twice, and editing either is the
 * same edit.
 */
export function userNetworks(inv: QemuInvocation): QemuOption[] {
  const seen = new Set<number>();
  return inv.options.filter((o) => {
    if (!(o.name === '-netdev' || o.name === '-nic' || o.name === '-net') || optionKind(o) !== 'user' || !o.valueWord || seen.has(o.span.start)) return false;
    seen.add(o.span.start);
    return true;
  });
}
