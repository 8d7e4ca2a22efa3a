/**
 * MAC address facts shared by the libvirt XML rules, the QEMU generators and linter, and the composer.
 * Pure (no Node imports): the composer's webview bundle uses it too.
 */

/** QEMU's built-in default MAC: every guest started without one gets it, so two such guests collide. */
export const QEMU_DEFAULT_MAC = '52:54:00:12:34:56';

/** Six hex octets separated by colons (the only form libvirt and QEMU both accept). */
export function isValidMac(mac: string): boolean {
  return /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/.test(mac);
}

/** The low bit of the first octet: a group address, never a NIC's. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
