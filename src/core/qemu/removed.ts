/**
 * Network options QEMU removed, with the release that removed them (docs/about/removed-features.rst) and what
 * replaces them. test/core/qemu/removed.oracle.test.ts checks each entry against the QEMU installed here: it must reject
 * the sample with `rejects`, and accept the replacement.
 */
export interface RemovedNetOption {
  /** How it appears: a top-level option, a parameter of -net, a -net type or a -device driver. */
  readonly form: 'option' | 'net-param' | 'net-type' | 'device';
  readonly name: string;
  readonly removedIn: string;
  /** What to write instead, for the message. */
  readonly instead: string;
  /** Arguments that use it, and QEMU's error for them (the oracle test). */
  readonly sample: readonly string[];
  readonly rejects: RegExp;
}

export const REMOVED_NET_OPTIONS: readonly RemovedNetOption[] = [
  { form: 'net-param', name: 'vlan', removedIn: '3.0', instead: 'one -netdev …,id=X with -device …,netdev=X per hub (or -nic)', sample: ['-net', 'nic,vlan=0', '-net', 'user,vlan=0'], rejects: /Invalid parameter 'vlan'/ },
  { form: 'net-param', name: 'name', removedIn: '5.1', instead: 'id=', sample: ['-net', 'user,name=u0'], rejects: /Invalid parameter 'name'/ },
  { form: 'net-type', name: 'dump', removedIn: '2.12', instead: '-object filter-dump,id=f0,netdev=X,file=… on a -netdev', sample: ['-net', 'dump,file=/dev/null'], rejects: /does not accept value 'dump'/ },
  { form: 'net-type', name: 'channel', removedIn: '2.12', instead: 'guestfwd= on the user-mode network', sample: ['-net', 'channel,10.0.2.100:80'], rejects: /does not accept value 'channel'/ },
  { form: 'option', name: '-redir', removedIn: '3.1', instead: 'hostfwd= on the user-mode network', sample: ['-redir', 'tcp:5555::22'], rejects: /-redir: invalid option/ },
  { form: 'option', name: '-tftp', removedIn: '3.1', instead: 'tftp= on the user-mode network', sample: ['-tftp', '/srv/tftp'], rejects: /-tftp: invalid option/ },
  { form: 'option', name: '-bootp', removedIn: '3.1', instead: 'bootp= on the user-mode network', sample: ['-bootp', 'pxelinux.0'], rejects: /-bootp: invalid option/ },
  { form: 'option', name: '-smb', removedIn: '3.1', instead: 'smb= on the user-mode network', sample: ['-smb', '/srv/share'], rejects: /-smb: invalid option/ },
  { form: 'device', name: 'pci-assign', removedIn: '2.12', instead: 'vfio-pci', sample: ['-device', 'pci-assign,host=00:15.0'], rejects: /'pci-assign' is not a valid device model name/ },
];

export function removedEntry(form: RemovedNetOption['form'], name: string): RemovedNetOption | undefined {
  return REMOVED_NET_OPTIONS.find((e) => e.form === form && e.name === name);
}
