import { discover, DiscoveryError } from '../../core/host/discover';
import { hostLabel, HostSpecError, parseHostSpec, parseSshOption } from '../../core/host/hostSpec';
import type { HostSnapshot, PciDevice } from '../../core/host/model';
import { deviceDescription, deviceFlags, deviceForest, deviceTitle } from '../../core/pci/tree';
import { ExitCode, flag, HOST_HELP, hostOptions, listOption, stringOption, UsageError, type CommandSpec } from '../command';

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
    let spec;
    let sshOptions: string[];
    try {
      spec = parseHostSpec(stringOption(args, 'host') ?? 'local');
      sshOptions = listOption(args, 'ssh-option').map(parseSshOption);
    } catch (e) {
      if (e instanceof HostSpecError) throw new UsageError(e.message);
      throw e;
    }
    const rawTimeout = stringOption(args, 'timeout');
    const timeout = rawTimeout === undefined ? 10 : Number(rawTimeout);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300) throw new UsageError(`--timeout must be 1..300 seconds, got '${rawTimeout}'`);
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    try {
      const snapshot = await discover(spec, { sshOptions, connectTimeoutSeconds: timeout, signal: ac.signal });
      if (flag(args, 'json')) io.out(`${JSON.stringify(snapshot, null, 2)}\n`);
      else {
        io.out(renderDevices(snapshot, hostLabel(spec), flag(args, 'all')));
        for (const w of snapshot.warnings) io.err(`kvmnet devices: warning: ${w}\n`);
      }
      return ExitCode.Ok;
    } catch (e) {
      if (e instanceof HostSpecError) throw new UsageError(e.message);
      if (e instanceof DiscoveryError) {
        io.err(`kvmnet devices: ${e.message}\n`);
        return ExitCode.Usage;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  },
};
