import { createHash } from 'node:crypto';
import { QEMU_DEFAULT_MAC, qemuRangeMac } from '../mac';

/**
 * A MAC for one NIC of one file, the same on every run: 52:54:00 + 3 bytes of sha256(file path, NIC id),
 * skipping taken ones and QEMU's default. The QEMU generator and linter and the libvirt XML rules share it.
 * It needs node:crypto, so it is not in ../mac (which the composer's webview bundles).
 */
export function stableMac(scriptPath: string, id: string, taken: ReadonlySet<string> = new Set()): string {
  for (let n = 0; ; n++) {
    const h = createHash('sha256').update(`${scriptPath}\0${id}\0${n}`).digest();
    const mac = qemuRangeMac(h);
    // `taken` is usually lower case (usedNames); upper case is checked too, without copying the set per call.
    if (mac !== QEMU_DEFAULT_MAC && !taken.has(mac) && !taken.has(mac.toUpperCase())) return mac;
  }
}
