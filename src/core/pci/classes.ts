import type { PciDevice } from '../hostSnapshot';

/** PCI base classes by their first byte (used when neither lspci nor pci.ids named the class). */
const BASE_CLASSES: Readonly<Record<string, string>> = {
  '00': 'Unclassified device',
  '01': 'Mass storage controller',
  '02': 'Network controller',
  '03': 'Display controller',
  '04': 'Multimedia controller',
  '05': 'Memory controller',
  '06': 'Bridge',
  '07': 'Communication controller',
  '08': 'Generic system peripheral',
  '09': 'Input device controller',
  '0c': 'Serial bus controller',
  '0d': 'Wireless controller',
  '12': 'Processing accelerators',
  ff: 'Unassigned class',
};

export function baseClassName(classCode: string): string | undefined {
  return BASE_CLASSES[classCode.slice(0, 2).toLowerCase()];
}

export const VFIO_DRIVER = 'vfio-pci';

/** Network controllers (02xxxx) and anything with a netdev, SR-IOV or vfio binding: what the explorer shows by default. */
export function isNetworkRelated(d: PciDevice): boolean {
  return (
    d.classCode.startsWith('02') ||
    (d.netdevs?.length ?? 0) > 0 ||
    (d.sriovTotalVfs ?? 0) > 0 ||
    d.physfn !== undefined ||
    d.driver === VFIO_DRIVER
  );
}

export function isSriovCapable(d: PciDevice): boolean {
  return (d.sriovTotalVfs ?? 0) > 0;
}
