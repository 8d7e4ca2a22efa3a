import { readFileSync } from 'node:fs';

/**
 * Vendor, device and class names from a pci.ids database (the format of pciutils'
 * /usr/share/misc/pci.ids). Only the fields the explorer shows are kept.
 */
export interface PciIds {
  vendor(vendorId: string): string | undefined;
  device(vendorId: string, deviceId: string): string | undefined;
  /** Most specific name for a 6-hex-digit class code (prog-if, then subclass, then class). */
  className(classCode: string): string | undefined;
}

const VENDOR = /^([0-9a-f]{4})\s+(.+)$/;
const DEVICE = /^\t([0-9a-f]{4})\s+(.+)$/;
const CLASS = /^C ([0-9a-f]{2})\s+(.+)$/;
const SUBCLASS = /^\t([0-9a-f]{2})\s+(.+)$/;
const PROGIF = /^\t\t([0-9a-f]{2})\s+(.+)$/;

export function parsePciIds(text: string): PciIds {
  const vendors = new Map<string, string>();
  const devices = new Map<string, string>();
  const classes = new Map<string, string>();
  let vendor: string | undefined;
  let cls: string | undefined;
  let sub: string | undefined;
  let inClasses = false;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    let m: RegExpExecArray | null;
    if ((m = CLASS.exec(line))) {
      inClasses = true;
      cls = m[1]!;
      sub = undefined;
      classes.set(cls, m[2]!);
    } else if (inClasses) {
      if ((m = PROGIF.exec(line)) && cls && sub) classes.set(`${cls}${sub}${m[1]!}`, m[2]!);
      else if ((m = SUBCLASS.exec(line)) && cls) {
        sub = m[1]!;
        classes.set(`${cls}${sub}`, m[2]!);
      }
    } else if ((m = VENDOR.exec(line))) {
      vendor = m[1]!;
      vendors.set(vendor, m[2]!);
    } else if (vendor && (m = DEVICE.exec(line))) {
      devices.set(`${vendor}:${m[1]!}`, m[2]!);
    } else if (!line.startsWith('\t')) {
      vendor = undefined; // another top-level section (X, L …) ends the vendor list
    }
  }
  return {
    vendor: (v) => vendors.get(v.toLowerCase()),
    device: (v, d) => devices.get(`${v.toLowerCase()}:${d.toLowerCase()}`),
    className: (c) => {
      const code = c.toLowerCase();
      return classes.get(code) ?? classes.get(code.slice(0, 4)) ?? classes.get(code.slice(0, 2));
    },
  };
}

/** Where Debian (pciutils) and Fedora (hwdata) install the database. */
export const PCI_IDS_PATHS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids'];

let cached: PciIds | null | undefined;

/** The local pci.ids, read once; undefined when the machine has none. */
export function localPciIds(paths: readonly string[] = PCI_IDS_PATHS): PciIds | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  for (const p of paths) {
    try {
      cached = parsePciIds(readFileSync(p, 'utf8'));
      break;
    } catch {
      // try the next location
    }
  }
  return cached ?? undefined;
}
