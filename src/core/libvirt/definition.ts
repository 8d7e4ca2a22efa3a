import { sshArgs, sshEnv } from '../host/ssh';
import type { DiscoveryOptions } from '../host/discover';
import type { HostSpec } from '../host/hostSpec';
import { shellQuote } from '../util/shellQuote';

/**
 * A guest's or network's stored definition, read and defined through the host connection ("virsh edit, done
 * right": the editor shows the diff and the commands first, defines, then reads back what libvirt stored).
 * Objects are named by UUID (from discovery, checked there): a name can never be read as a virsh option.
 */

export type DefinitionKind = 'domain' | 'network';

export interface DefinitionRef {
  readonly kind: DefinitionKind;
  readonly uuid: string;
  /** For titles only. */
  readonly name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** libvirt's own limit for a definition is far above any real one; past this the answer is refused. */
export const MAX_DEFINITION_BYTES = 4 * 1024 * 1024;

export class DefinitionError extends Error {}

function checked(ref: DefinitionRef): DefinitionRef {
  if (!UUID.test(ref.uuid)) throw new DefinitionError(`not a libvirt UUID: ${JSON.stringify(ref.uuid.slice(0, 60))}`);
  return ref;
}

/** `virsh dumpxml --inactive --security-info UUID` (or net-dumpxml): the persistent definition, as `virsh edit` reads it. */
export function readArgv(ref: DefinitionRef): string[] {
  const { kind, uuid } = checked(ref);
  return kind === 'domain'
    ? ['virsh', '-c', 'qemu:///system', 'dumpxml', '--inactive', '--security-info', uuid]
    : ['virsh', '-c', 'qemu:///system', 'net-dumpxml', '--inactive', uuid];
}

/**
 * The file name under which virsh reads its standard input. Not /dev/stdin: that link is made by udev or the init
 * system, and a host without them (the lab VM's devtmpfs, minimal containers) has none; every libvirt host has /proc.
 */
export const VIRSH_STDIN = '/proc/self/fd/0';

/**
 * `virsh define` of VIRSH_STDIN (or net-define): the edited XML goes on stdin, never into a file name or a shell word.
 * No --validate: the editor has validated it already, and what libvirt then silently drops is reported after.
 */
export function defineArgv(kind: DefinitionKind): string[] {
  return ['virsh', '-c', 'qemu:///system', kind === 'domain' ? 'define' : 'net-define', VIRSH_STDIN];
}

export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
}

/** The process that runs `argv` on the host: itself on this machine, else ssh with the remote words quoted. */
export function invocation(spec: HostSpec, argv: readonly string[], options: DiscoveryOptions): Invocation {
  if (spec.kind === 'demo') throw new DefinitionError('the demo host has no libvirt');
  if (spec.kind === 'local') return { file: argv[0]!, args: argv.slice(1) };
  return { file: options.sshPath ?? 'ssh', args: sshArgs(spec, options, argv.map(shellQuote)) };
}

/** The command line a person could paste, for the confirmation. */
export function commandLine(inv: Invocation): string {
  return [inv.file, ...inv.args].map(shellQuote).join(' ');
}

async function run(spec: HostSpec, argv: readonly string[], options: DiscoveryOptions, input?: string): Promise<string> {
  const inv = invocation(spec, argv, options);
  const { execa } = await import('execa');
  const r = await execa(inv.file, inv.args, {
    reject: false,
    timeout: ((options.connectTimeoutSeconds ?? 10) + 60) * 1000,
    maxBuffer: MAX_DEFINITION_BYTES,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    env: { LC_ALL: 'C', ...sshEnv(spec, options) },
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (r.isMaxBuffer) throw new DefinitionError(`${argv.slice(0, 4).join(' ')} printed more than ${MAX_DEFINITION_BYTES / 1024 / 1024} MiB`);
  if (r.failed || r.exitCode !== 0) {
    // libvirt's words, verbatim (control characters aside): they are what the user needs to read.
    const why = String(r.stderr || r.stdout || r.shortMessage).trim().replace(/[^\x20-\x7e\n\t]/g, '?');
    throw new DefinitionError(why);
  }
  return String(r.stdout);
}

export function readDefinition(spec: HostSpec, ref: DefinitionRef, options: DiscoveryOptions = {}): Promise<string> {
  return run(spec, readArgv(ref), options);
}

/** Defines the edited XML; libvirt's error text reaches the caller verbatim in a DefinitionError. */
export async function defineDefinition(spec: HostSpec, kind: DefinitionKind, xml: string, options: DiscoveryOptions = {}): Promise<void> {
  await run(spec, defineArgv(kind), options, xml);
}
