import { terminalSafe } from '../core/text';
import { ExitCode, parseCommandArgs, UsageError, type CommandSpec, type Io } from './command';
import { argsCommand } from './commands/args';
import { checkCommand } from './commands/check';
import { convertCommand } from './commands/convert';
import { devicesCommand } from './commands/devices';
import { guestsCommand } from './commands/guests';
import { lintCommand } from './commands/lint';

export const COMMANDS: readonly CommandSpec[] = [lintCommand, argsCommand, devicesCommand, guestsCommand, checkCommand, convertCommand];

declare const KVMNET_VERSION: string | undefined;
const version = typeof KVMNET_VERSION === 'string' ? KVMNET_VERSION : '0.0.0-dev';

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `kvmnet ${version} — KVM/QEMU networking: libvirt XML, QEMU launch scripts, PCI/SR-IOV devices

Usage: kvmnet COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'kvmnet COMMAND --help' for a command's options.

Exit status: 0 success, 1 findings of severity error (lint) or a failed check,
2 usage or I/O error: a file not read, a host not reached or answering only
partially (devices, check: what was read is printed, the reason is on stderr).

Text from hosts and files is untrusted: control characters and bidi overrides in
it are printed as '?' (in JSON as \\u escapes), never passed to the terminal.
`;
}

function commandHelp(c: CommandSpec): string {
  return `Usage: ${c.usage}\n\n${c.help}\n`;
}

/** The one place output leaves the CLI: no command can forget to keep host or file text off the terminal. */
export function terminalIo(io: Io): Io {
  return { out: (t) => io.out(terminalSafe(t)), err: (t) => io.err(terminalSafe(t)), cwd: io.cwd };
}

/** Runs one CLI invocation; never throws, always returns an exit code. */
export async function main(argv: string[], rawIo: Io): Promise<number> {
  const io = terminalIo(rawIo);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${version}\n`);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`kvmnet: unknown command '${name}'\nUsage: kvmnet COMMAND [options]  (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return ExitCode.Usage;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed === 'help') {
      io.out(commandHelp(command));
      return ExitCode.Ok;
    }
    return await command.run(parsed, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kvmnet ${command.name}: ${e.message}\nUsage: ${command.usage}\n`);
      return ExitCode.Usage;
    }
    io.err(`kvmnet ${command.name}: ${(e as Error).message}\n`);
    return ExitCode.Usage;
  }
}
