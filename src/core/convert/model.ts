import type { SocketKind } from '../qemu/generate';
import type { Span } from '../qemu/shell';

/**
 * What the converters report besides their output. Every source item that does not map becomes a located
 * note ("not translated: …") on the input, so nothing is dropped silently and nothing is guessed.
 */

export type NoteSeverity = 'error' | 'warning' | 'info';

export interface ConvertNote {
  /** Offsets into the input text (script or XML). */
  readonly span: Span;
  readonly severity: NoteSeverity;
  readonly message: string;
}

/** Notes with this severity mean something of the input is missing from the output (the CLI's exit 1). */
export function untranslated(notes: readonly ConvertNote[]): ConvertNote[] {
  return notes.filter((n) => n.severity !== 'info');
}

/** One libvirt-side line of the summary: what became what. */
export interface Mapped {
  readonly span: Span;
  readonly text: string;
}

/** QEMU -device NIC driver (or legacy -net nic model) → libvirt <model type>. */
export function libvirtNicModel(qemu: string): string {
  return qemu === 'virtio-net-pci' || qemu === 'virtio' ? 'virtio' : qemu;
}

/** libvirt's socket interface type for each -netdev socket option (listen → server …). */
export const LIBVIRT_SOCKET_TYPE: Readonly<Record<SocketKind, string>> = { listen: 'server', connect: 'client', mcast: 'mcast', udp: 'udp' };

/** libvirt <model type> → QEMU -device driver on a PCI machine. */
export function qemuNicDriver(model: string): string {
  return model === 'virtio' ? 'virtio-net-pci' : model;
}

/** The NIC models both sides know (QEMU 7.2 x86 -device drivers, libvirt model names as their QEMU names). */
export const CONVERTIBLE_NIC_MODELS = new Set(['virtio-net-pci', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'ne2k_pci', 'pcnet', 'i82559er', 'i82551', 'i82557b', 'i82557c', 'i82558a', 'i82558b', 'i82559a', 'i82559b', 'i82559c', 'i82550', 'i82562', 'i82801', 'igb']);

/** The input cannot be converted at all (no invocation, not XML, wrong root): a user-facing message. */
export class ConvertError extends Error {}
