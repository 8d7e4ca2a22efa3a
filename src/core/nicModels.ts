/** NIC models QEMU emulates register by register: the guest needs no extra driver, but every packet traps into QEMU. */
export const EMULATED_NIC_MODELS: ReadonlySet<string> = new Set(['e1000', 'e1000e', 'rtl8139', 'ne2k_pci', 'pcnet', 'i82551', 'i82557b', 'i82559er']);
