import type { PciDevice } from '../hostSnapshot';
import { pciAddressXml } from './bdf';

/**
 * The element to put in a domain's <devices> for passing this function to a guest:
 * a VF becomes <interface type='hostdev'> (libvirt then sets its MAC/VLAN on the PF side),
 * anything else a managed PCI <hostdev> (libvirt detaches it to vfio-pci and back).
 */
export function hostdevXml(d: Pick<PciDevice, 'bdf' | 'physfn'>, indent = ''): string {
  const lines =
    d.physfn !== undefined
      ? ["<interface type='hostdev' managed='yes'>", '  <source>', `    ${pciAddressXml(d, true)}`, '  </source>', '</interface>']
      : ["<hostdev mode='subsystem' type='pci' managed='yes'>", '  <source>', `    ${pciAddressXml(d, false)}`, '  </source>', '</hostdev>'];
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
