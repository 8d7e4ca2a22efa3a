import { discover, DiscoveryError } from '../core/host/discover';
import { hostLabel, HostSpecError, parseHostSpec, parseSshOption } from '../core/host/hostSpec';
import type { HostSnapshot } from '../core/host/model';
import { ExitCode, listOption, stringOption, UsageError, type Io, type ParsedArgs } from './command';

/**
 * The part `devices` and `check` share: parse --host/--ssh-option/--timeout (usage errors on bad
 * values), run discovery once (Ctrl+C cancels it), and report an unreachable host as exit 2.
 */
export async function withHostSnapshot(
  command: string,
  args: ParsedArgs,
  io: Io,
  use: (snapshot: HostSnapshot, label: string) => number,
): Promise<number> {
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
    return use(snapshot, hostLabel(spec));
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
