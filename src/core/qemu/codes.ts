import { defineCodes, type CodeId, type CodeKey } from '../rulekit';

/** Diagnostic codes of the QEMU launch-script rules (source 'kvmnet-qemu'), with their one-line docs. */
export const QemuCode = defineCodes({
  ShellSyntax: { id: 'qemu-shell-syntax', doc: 'The script has a shell syntax error; the rest of it is still checked.' },
  CommentInContinuation: { id: 'qemu-comment-in-continuation', doc: 'A comment inside a backslash-continued QEMU command ends it (a comment runs to its newline, a backslash included): the option lines below run as commands of their own and QEMU never gets them.' },
  OptionsOrphaned: { id: 'qemu-options-orphaned', doc: 'A line of QEMU options after the QEMU command has ended (no backslash continues the line before, or a blank line ended it): the shell runs it as a command of its own and QEMU never gets those options.' },
  QuoteInValue: { id: 'qemu-quote-in-value', doc: 'A quote character that is itself quoted or escaped reaches QEMU inside a network option value; QEMU rejects the value.' },
  LegacyNet: { id: 'qemu-legacy-net', doc: '-net nic/-net user/-net tap join NICs and backends through an emulated hub (one finding per hub): for tap and other host backends that blocks vhost-net; a hub without a NIC or without a backend connects nothing.' },
  RemovedOption: { id: 'qemu-removed-option', doc: 'A network option QEMU removed, which QEMU now rejects: -net …,vlan= (3.0), -net …,name= (5.1), -net dump/channel (2.12), -tftp/-bootp/-smb (3.1).' },
  PciAssign: { id: 'qemu-pci-assign', doc: "-device pci-assign was removed from QEMU (2.12) and Linux; QEMU rejects it: use vfio-pci." },
  Redir: { id: 'qemu-redir', doc: '-redir was removed from QEMU (3.1); QEMU rejects it: use hostfwd= on the user-mode netdev.' },
  HostfwdMalformed: { id: 'qemu-hostfwd-malformed', doc: 'A hostfwd rule QEMU rejects; the form is [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport.' },
  NetdevIdDuplicate: { id: 'qemu-netdev-id-duplicate', doc: 'Two -netdev with the same id; QEMU rejects it (Duplicate ID).' },
  NetdevIdMissing: { id: 'qemu-netdev-id-missing', doc: "-netdev without id=; QEMU rejects it (Parameter 'id' is missing)." },
  NetdevNotFound: { id: 'qemu-netdev-not-found', doc: "-device …,netdev=X without a -netdev …,id=X; QEMU rejects it (can't find value)." },
  NetdevUnused: { id: 'qemu-netdev-unused', doc: '-netdev id=X that no -device uses: the guest gets no NIC for it (QEMU warns: no peer).' },
  MacMalformed: { id: 'qemu-mac-malformed', doc: "A MAC that is not six colon-separated hex octets; QEMU rejects it (doesn't take value)." },
  MacMulticast: { id: 'qemu-mac-multicast', doc: 'A multicast MAC (low bit of the first octet set) on a NIC: frames to it are not unicast-delivered.' },
  MacDuplicate: { id: 'qemu-mac-duplicate', doc: 'The same MAC on two NICs of one script: they collide on a shared network.' },
  MacQemuDefault: { id: 'qemu-mac-default', doc: "QEMU's default MAC 52:54:00:12:34:56 (given explicitly, or implicitly to a tap/bridge/socket NIC without mac=): a warning when more than one launch script of the workspace uses it (their guests collide on a shared network), a hint within a single script." },
  MacImplicit: { id: 'qemu-mac-implicit', doc: 'A NIC on a shared network (tap, bridge, socket …) without mac=: QEMU gives it its default 52:54:00:12:34:56 (…:57 for the next), the same in every VM, so such guests on one LAN collide. User-mode NICs are private and exempt.' },
  MacDuplicateWorkspace: { id: 'qemu-mac-duplicate-workspace', doc: 'The same explicit MAC in two launch scripts of the workspace: two guests with one MAC on a shared network break ARP and DHCP.' },
  VhostNonVirtio: { id: 'qemu-vhost-non-virtio', doc: 'vhost=on only accelerates virtio-net devices; with another NIC model it does nothing.' },
  TapScriptMissing: { id: 'qemu-tap-script-missing', doc: 'tap script=/downscript= names no executable file (files the launch script creates first count as there): an error when what is on this machine makes QEMU fail (a directory, not executable script=), else a warning saying where it looked; a downscript= never stops QEMU from starting.' },
  FdNotOpen: { id: 'qemu-fd-not-open', doc: 'tap fd=N without an N<> redirection (or earlier exec N<>): QEMU fails, the descriptor is not open.' },
  CrlfLineEndings: { id: 'qemu-crlf-line-endings', doc: 'A launch script with Windows (CRLF) line endings: sh/bash keep the \\r in each line, so a backslash no longer continues the QEMU command and arguments get a stray \\r.' },
  ShortFormBoolean: { id: 'qemu-short-form-boolean', doc: "A bare key such as vhost or restrict in a -netdev/-device/-nic/-chardev/-object value: QEMU reads it as key=on (nokey as key=off) and warns that this short form is deprecated; write key=on." },
  EmulatedNic: { id: 'qemu-emulated-nic', doc: 'An emulated NIC model (e1000, rtl8139 …): virtio-net-pci is much faster if the guest has virtio drivers.' },
});

export type QemuCodeKey = CodeKey<typeof QemuCode>;
export type QemuCodeId = CodeId<typeof QemuCode>;
