import type { HostSnapshot, PciDevice } from '../../core/hostSnapshot';
import { deviceHolders, holderText, type Holder } from '../../core/libvirt/holders';
import { deviceDescription, deviceFlags, deviceForest, deviceTitle } from '../../core/pci/tree';
import { terminalSafeField, terminalSafeJson } from '../../core/text';
import { ExitCode, flag, HOST_HELP, hostOptions, type CommandSpec, type Io, type ParsedArgs } from '../command';
import { withHostSnapshot, type SnapshotUse } from '../hostDiscovery';

function marks(s: HostSnapshot, d: PciDevice, holders: ReadonlyMap<string, readonly Holder[]>): string {
  const f = deviceFlags(s, d);
  const held = (holders.get(d.bdf) ?? []).map((h) => `held by ${holderText(h)}`);
  const m = [f.carriesDefaultRoute ? 'default route' : '', f.carriesSshSession ? 'ssh session' : '', ...held].filter(Boolean);
  return m.length ? `  [${m.join(', ')}]` : '';
}

/** PF → VF tree, one function per line: BDF, name, then ids, driver, netdevs and IOMMU group. */
export function renderDevices(s: HostSnapshot, title: string, showAll: boolean): string {
  const nodes = deviceForest(s, { showAll });
  const holders = deviceHolders(s);
  const shown = nodes.reduce((n, x) => n + 1 + x.vfs.length, 0);
  const out = [
    `${title}${s.system.hostname ? ` (${s.system.hostname})` : ''}: ${s.devices.length} PCI functions, ${showAll ? 'all' : `${shown} network-related`} shown`,
  ];
  for (const { device, vfs } of nodes) {
    out.push(`${device.bdf}  ${deviceTitle(device)}`, `    ${deviceDescription(device)}${marks(s, device, holders)}`);
    vfs.forEach((vf, i) => {
      const last = i === vfs.length - 1;
      out.push(`  ${last ? '└─' : '├─'} ${vf.bdf}  ${deviceTitle(vf)}`, `  ${last ? '  ' : '│ '}     ${deviceDescription(vf)}${marks(s, vf, holders)}`);
    });
  }
  if (!showAll && shown < s.devices.length) out.push(`(${s.devices.length - shown} other functions hidden; --all shows them)`);
  // Names come from the host (hostname, lspci strings): each stays one line, with no terminal controls.
  return `${out.map(terminalSafeField).join('\n')}\n`;
}

export const devicesCommand: CommandSpec = {
  name: 'devices',
  summary: "list a host's PCI network devices, SR-IOV PFs/VFs and IOMMU groups",
  usage: 'kvmnet devices [--host H] [--ssh-option KEY=VAL]… [--all] [--json]',
  help: `List the PCI devices of a host, found in one round trip (a read-only sh script run
locally or through 'ssh HOST sh -s'; ssh runs with BatchMode=yes, so keys or an agent
must be set up). Text output is a tree: physical functions with their SR-IOV virtual
functions, each with its address, vendor:device ids, driver, network interfaces and
IOMMU group, and which libvirt guest or VF pool holds it. --json prints the whole
HostSnapshot (devices, interfaces, IOMMU groups, host facts, libvirt's guests and
networks, parser warnings); each device held by a guest or pool carries "heldBy":
[{kind: guest, guest, running, via: hostdev|interface} | {kind: pool, network, active}].

Options:
${HOST_HELP}
  --all                 every PCI function, not only network-related ones
  --timeout SECONDS     ssh connect timeout (default 10)

A discovery that did not finish (the connection or the host cut it short) is
partial: what was read is printed, the reason goes to stderr and JSON carries it
as "partial".

Exit status: 0 listed, 2 usage error, the host could not be reached or the
discovery was partial.`,
  options: { ...hostOptions, all: { type: 'boolean' }, timeout: { type: 'string' } },
  async run(args, io) {
    return withHostSnapshot('devices', args, io, showDevices(args, io));
  },
};

/** What `devices` prints from a snapshot (text tree or JSON). */
export function showDevices(args: ParsedArgs, io: Io): SnapshotUse {
  return (snapshot, label) => {
    if (flag(args, 'json')) io.out(`${terminalSafeJson(withHolders(snapshot))}\n`);
    else {
      io.out(renderDevices(snapshot, label, flag(args, 'all')));
      for (const w of snapshot.warnings) io.err(`kvmnet devices: warning: ${terminalSafeField(w)}\n`);
    }
    return ExitCode.Ok;
  };
}

/** The snapshot with each held device's holders (`heldBy`), for JSON readers that should not redo the matching. */
function withHolders(s: HostSnapshot): HostSnapshot {
  const holders = deviceHolders(s);
  if (holders.size === 0) return s;
  return { ...s, devices: s.devices.map((d) => (holders.has(d.bdf) ? { ...d, heldBy: holders.get(d.bdf) } : d)) };
}
