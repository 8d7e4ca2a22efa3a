import { discover, DiscoveryError } from '../core/host/discover';
import { hostLabel, HostSpecError, parseHostSpec, parseSshOption } from '../core/host/hostSpec';
import type { HostSnapshot } from '../core/hostSnapshot';
import { terminalSafeField } from '../core/text';
import { ExitCode, listOption, stringOption, UsageError, type Io, type ParsedArgs } from './command';

/** What a command prints from a snapshot; returns its exit code. */
export type SnapshotUse = (snapshot: HostSnapshot, label: string) => number;

/**
 * Prints what a snapshot holds; a partial one (discovery did not finish) then exits 2 with the reason on
 * stderr whatever the command found: like an unreachable host, its missing facts prove nothing either way.
 */
export function useSnapshot(command: string, io: Io, snapshot: HostSnapshot, label: string, use: SnapshotUse): number {
  const code = use(snapshot, label);
  if (snapshot.partial === undefined) return code;
  io.err(`kvmnet ${command}: partial discovery, facts may be missing: ${terminalSafeField(snapshot.partial)}\n`);
  return ExitCode.Usage;
}

/**
 * The part `devices` and `check` share: parse --host/--ssh-option/--timeout (usage errors on bad
 * values), run discovery once (Ctrl+C cancels it), and report an unreachable host or a partial
 * discovery as exit 2.
 */
export async function withHostSnapshot(command: string, args: ParsedArgs, io: Io, use: SnapshotUse): Promise<number> {
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
    return useSnapshot(command, io, snapshot, hostLabel(spec), use);
  } catch (e) {
    if (e instanceof HostSpecError) throw new UsageError(e.message);
    if (e instanceof DiscoveryError) {
      io.err(`kvmnet ${command}: ${e.message}\n`);
      return ExitCode.Usage;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
