/**
 * MAC address facts shared by the libvirt XML rules, the QEMU generators and linter, and the composer.
 * Pure (no Node imports): the composer's webview bundle uses it too.
 */

/** QEMU's built-in default MAC: every guest started without one gets it, so two such guests collide. */
export const QEMU_DEFAULT_MAC = '52:54:00:12:34:56';

/** A MAC in QEMU's 52:54:00 range from three bytes; callers skip QEMU_DEFAULT_MAC (every guest without a MAC has it). */
export function qemuRangeMac(bytes: ArrayLike<number>): string {
  return `52:54:00:${[bytes[0]!, bytes[1]!, bytes[2]!].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

/** Six hex octets separated by colons (the only form libvirt and QEMU both accept). */
export function isValidMac(mac: string): boolean {
  return /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/.test(mac);
}

/** The low bit of the first octet: a group address, never a NIC's. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** One MAC use of a file that other files of the workspace also have. */
export interface SharedMacUse<U> {
  readonly use: U;
  /** Its index among the file's uses (a stable handle for generated MACs). */
  readonly nth: number;
  /** The other files using the same MAC, in the given order. */
  readonly others: readonly string[];
}

/**
 * The cross-file half of the workspace duplicate-MAC rules (libvirt XML and launch scripts): per file (keys:
 * `file`) its uses whose MAC another file also uses; `taken` holds every MAC used, to generate fresh ones.
 */
export function macsSharedAcrossFiles<U extends { readonly mac: string }>(
  files: readonly { readonly file: string; readonly uses: readonly U[] }[],
): { shared: Map<string, SharedMacUse<U>[]>; taken: Set<string> } {
  const owners = new Map<string, Set<string>>();
  for (const f of files) for (const u of f.uses) (owners.get(u.mac) ?? owners.set(u.mac, new Set()).get(u.mac)!).add(f.file);
  const shared = new Map<string, SharedMacUse<U>[]>();
  for (const f of files) {
    shared.set(
      f.file,
      f.uses.flatMap((use, nth) => {
        const others = [...owners.get(use.mac)!].filter((o) => o !== f.file);
        return others.length > 0 ? [{ use, nth, others }] : [];
      }),
    );
  }
  return { shared, taken: new Set(owners.keys()) };
}
