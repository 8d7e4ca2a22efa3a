import { askpassEnv } from './askpass';
import type { DiscoveryOptions } from './discover';
import { hostLabel, parseSshOption, type HostSpec } from './hostSpec';
import { controlOptions, sshControlDir } from './sshControl';

/**
 * How the extension talks to a host over OpenSSH: the one place that builds ssh argument arrays
 * (discovery, host actions). Options from settings or flags are untrusted and checked here. Every
 * ssh to one host shares one master connection (sshControl.ts) when a socket directory is set.
 */
export const DEFAULT_CONNECT_TIMEOUT = 10;

/**
 * The exact ssh argument array for running `sh -s` on a host; the script goes on stdin. OpenSSH keeps
 * the first value it sees for an option, so the order is the precedence: BatchMode (never the user's: yes, or no
 * when the editor's askpass answers ssh's questions), the host's own port and user, the user's options, then
 * kvmnet's defaults (a user ConnectTimeout=5 wins). StrictHostKeyChecking is left to the user's ssh config: when ssh
 * asks about an unknown key, the editor's askpass answers no and asks the user itself (askpass.ts, hostKey.ts).
 */
export function sshArgs(spec: Extract<HostSpec, { kind: 'ssh' }>, options: DiscoveryOptions, remote: readonly string[] = ['sh', '-s']): string[] {
  const timeout = Math.max(1, Math.min(300, Math.round(options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT)));
  const args = ['-T', '-o', `BatchMode=${options.askpass ? 'no' : 'yes'}`];
  if (spec.port !== undefined) args.push('-p', String(spec.port));
  if (spec.user !== undefined) args.push('-l', spec.user);
  const user = (options.sshOptions ?? []).map(parseSshOption);
  for (const o of user) args.push('-o', o);
  args.push('-o', `ConnectTimeout=${timeout}`, '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2');
  // Last and never the user's (hostSpec refuses Control*): the host's shared master connection, if any.
  const dir = options.controlDir === undefined ? sshControlDir() : options.controlDir;
  args.push(...controlOptions(dir, [options.sshPath ?? 'ssh', spec.destination, String(spec.port ?? ''), spec.user ?? '', ...user]));
  // `--` ends option parsing: the destination can never be read as an option.
  args.push('--', spec.destination, ...remote);
  return args;
}

/** The environment an ssh process adds to the inherited one: the askpass program, when the editor gave one. */
export function sshEnv(spec: HostSpec, options: DiscoveryOptions): Record<string, string> {
  return spec.kind === 'ssh' && options.askpass ? askpassEnv(options.askpass, hostLabel(spec)) : {};
}
