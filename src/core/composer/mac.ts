/**
 * "Generate" for the MAC field. 52:54:00 is QEMU's prefix: its first octet has the locally-administered bit set
 * and the multicast bit clear, so the address never collides with a vendor's and is a valid unicast NIC address.
 * Pure (no Node imports): the webview uses it too.
 */

/** QEMU's built-in default MAC: every guest started without mac= gets it, so it is never handed out. */
const QEMU_DEFAULT = '52:54:00:12:34:56';

export function randomMac(random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b)): string {
  for (;;) {
    const b = random(new Uint8Array(3));
    const mac = `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
    if (mac !== QEMU_DEFAULT) return mac;
  }
}
