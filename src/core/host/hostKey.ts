import { createHash } from 'node:crypto';
import { appendFile, mkdir, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveryOptions } from './discover';
import { parseSshOption, type HostSpec } from './hostSpec';
import { DEFAULT_CONNECT_TIMEOUT } from './ssh';

/**
 * First contact with a host whose key is not known yet. kvmnet runs ssh with BatchMode, so OpenSSH refuses an
 * unknown key instead of asking; the extension asks instead: it reads the host's keys with ssh-keyscan, shows
 * their fingerprints, and records them in the user's known_hosts file only when the user accepts. What is
 * recorded is exactly what was shown, and every later ssh checks the host against it, so a host that answered
 * ssh-keyscan with another key than the real connection's is refused then.
 */

export type SshSpec = Extract<HostSpec, { kind: 'ssh' }>;

/** OpenSSH's words for "no key known for this host" (never for a key that changed). */
export function isUnknownHostKey(stderr: string): boolean {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|POSSIBLE DNS SPOOFING/i.test(stderr)) return false;
  return /No \S+ host key is known for|Host key verification failed/i.test(stderr);
}

/** A host key changed since it was recorded: never offered for acceptance. */
export function isChangedHostKey(stderr: string): boolean {
  return /REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr);
}

/** Where ssh would connect and which known_hosts file it checks, as `ssh -G` resolves it (ssh_config included). */
export interface HostKeyTarget {
  readonly hostname: string;
  readonly port: number;
  /** The name the key is recorded under: HostKeyAlias, `host` on port 22, else `[host]:port`. */
  readonly knownHostsName: string;
  /** The first UserKnownHostsFile: where OpenSSH itself records accepted keys. */
  readonly knownHostsFile: string;
}

/** The `ssh -G` argument array for a host: the same host, port, user and user options discovery uses. */
export function sshConfigArgs(spec: SshSpec, options: DiscoveryOptions): string[] {
  const args = ['-G'];
  if (spec.port !== undefined) args.push('-p', String(spec.port));
  if (spec.user !== undefined) args.push('-l', spec.user);
  for (const o of options.sshOptions ?? []) args.push('-o', parseSshOption(o));
  args.push('--', spec.destination);
  return args;
}

/** Reads `ssh -G` output (lower-case keyword, space, value per line). */
export function parseSshConfigDump(text: string, home = os.homedir()): HostKeyTarget {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line.trim());
    if (m && !values.has(m[1]!)) values.set(m[1]!, m[2]!);
  }
  const hostname = values.get('hostname');
  const port = Number(values.get('port') ?? '22');
  if (!hostname || !/^[A-Za-z0-9._:%-]+$/.test(hostname) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error('ssh -G did not name a host and port');
  }
  const alias = values.get('hostkeyalias');
  const first = (values.get('userknownhostsfile') ?? '~/.ssh/known_hosts').split(' ')[0]!;
  const file = first === '~' || first.startsWith('~/') ? path.join(home, first.slice(1)) : first;
  return {
    hostname,
    port,
    knownHostsName: alias && alias !== 'none' ? alias : port === 22 ? hostname : `[${hostname}]:${port}`,
    knownHostsFile: file,
  };
}

export interface ScannedKey {
  readonly type: string;
  /** The key blob, base64 as in known_hosts. */
  readonly key: string;
  /** As OpenSSH prints it: SHA256:base64-without-padding. */
  readonly fingerprint: string;
}

const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** The keys in ssh-keyscan output (`host type base64` lines; comments and anything malformed skipped). */
export function parseKeyscan(text: string): ScannedKey[] {
  const keys: ScannedKey[] = [];
  for (const line of text.split('\n')) {
    const [, type, key, ...rest] = line.trim().split(/\s+/);
    if (line.startsWith('#') || rest.length > 0 || !type || !key || !KEY_TYPE.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) continue;
    const blob = Buffer.from(key, 'base64');
    // The blob starts with its own type name: a key line whose parts disagree is not a key.
    if (blob.length < 4 || blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') !== type) continue;
    if (keys.some((k) => k.key === key)) continue;
    keys.push({ type, key, fingerprint: fingerprint(blob) });
  }
  return keys;
}

export function fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The ssh-keyscan argument array: the resolved host and port only, never options from data. */
export function keyscanArgs(target: HostKeyTarget, connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT): string[] {
  return ['-T', String(Math.max(1, Math.min(300, Math.round(connectTimeoutSeconds)))), '-p', String(target.port), '--', target.hostname];
}

/** The known_hosts lines that record `keys` for `target`. */
export function knownHostsLines(target: HostKeyTarget, keys: readonly ScannedKey[]): string {
  return keys.map((k) => `${target.knownHostsName} ${k.type} ${k.key}\n`).join('');
}

/** Resolves the target and reads its keys; both through real OpenSSH tools, as argument arrays. */
export async function scanHostKeys(spec: SshSpec, options: DiscoveryOptions): Promise<{ target: HostKeyTarget; keys: ScannedKey[] }> {
  const { execa } = await import('execa');
  const ssh = options.sshPath ?? 'ssh';
  const dump = await execa(ssh, sshConfigArgs(spec, options), { reject: false, timeout: 10_000, env: { LC_ALL: 'C' } });
  if (dump.exitCode !== 0) throw new Error(`ssh -G ${spec.destination} failed: ${String(dump.stderr).slice(0, 300)}`);
  const target = parseSshConfigDump(String(dump.stdout));
  // ssh-keyscan sits beside the ssh binary in every OpenSSH install.
  const keyscan = ssh.includes('/') ? path.join(path.dirname(ssh), 'ssh-keyscan') : 'ssh-keyscan';
  const timeout = options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT;
  const scan = await execa(keyscan, keyscanArgs(target, timeout), { reject: false, timeout: (timeout + 5) * 1000, env: { LC_ALL: 'C' }, maxBuffer: 1024 * 1024 });
  const keys = parseKeyscan(String(scan.stdout ?? ''));
  if (keys.length === 0) throw new Error(`ssh-keyscan got no host key from ${target.hostname} port ${target.port}`);
  return { target, keys };
}

/** Appends the accepted keys to the known_hosts file (created 0600 in a 0700 directory when missing). */
export async function recordHostKeys(target: HostKeyTarget, keys: readonly ScannedKey[]): Promise<void> {
  await mkdir(path.dirname(target.knownHostsFile), { recursive: true, mode: 0o700 });
  await appendFile(target.knownHostsFile, `${(await endsWithoutNewline(target.knownHostsFile)) ? '\n' : ''}${knownHostsLines(target, keys)}`, { mode: 0o600 });
}

/** A file whose last line has no newline would glue our first line to it. */
async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
