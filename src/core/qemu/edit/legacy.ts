import { uniqueId } from '../generate';
import { optionKind, prop, type LaunchScript, type QemuInvocation, type QemuOption } from '../model';
import { removeSpan, type OffsetEdit } from './primitives';
import { usedNames } from './queries';
import { joinItems, lit, propSegs, quoteSegs, segsOf, type Seg } from './words';

/** Legacy -net conversion (used by the linter's quick fix and the "Convert legacy -net" command). */

const LEGACY_MODEL_TO_DRIVER: Record<string, string> = { virtio: 'virtio-net-pci' };

/** Converts the -net groups of one invocation that pair exactly one NIC with one backend; undefined if none can be. */
export function convertLegacyEdits(
  text: string,
  script: LaunchScript,
  inv: QemuInvocation,
  /** Ids in use; new ids are added to it (the linter shares one set across invocations). */
  taken: Set<string> = usedNames(script).ids,
): OffsetEdit[] | undefined {
  const nets = inv.options.filter((o) => o.name === '-net' && o.valueWord);
  const groups = new Map<string, QemuOption[]>();
  for (const o of nets) {
    const kind = optionKind(o);
    if (kind === 'none') continue;
    const vlan = prop(o, 'vlan')?.value ?? '0';
    groups.set(vlan, [...(groups.get(vlan) ?? []), o]);
  }
  const edits: OffsetEdit[] = [];
  for (const group of groups.values()) {
    const nics = group.filter((o) => optionKind(o) === 'nic');
    const backends = group.filter((o) => optionKind(o) !== 'nic');
    // One hub with n NICs and n backends: old guides meant them as pairs, in order (nic, backend, nic, backend …).
    if (nics.length === 0 || nics.length !== backends.length) continue;
    nics.forEach((nic, k) => edits.push(...convertPair(text, nic, backends[k]!, taken)));
  }
  return edits.length > 0 ? edits : undefined;
}

function convertPair(text: string, nic: QemuOption, backend: QemuOption, taken: Set<string>): OffsetEdit[] {
  const named = prop(backend, 'id')?.value ?? prop(backend, 'name')?.value;
  const id = named && /^[A-Za-z][\w.-]*$/.test(named) ? named : uniqueId('net', taken);
  taken.add(id);
  const backendItems: Seg[][] = [[lit(optionKind(backend)!)], [lit(`id=${id}`)]];
  for (const p of backend.props) if (!p.implied && !['vlan', 'name', 'id', 'type'].includes(p.key)) backendItems.push(propSegs(backend, p));
  const model = prop(nic, 'model');
  const driver = model && !model.dynamic ? (LEGACY_MODEL_TO_DRIVER[model.value] ?? model.value) : 'e1000';
  const deviceItems: Seg[][] = [model?.dynamic ? segsOf(nic.valueWord!, model.valueIndex) : [lit(driver)], [lit(`netdev=${id}`)]];
  for (const p of nic.props) {
    if (p.implied || ['vlan', 'name', 'model', 'type'].includes(p.key)) continue;
    deviceItems.push(propSegs(nic, p, p.key === 'macaddr' ? 'mac' : undefined));
  }
  const replacement = `-netdev ${quoteSegs(joinItems(backendItems))} -device ${quoteSegs(joinItems(deviceItems))}`;
  const [first, second] = nic.span.start < backend.span.start ? [nic, backend] : [backend, nic];
  return [{ start: first.span.start, end: first.span.end, text: replacement }, removeSpan(text, second.span)];
}
