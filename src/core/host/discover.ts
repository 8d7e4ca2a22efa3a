import { demoSnapshot } from './demo';
import { DISCOVERY_SCRIPT } from './discoveryScript';
import type { HostSnapshot } from '../hostSnapshot';
import { parseDiscovery } from './parse';
import { localPciIds } from '../pci/ids';
import type { HostSpec } from './hostSpec';
import type { Askpass } from './askpass';
import { isUnknownHostKey } from './hostKey';
import { DEFAULT_CONNECT_TIMEOUT, sshArgs, sshEnv } from './ssh';

/** How to reach a host: settings or CLI flags, all validated here before they reach a command line. */
export interface DiscoveryOptions {
  readonly sshPath?: string;
  /** User `-o` options as KEY=VALUE (checked by parseSshOption). */
  readonly sshOptions?: readonly string[];
  readonly connectTimeoutSeconds?: number;
  /**
   * Private directory for the hosts' shared ssh master sockets (sshControl.ts); undefined: the process-wide
   * one (useSshControlDir), false: a connection of its own.
   */
  readonly controlDir?: string | false;
  /** Bound on the whole run once connected (the script itself takes well under a second). */
  readonly runTimeoutSeconds?: number;
  /** The editor's askpass (askpass.ts): ssh may then ask for a password or passphrase. Without it, BatchMode. */
  readonly askpass?: Askpass;
  readonly signal?: AbortSignal;
  /** Tests only: run the script over a sysfs fixture tree (local only). */
  readonly rootPrefix?: string;
}

export class DiscoveryError extends Error {}

/** ssh refused the host because its key is not known yet (BatchMode never asks): the editor offers to check it. */
export class UnknownHostKeyError extends DiscoveryError {}

const DEFAULT_RUN_TIMEOUT = 60;
/** Far above any real host's answer (a few hundred KiB); past it the answer is refused, never cut and used. */
export const MAX_DISCOVERY_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs the discovery script on a host (one process: `sh` or `ssh`) and parses its output. Fails closed: an
 * answer over the limit is an error, and one without its END line or from a process that did not exit 0 is
 * a snapshot marked `partial` (with why), never a complete one.
 */
export async function discover(spec: HostSpec, options: DiscoveryOptions = {}): Promise<HostSnapshot> {
  if (spec.kind === 'demo') return demoSnapshot();
  options.signal?.throwIfAborted();
  const connect = options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT;
  const timeoutMs = (connect + (options.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT)) * 1000;
  const [file, args] =
    spec.kind === 'local'
      ? ['sh', ['-s', '--', ...(options.rootPrefix ? [options.rootPrefix] : [])]]
      : [options.sshPath ?? 'ssh', sshArgs(spec, options)];
  const where = spec.kind === 'local' ? 'this machine' : spec.destination;
  // execa is ESM-only: a dynamic import keeps it loadable from CommonJS (tsx tests); esbuild bundles it either way.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    input: DISCOVERY_SCRIPT,
    reject: false,
    timeout: timeoutMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    forceKillAfterDelay: 2000,
    stripFinalNewline: false,
    maxBuffer: MAX_DISCOVERY_OUTPUT,
    env: { LC_ALL: 'C', ...sshEnv(spec, options) },
  });
  if (result.isCanceled) throw new DiscoveryError(`discovery on ${where} was cancelled`);
  if (result.isMaxBuffer) {
    throw new DiscoveryError(`discovery on ${where} printed more than ${MAX_DISCOVERY_OUTPUT / 1024 / 1024} MiB; refusing to use a cut-off answer`);
  }
  if (result.timedOut) {
    throw new DiscoveryError(
      `discovery on ${where} timed out after ${Math.round(timeoutMs / 1000)} s (the host accepted the connection but did not answer)`,
    );
  }
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '')
    .split(/\r?\n|\r/)
    .filter((l) => l.trim() !== '' && !l.startsWith('Warning: Permanently added'))
    .slice(-3)
    .join(' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 400);
  if (!stdout.startsWith('KVMNET-DISCOVERY')) {
    if (result.failed && result.exitCode === undefined && result.signal === undefined) throw new DiscoveryError(`cannot run ${file}: ${result.shortMessage}`);
    const Failure = spec.kind === 'ssh' && isUnknownHostKey(String(result.stderr ?? '')) ? UnknownHostKeyError : DiscoveryError;
    throw new Failure(
      spec.kind === 'ssh'
        ? `ssh to ${where} failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${stderr || 'no message'}`
        : `discovery on this machine failed: ${stderr || result.shortMessage}`,
    );
  }
  const snapshot = parseDiscovery(stdout, { pciIds: localPciIds(), capturedAt: new Date().toISOString() });
  // A write error on the script's stdin alone (the host read what it needed) is no failure; an exit status is.
  if (result.exitCode === 0 && result.signal === undefined) return snapshot;
  const exit = `${spec.kind === 'ssh' ? 'ssh' : 'sh'} ${result.signal ? `was killed by ${result.signal}` : `exited with status ${result.exitCode ?? '?'}`}${stderr ? ` (${stderr})` : ''}`;
  return { ...snapshot, partial: snapshot.partial ? `${snapshot.partial}; ${exit}` : `${exit} after the output ended` };
}
