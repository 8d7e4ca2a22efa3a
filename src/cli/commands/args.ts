import { ExitCode, type CommandSpec } from '../command';

export const argsCommand: CommandSpec = {
  name: 'args',
  summary: 'print QEMU network arguments for a mode (user, bridge, macvtap, vfio, …)',
  usage: 'kvmnet args MODE [options]',
  help: 'Print shell-quoted QEMU network arguments for MODE on stdout.',
  options: {},
  async run(_args, io) {
    io.err('kvmnet args: not implemented yet\n');
    return ExitCode.Usage;
  },
};
