import type { HostSnapshot, SystemFacts } from '../hostSnapshot';

/** How a kernel module was seen: loaded, built in, known to be neither, or not decidable from the facts read. */
export type ModulePresence = 'loaded' | 'builtin' | 'absent' | 'not-loaded' | 'unknown';

/** `kernel/drivers/vfio/pci/vfio-pci.ko.xz` and `vfio-pci` both become `vfio_pci` (the kernel treats - and _ alike). */
export function normalizeModuleName(name: string): string {
  const base = name.trim().split('/').pop() ?? '';
  return base.replace(/\.ko(?:\.(?:xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * `not-loaded`: /proc/modules was read and lacks it but modules.builtin could not be read,
 * so it may still be built in. `absent`: both lists were read and neither has it.
 */
export function modulePresence(facts: SystemFacts, module: string): ModulePresence {
  const want = normalizeModuleName(module);
  const loaded = facts.modules?.map(normalizeModuleName);
  const builtin = facts.builtinModules?.map(normalizeModuleName);
  if (loaded?.includes(want)) return 'loaded';
  if (builtin?.includes(want)) return 'builtin';
  if (loaded && builtin) return 'absent';
  if (loaded) return 'not-loaded';
  return 'unknown';
}

/** Whether a device node exists: undefined when discovery could not tell. */
export function devNode(facts: SystemFacts, path: string): boolean | undefined {
  return facts.devNodes?.[path];
}

export type CpuVendor = 'intel' | 'amd' | undefined;

export function cpuVendor(facts: SystemFacts): CpuVendor {
  if (facts.cpuFlags?.includes('vmx')) return 'intel';
  if (facts.cpuFlags?.includes('svm')) return 'amd';
  return undefined;
}

/** Kernel command-line parameters as name → value ('' for bare flags); the last occurrence wins, as in the kernel. */
export function cmdlineParams(cmdline: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const token of cmdline.split(/\s+/)) {
    if (token === '--') break; // what follows goes to init, not the kernel
    if (token === '') continue;
    const eq = token.indexOf('=');
    params.set(eq < 0 ? token : token.slice(0, eq), eq < 0 ? '' : token.slice(eq + 1));
  }
  return params;
}

/** true: an IOMMU is active; false: both sources were read and show none; undefined: not readable. */
export function iommuActive(snapshot: HostSnapshot): boolean | undefined {
  const { iommuClasses, iommuGroupCount } = snapshot.system;
  if ((iommuClasses?.length ?? 0) > 0 || (iommuGroupCount ?? 0) > 0 || snapshot.iommuGroups.length > 0) return true;
  if (iommuClasses !== undefined || iommuGroupCount !== undefined) return false;
  return undefined;
}
