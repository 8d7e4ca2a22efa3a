/**
 * "Generate" for the MAC field. 52:54:00 is QEMU's prefix: its first octet has the locally-administered bit set
 * and the multicast bit clear, so the address never collides with a vendor's and is a valid unicast NIC address.
 * Pure (no Node imports): the webview uses it too.
 */

import { QEMU_DEFAULT_MAC, qemuRangeMac } from '../mac';

export function randomMac(random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b)): string {
  for (;;) {
    const b = random(new Uint8Array(3));
    const mac = qemuRangeMac(b);
    if (mac !== QEMU_DEFAULT_MAC) return mac; // every guest without a MAC has it: never hand it out
  }
}
