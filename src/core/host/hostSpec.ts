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

// ---- ssh -o options ------------------------------------------------------------------------

type ValueCheck = (value: string) => boolean;
const oneOf =
  (...words: string[]): ValueCheck =>
  (v) => words.includes(v.toLowerCase());
const intIn =
  (min: number, max: number): ValueCheck =>
  (v) => /^\d{1,6}$/.test(v) && Number(v) >= min && Number(v) <= max;
const yesNo = oneOf('yes', 'no');
/** A path: no tokens (%h), no ${VAR}, no quotes or comment; `~/` is fine (ssh expands it itself). */
const filePath: ValueCheck = (v) => /^[A-Za-z0-9_.,:@/+~-]+$/.test(v) && !v.startsWith('-');
/** Algorithm lists: names, commas and ssh's +, -, ^ prefixes (append, remove, put first). */
const algorithms: ValueCheck = (v) => /^[+^-]?[A-Za-z0-9_.@-]+(?:,[A-Za-z0-9_.@-]+)*$/.test(v);
const hostName: ValueCheck = (v) => HOST_NAME.test(v);
/** ProxyJump: `none` or [user@]host[:port] hops (or ssh:// URLs), none starting with '-'. */
const jumpHosts: ValueCheck = (v) =>
  v.toLowerCase() === 'none' ||
  v.split(',').every((hop) => {
    const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@[\]]+)(?::(\d{1,5}))?$/.exec(hop);
    if (!m) return false;
    const [, user, host, port] = m;
    return (user === undefined || USER_NAME.test(user)) && (host!.startsWith('[') || HOST_NAME.test(host!)) && (port === undefined || intIn(1, 65535)(port));
  });

/**
 * The ssh options a setting or flag may pass (OpenSSH 9.2 keywords): how to reach and authenticate
 * to a host, nothing that runs a program, loads a library, forwards credentials or ports, or reads
 * more config. Everything else belongs in ~/.ssh/config, where the user sets it on purpose.
 */
const ALLOWED_SSH_OPTIONS: Readonly<Record<string, readonly [name: string, check: ValueCheck]>> = Object.fromEntries(
  (
    [
      ['Port', intIn(1, 65535)],
      ['User', (v) => USER_NAME.test(v)],
      ['IdentityFile', filePath],
      ['CertificateFile', filePath],
      ['IdentitiesOnly', yesNo],
      ['ProxyJump', jumpHosts],
      ['StrictHostKeyChecking', oneOf('yes', 'no', 'accept-new', 'off', 'ask')],
      ['UserKnownHostsFile', (v) => v.split(',').every(filePath)],
      ['GlobalKnownHostsFile', (v) => v.split(',').every(filePath)],
      ['HostKeyAlias', hostName],
      ['CheckHostIP', yesNo],
      ['ConnectTimeout', intIn(1, 300)],
      ['ConnectionAttempts', intIn(1, 10)],
      ['ServerAliveInterval', intIn(0, 3600)],
      ['ServerAliveCountMax', intIn(0, 100)],
      ['TCPKeepAlive', yesNo],
      ['Compression', yesNo],
      ['AddressFamily', oneOf('any', 'inet', 'inet6')],
      ['BindAddress', hostName],
      ['LogLevel', oneOf('quiet', 'fatal', 'error', 'info', 'verbose', 'debug', 'debug1', 'debug2', 'debug3')],
      ['PreferredAuthentications', algorithms],
      ['PubkeyAuthentication', oneOf('yes', 'no', 'unbound', 'host-bound')],
      ['PasswordAuthentication', yesNo],
      ['KbdInteractiveAuthentication', yesNo],
      ['HostbasedAuthentication', yesNo],
      ['GSSAPIAuthentication', yesNo],
      ['Ciphers', algorithms],
      ['MACs', algorithms],
      ['KexAlgorithms', algorithms],
      ['HostKeyAlgorithms', algorithms],
      ['PubkeyAcceptedAlgorithms', algorithms],
      ['CASignatureAlgorithms', algorithms],
      ['RequiredRSASize', intIn(1024, 16384)],
      ['UpdateHostKeys', oneOf('yes', 'no', 'ask')],
      ['VerifyHostKeyDNS', oneOf('yes', 'no', 'ask')],
      ['HashKnownHosts', yesNo],
      ['NoHostAuthenticationForLocalhost', yesNo],
    ] satisfies [string, ValueCheck][]
  ).map(([name, check]) => [name.toLowerCase(), [name, check]]),
);

/** Options kvmnet always sets itself: a user value would change how discovery behaves, not just how it connects. */
const FIXED_SSH_OPTIONS: Readonly<Record<string, string>> = {
  batchmode: 'kvmnet always runs ssh with BatchMode=yes (a password prompt would hang the views)',
};

/** Keywords that run a program, load code, forward credentials/ports or change what runs on the host. */
const DANGEROUS = new Set(
  [
    'ProxyCommand', 'LocalCommand', 'PermitLocalCommand', 'KnownHostsCommand', 'RemoteCommand', 'ForwardAgent', 'ForwardX11',
    'ForwardX11Trusted', 'XAuthLocation', 'PKCS11Provider', 'SecurityKeyProvider', 'EnableSSHKeysign', 'GSSAPIDelegateCredentials',
    'SendEnv', 'SetEnv', 'LocalForward', 'RemoteForward', 'DynamicForward', 'Include', 'Match', 'Host', 'ControlPath',
    'ControlMaster', 'ControlPersist', 'ProxyUseFdpass', 'IdentityAgent', 'AddKeysToAgent', 'EscapeChar',
  ].map((k) => k.toLowerCase()),
);

/** Never in a value: whitespace, quotes and comments (ssh would read more words), %tokens and ${VAR} (expanded). */
const UNSAFE_VALUE = /[\s"'\\#%$`;|&<>(){}*?!]/;

/**
 * One `ssh -o` option from a KEY=VALUE string (a setting or --ssh-option: untrusted), returned as
 * the canonical `Key=value`. Only allow-listed keys with a value of the expected shape pass: one
 * word, no %tokens or ${VAR}, no quotes, nothing ssh would read as a second option.
 */
export function parseSshOption(option: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(option.trim());
  if (!m) throw new HostSpecError(`invalid ssh option '${printable(option)}': expected KEY=VALUE (for example ConnectTimeout=5)`);
  const [, key, value] = m as unknown as [string, string, string];
  const lower = key.toLowerCase();
  const fixed = FIXED_SSH_OPTIONS[lower];
  if (fixed) throw new HostSpecError(`ssh option ${key} is refused: ${fixed}`);
  const allowed = ALLOWED_SSH_OPTIONS[lower];
  if (!allowed) {
    const why = DANGEROUS.has(lower) ? 'it runs a program, forwards credentials or ports, or reads other config' : 'it is not on kvmnet\'s allow-list of connection options';
    throw new HostSpecError(`ssh option ${key} is refused: ${why}. Set it for the host in ~/.ssh/config, where you choose it on purpose`);
  }
  const [name, check] = allowed;
  if (value === '' || value.length > 1024 || UNSAFE_VALUE.test(value) || !check(value)) {
    throw new HostSpecError(`invalid value for ssh option ${name}: '${printable(value)}' (one word, no %tokens, \${VAR}, quotes or whitespace; set anything else in ~/.ssh/config)`);
  }
  return `${name}=${value}`;
}

/** An untrusted value as it may appear in a message: control characters shown as '?', bounded length. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
