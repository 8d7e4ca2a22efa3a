import type { HostSnapshot, PciDevice } from '../../core/host/model';
import { deviceDescription, deviceFlags, deviceForest, deviceTitle } from '../../core/pci/tree';
import { ExitCode, flag, HOST_HELP, hostOptions, type CommandSpec } from '../command';
import { withHostSnapshot } from '../hostDiscovery';

function marks(s: HostSnapshot, d: PciDevice): string {
  const f = deviceFlags(s, d);
  const m = [f.carriesDefaultRoute ? 'default route' : '', f.carriesSshSession ? 'ssh session' : ''].filter(Boolean);
  return m.length ? `  [${m.join(', ')}]` : '';
}

/** PF → VF tree, one function per line: BDF, name, then ids, driver, netdevs and IOMMU group. */
export function renderDevices(s: HostSnapshot, title: string, showAll: boolean): string {
  const nodes = deviceForest(s, { showAll });
  const shown = nodes.reduce((n, x) => n + 1 + x.vfs.length, 0);
  const out = [
    `${title}${s.system.hostname ? ` (${s.system.hostname})` : ''}: ${s.devices.length} PCI functions, ${showAll ? 'all' : `${shown} network-related`} shown`,
  ];
  for (const { device, vfs } of nodes) {
    out.push(`${device.bdf}  ${deviceTitle(device)}`, `    ${deviceDescription(device)}${marks(s, device)}`);
    vfs.forEach((vf, i) => {
      const last = i === vfs.length - 1;
      out.push(`  ${last ? '└─' : '├─'} ${vf.bdf}  ${deviceTitle(vf)}`, `  ${last ? '  ' : '│ '}     ${deviceDescription(vf)}${marks(s, vf)}`);
    });
  }
  if (!showAll && shown < s.devices.length) out.push(`(${s.devices.length - shown} other functions hidden; --all shows them)`);
  return `${out.join('\n')}\n`;
}

export const devicesCommand: CommandSpec = {
  name: 'devices',
  summary: "list a host's PCI network devices, SR-IOV PFs/VFs and IOMMU groups",
  usage: 'kvmnet devices [--host H] [--ssh-option KEY=VAL]… [--all] [--json]',
  help: `List the PCI devices of a host, found in one round trip (a read-only sh script run
locally or through 'ssh HOST sh -s'; ssh runs with BatchMode=yes, so keys or an agent
must be set up). Text output is a tree: physical functions with their SR-IOV virtual
functions, each with its address, vendor:device ids, driver, network interfaces and
IOMMU group. --json prints the whole HostSnapshot (devices, interfaces, IOMMU groups,
host facts and parser warnings).

Options:
${HOST_HELP}
  --all                 every PCI function, not only network-related ones
  --timeout SECONDS     ssh connect timeout (default 10)`,
  options: { ...hostOptions, all: { type: 'boolean' }, timeout: { type: 'string' } },
  async run(args, io) {
    return withHostSnapshot('devices', args, io, (snapshot, label) => {
      if (flag(args, 'json')) io.out(`${JSON.stringify(snapshot, null, 2)}\n`);
      else {
        io.out(renderDevices(snapshot, label, flag(args, 'all')));
        for (const w of snapshot.warnings) io.err(`kvmnet devices: warning: ${w}\n`);
      }
      return ExitCode.Ok;
    });
  },
};
