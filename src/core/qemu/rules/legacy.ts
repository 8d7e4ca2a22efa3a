import type { OffsetEdit, OffsetSpan } from '../../rulekit';
import { appendProp, convertLegacyEdits, removeSpan } from '../edit';
import { optionKind, prop, type LaunchScript, type QemuInvocation, type QemuOption, type QemuProp } from '../model';
import type { RuleContext } from './context';

/** Device properties pci-assign had and vfio-pci lacks (QEMU would reject them after the rename). */
const PCI_ASSIGN_ONLY = new Set(['iommu', 'configfd', 'prefer_msi', 'share_intx']);

/** -net joins NICs and backends through a hub; one fix converts every -net of the command. */
export function checkLegacy(c: RuleContext, script: LaunchScript, inv: QemuInvocation, ids: Set<string>): void {
  const nets = inv.options.filter((o) => o.name === '-net' && optionKind(o) !== 'none');
  if (nets.length === 0) return;
  const edits = convertLegacyEdits(c.text, script, inv, ids);
  const fixes = edits ? [{ title: 'Convert -net options to -netdev/-device', edits, isPreferred: true }] : undefined;
  for (const o of nets) {
    c.report('LegacyNet', 'warning', o.span, `Legacy '-net ${optionKind(o) ?? ''}': -net connects NICs and backends through a hub, which blocks vhost-net and is deprecated. Use -netdev with -device (or -nic).`, fixes);
  }
}

/** Options removed from QEMU, which rejects them: -device pci-assign and -redir. */
export function checkRemoved(c: RuleContext, inv: QemuInvocation): void {
  for (const o of inv.options) {
    if (o.name === '-device' && optionKind(o) === 'pci-assign') {
      const driver = prop(o, 'driver')!;
      const edits: OffsetEdit[] = [c.edit(driver.valueRange, 'vfio-pci')];
      for (const p of o.props) if (PCI_ASSIGN_ONLY.has(p.key)) edits.push({ ...rangeOfRemoval(o, p), text: '' });
      c.report('PciAssign', 'error', driver.valueRange, "'pci-assign' was removed from QEMU (2.12) and Linux; QEMU rejects it. Use vfio-pci (bind the device to vfio-pci first).", [
        { title: 'Replace pci-assign with vfio-pci', edits, isPreferred: true },
      ]);
    }
    if (o.name === '-redir') checkRedir(c, inv, o);
  }
}

function rangeOfRemoval(o: QemuOption, p: QemuProp): OffsetSpan {
  const map = o.valueWord!.map;
  return p.index.start > 0 ? { start: map[p.index.start - 1]!, end: p.range.end } : { start: p.range.start, end: map[p.index.end + 1] ?? p.range.end };
}

/** -redir's rule becomes hostfwd= on the command's one user-mode network (or a new -nic user). */
function checkRedir(c: RuleContext, inv: QemuInvocation, o: QemuOption): void {
  const rule = o.valueWord && o.valueWord.dynamic.length === 0 ? o.valueWord.value : undefined;
  const m = rule ? /^(?:(tcp|udp):)?(\d+):([\d.]*):(\d+)$/.exec(rule) : null;
  const fixes = [];
  if (m) {
    const hostfwd = `hostfwd=${m[1] ?? 'tcp'}::${m[2]}-${m[3]}:${m[4]}`;
    const users = inv.options.filter((x) => (x.name === '-netdev' || x.name === '-nic' || x.name === '-net') && optionKind(x) === 'user' && x.valueWord);
    const edits: OffsetEdit[] =
      users.length === 1 ? [appendProp(users[0]!, hostfwd), removeSpan(c.text, o.span)] : users.length === 0 ? [c.edit(o.span, `-nic user,${hostfwd}`)] : [];
    if (edits.length > 0) fixes.push({ title: `Replace -redir with ${hostfwd}`, edits, isPreferred: true });
  }
  c.report('Redir', 'error', o.span, "'-redir' was removed from QEMU (3.1); QEMU rejects it. Use hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport on the user-mode network.", fixes);
}
