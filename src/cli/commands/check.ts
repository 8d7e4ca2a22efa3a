import { ExitCode, HOST_HELP, hostOptions, type CommandSpec } from '../command';

export const checkCommand: CommandSpec = {
  name: 'check',
  summary: 'host readiness: KVM, IOMMU, vfio, vhost-net, tun, bridges',
  usage: 'kvmnet check [--host H] [--ssh-option KEY=VAL]… [--json]',
  help: `Check what a host needs for each networking mode.\n\nOptions:\n${HOST_HELP}`,
  options: { ...hostOptions },
  async run(_args, io) {
    io.err('kvmnet check: not implemented yet\n');
    return ExitCode.Usage;
  },
};
