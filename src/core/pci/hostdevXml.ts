import type { PciDevice } from '../hostSnapshot';

/** libvirt reads address attributes base-0, so they are always written as 0x-prefixed hex. */
export function pciAddressXml(d: Pick<PciDevice, 'bdf'>, withType: boolean): string {
  const [domain, bus, slotFn] = d.bdf.split(':') as [string, string, string];
  const [slot, fn] = slotFn.split('.') as [string, string];
  return `<address${withType ? " type='pci'" : ''} domain='0x${domain}' bus='0x${bus}' slot='0x${slot}' function='0x${fn}'/>`;
}

/**
 * The element to put in a domain's <devices> for passing this function to a guest:
 * a VF becomes <interface type='hostdev'> (libvirt then sets its MAC/VLAN on the PF side),
 * anything else a managed PCI <hostdev> (libvirt detaches it to vfio-pci and back).
 */
export function hostdevXml(d: PciDevice, indent = ''): string {
  const lines =
    d.physfn !== undefined
      ? ["<interface type='hostdev' managed='yes'>", '  <source>', `    ${pciAddressXml(d, true)}`, '  </source>', '</interface>']
      : ["<hostdev mode='subsystem' type='pci' managed='yes'>", '  <source>', `    ${pciAddressXml(d, false)}`, '  </source>', '</hostdev>'];
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
