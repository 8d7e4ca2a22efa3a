/**
 * The composer's form state: one network device described once, rendered both as libvirt XML and as QEMU
 * arguments. Pure data (strings as typed in the form, so every field can carry its own error); shared with the
 * webview bundle, so this module must import nothing that needs Node.
 */

export const COMPOSER_MODES = ['user', 'bridge', 'macvtap', 'pci', 'sriov'] as const;
export type ComposerMode = (typeof COMPOSER_MODES)[number];

/** libvirt's names (<source mode=…>); QEMU/iproute2 spell the last one `passthru`. */
export const DIRECT_MODES = ['vepa', 'bridge', 'private', 'passthrough'] as const;
export type DirectMode = (typeof DIRECT_MODES)[number];

export const FORWARD_PROTOCOLS = ['tcp', 'udp'] as const;
export type ForwardProtocol = (typeof FORWARD_PROTOCOLS)[number];

export interface PortForward {
  readonly proto: ForwardProtocol;
  /** Host address to listen on; '' = all addresses. */
  readonly hostAddress: string;
  readonly hostPort: string;
  readonly guestPort: string;
}

export interface UserOptions {
  readonly portForwards: readonly PortForward[];
  /** Isolate the guest from the host and the outside (QEMU restrict=on). */
  readonly restrict: boolean;
}

export interface BridgeOptions {
  readonly bridge: string;
  /** Tap name; '' = chosen by QEMU's generator / libvirt. */
  readonly tap: string;
  readonly vhost: boolean;
}

export interface MacvtapOptions {
  /** Host interface the macvtap sits on. */
  readonly link: string;
  readonly mode: DirectMode;
  readonly vhost: boolean;
}

export interface PciOptions {
  readonly bdf: string;
}

export interface SriovOptions {
  /** The VF's PCI address (one of the host snapshot's VFs). */
  readonly vf: string;
  /** 802.1Q tag set on the VF from the PF side; '' = none. */
  readonly vlan: string;
}

export interface FormState {
  readonly mode: ComposerMode;
  /** QEMU device model name (virtio-net-pci, e1000 …); not used by pci/sriov. */
  readonly model: string;
  /** Guest MAC; '' = a stable one is derived. Not used by pci (the device keeps its own). */
  readonly mac: string;
  /** QEMU netdev/device id. */
  readonly id: string;
  readonly user: UserOptions;
  readonly bridge: BridgeOptions;
  readonly macvtap: MacvtapOptions;
  readonly pci: PciOptions;
  readonly sriov: SriovOptions;
}

export function defaultFormState(): FormState {
  return {
    mode: 'user',
    model: 'virtio-net-pci',
    mac: '',
    id: 'net0',
    user: { portForwards: [{ proto: 'tcp', hostAddress: '127.0.0.1', hostPort: '2222', guestPort: '22' }], restrict: false },
    bridge: { bridge: 'br0', tap: '', vhost: true },
    macvtap: { link: 'eth0', mode: 'bridge', vhost: true },
    pci: { bdf: '' },
    sriov: { vf: '', vlan: '' },
  };
}

/** Which modes use the NIC model and the MAC fields. */
export function usesModel(mode: ComposerMode): boolean {
  return mode !== 'pci' && mode !== 'sriov';
}
export function usesMac(mode: ComposerMode): boolean {
  return mode !== 'pci';
}

/** A field's path in the form (`mac`, `user.portForwards.0.hostPort` …): errors and labels are keyed by it. */
export type FieldPath = string;

export interface FieldError {
  readonly field: FieldPath;
  readonly message: string;
}
