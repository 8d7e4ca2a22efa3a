import type { DiscoveryOptions } from './discover';
import { parseSshOption, type HostSpec } from './hostSpec';

/**
 * How the extension talks to a host over OpenSSH: the one place that builds ssh argument arrays
 * (discovery, host actions). Options from settings or flags are untrusted and checked here.
 */
export const DEFAULT_CONNECT_TIMEOUT = 10;

/** The exact ssh argument array for running `sh -s` on a host; the script goes on stdin. */
export function sshArgs(spec: Extract<HostSpec, { kind: 'ssh' }>, options: DiscoveryOptions, remote: readonly string[] = ['sh', '-s']): string[] {
  const timeout = Math.max(1, Math.min(300, Math.round(options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT)));
  const args = ['-T', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${timeout}`, '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2'];
  for (const o of options.sshOptions ?? []) args.push('-o', parseSshOption(o));
  if (spec.port !== undefined) args.push('-p', String(spec.port));
  if (spec.user !== undefined) args.push('-l', spec.user);
  // `--` ends option parsing: the destination can never be read as an option.
  args.push('--', spec.destination, ...remote);
  return args;
}

