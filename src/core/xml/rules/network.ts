import { attrValue, childElements, firstChild, type XmlElement } from '../document';
import type { RuleContext } from './context';
import { pciAddressKey } from './pciAddress';

/**
 * A network's `<forward>` pool (hostdev VFs, macvtap or passthrough devices) listing one PCI address or one
 * interface twice: libvirt refuses the network ("… can only be listed once in network …").
 */
export function checkForwardPool(ctx: RuleContext): void {
  const root = ctx.doc.root;
  const forward = root?.name === 'network' ? firstChild(root, 'forward') : undefined;
  if (!forward) return;
  const seen = new Map<string, XmlElement>();
  for (const el of childElements(forward)) {
    const key = el.name === 'address' && attrValue(el, 'type') === 'pci' ? pciAddressKey(el) : el.name === 'interface' ? attrValue(el, 'dev') : undefined;
    if (key === undefined) continue;
    const id = `${el.name}:${key}`;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, el);
      continue;
    }
    const line = ctx.doc.index.positionAt(first.openTagSpan.start).line + 1;
    const what = el.name === 'address' ? `PCI device ${key}` : `interface '${key}'`;
    ctx.report('ForwardPoolDuplicate', 'error', el.nameSpan, `${what} is already in this pool (line ${line}); libvirt refuses the network: it can only be listed once.`, [
      { title: 'Remove the duplicate', edits: [ctx.removeElement(el)], isPreferred: true },
    ]);
  }
}
