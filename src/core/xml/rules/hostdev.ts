import { attrValue, attribute, childElements, firstChild, type XmlElement } from '../document';
import type { RuleContext } from './context';
import { isPciAddress, pciAddressKey } from './pciAddress';

/** Elements that hand a host PCI device to the guest: <hostdev type='pci'> and <interface type='hostdev'>. */
function isPciAssignment(e: XmlElement): boolean {
  return (e.name === 'hostdev' && attrValue(e, 'type') === 'pci') || (e.name === 'interface' && attrValue(e, 'type') === 'hostdev');
}

function sourceAddress(dev: XmlElement): XmlElement | undefined {
  const source = firstChild(dev, 'source');
  return source ? childElements(source, 'address').find(isPciAddress) : undefined;
}

export function checkHostdevs(ctx: RuleContext): void {
  const seen = new Map<string, XmlElement>();
  for (const dev of ctx.doc.elements.filter(isPciAssignment)) {
    const address = sourceAddress(dev);
    const key = address && pciAddressKey(address);
    if (address && key) {
      const first = seen.get(key);
      if (first) {
        ctx.report('HostdevDuplicate', 'error', address.nameSpan,
          `Host device ${key} is already assigned on line ${ctx.lineOf(first)}: a PCI device (or VF) can be given to a guest only once; libvirt refuses the domain.`);
      } else seen.set(key, dev);
    }
    if (attrValue(dev, 'managed') === 'no') {
      const nodedev = key ? `pci_${key.replace(/[:.]/g, '_')}` : 'pci_DDDD_BB_SS_F';
      ctx.report('HostdevUnmanaged', 'info', ctx.spanOf(dev, 'managed'),
        `managed='no': libvirt will not detach this device from its host driver. Before starting the guest run \`virsh nodedev-detach ${nodedev}\` ` +
          '(or bind it to vfio-pci with driverctl), and `virsh nodedev-reattach` after the guest stops.');
    }
  }
  // Legacy device assignment can also be chosen for a whole VF pool (<network><forward mode='hostdev'>).
  for (const el of ctx.doc.elements) {
    if (el.name !== 'driver' || attrValue(el, 'name') !== 'kvm') continue;
    const owner = el.parent;
    const isAssignment = owner && (isPciAssignment(owner) || (owner.name === 'forward' && attrValue(owner, 'mode') === 'hostdev'));
    if (!isAssignment) continue;
    ctx.report('HostdevLegacyKvm', 'error', attribute(el, 'name')!.span,
      "<driver name='kvm'/> asks for legacy KVM device assignment (pci-assign), removed from QEMU and Linux years ago; the guest will not start. Use VFIO.",
      [{ title: "Use <driver name='vfio'/>", edits: [ctx.edit(attribute(el, 'name')!.valueSpan, 'vfio')], isPreferred: true }]);
  }
}
