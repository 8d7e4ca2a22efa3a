/**
 * Where device discovery and readiness checks run. Parsed from the CLI's
 * `--host` value or a `kvmnet.hosts` entry; both are untrusted input, so an
 * ssh destination is checked strictly before it can reach a command line.
 */
export type HostSpec =
  | { readonly kind: 'local' }
  | { readonly kind: 'demo' }
  | { readonly kind: 'ssh'; readonly destination: string; readonly user?: string; readonly port?: number };

/** Characters OpenSSH accepts in a host alias or name; excludes whitespace, shell metacharacters and option syntax. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.%+:\[\]-]{0,252})$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

export class HostSpecError extends Error {}

export function parseHostSpec(value: string): HostSpec {
  const v = value.trim();
  if (v === '' || v === 'local') return { kind: 'local' };
  if (v === 'demo') return { kind: 'demo' };
  if (v.startsWith('ssh://')) return parseSshUrl(v);
  if (!HOST_NAME.test(v)) {
    throw new HostSpecError(
      `invalid host '${value}': expected 'local', 'demo', an ssh alias or ssh://user@host:port (no leading '-', whitespace or shell metacharacters)`,
    );
  }
  return { kind: 'ssh', destination: v };
}

function parseSshUrl(v: string): HostSpec {
  const m = /^ssh:\/\/(?:([^@/]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:/@]+)(?::(\d{1,5}))?\/?$/.exec(v);
  if (!m) throw new HostSpecError(`invalid ssh URL '${v}': expected ssh://[user@]host[:port]`);
  const [, user, rawHost, rawPort] = m;
  const bracketed = rawHost!.startsWith('[');
  const host = bracketed ? rawHost!.slice(1, -1) : rawHost!;
  if (!bracketed && !HOST_NAME.test(host)) throw new HostSpecError(`invalid host name '${host}' in '${v}'`);
  if (user !== undefined && !USER_NAME.test(user)) throw new HostSpecError(`invalid user name '${user}' in '${v}'`);
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && (port < 1 || port > 65535)) throw new HostSpecError(`invalid port ${rawPort} in '${v}'`);
  return { kind: 'ssh', destination: host, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}

/** A short label for trees and messages. */
export function hostLabel(spec: HostSpec): string {
  switch (spec.kind) {
    case 'local':
      return 'This machine';
    case 'demo':
      return 'Demo host (embedded)';
    case 'ssh':
      return `${spec.user ? `${spec.user}@` : ''}${spec.destination}${spec.port ? `:${spec.port}` : ''}`;
  }
}

/** `ssh -o` options from KEY=VALUE strings; keys are alphanumeric, values cannot smuggle new options. */
export function parseSshOption(option: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]*)=([^\s\0]*)$/.exec(option.trim());
  if (!m) throw new HostSpecError(`invalid ssh option '${option}': expected KEY=VALUE (for example ConnectTimeout=5)`);
  return `${m[1]}=${m[2]}`;
}
