import { ExitCode, HOST_HELP, hostOptions, type CommandSpec } from '../command';

export const devicesCommand: CommandSpec = {
  name: 'devices',
  summary: "list a host's PCI network devices, SR-IOV PFs/VFs and IOMMU groups",
  usage: 'kvmnet devices [--host H] [--ssh-option KEY=VAL]… [--json]',
  help: `List the PCI devices of a host.\n\nOptions:\n${HOST_HELP}`,
  options: { ...hostOptions },
  async run(_args, io) {
    io.err('kvmnet devices: not implemented yet\n');
    return ExitCode.Usage;
  },
};
