import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HostSpecError, hostLabel, parseHostSpec, parseSshOption } from '../../../src/core/host/hostSpec';

test('host specs: local, demo, aliases and ssh URLs', () => {
  assert.deepEqual(parseHostSpec('local'), { kind: 'local' });
  assert.deepEqual(parseHostSpec('demo'), { kind: 'demo' });
  assert.deepEqual(parseHostSpec('lab-host.example'), { kind: 'ssh', destination: 'lab-host.example' });
  assert.deepEqual(parseHostSpec('ssh://root@127.0.0.1:2223'), { kind: 'ssh', destination: '127.0.0.1', user: 'root', port: 2223 });
  assert.deepEqual(parseHostSpec('ssh://[::1]:22'), { kind: 'ssh', destination: '::1', port: 22 });
  assert.equal(hostLabel(parseHostSpec('ssh://root@h:2')), 'root@h:2');
});

test('host specs that could smuggle options or shell syntax are rejected', () => {
  for (const bad of ['-oProxyCommand=sh', 'a b', 'h;rm', 'h$(x)', 'h`x`', 'h|x', "h'", 'ssh://-x@h', 'ssh://u@h:99999', 'ssh://u@h:0', 'h\nx']) {
    assert.throws(() => parseHostSpec(bad), HostSpecError, bad);
  }
});

test('parsed ssh destinations never start with - or contain whitespace/metacharacters (property)', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      let spec;
      try {
        spec = parseHostSpec(s);
      } catch (e) {
        assert.ok(e instanceof HostSpecError);
        return;
      }
      if (spec.kind === 'ssh') {
        assert.doesNotMatch(spec.destination, /^-|[\s;&|`$()<>'"\\*?!{}]/);
        if (spec.user) assert.doesNotMatch(spec.user, /^-|[\s;&|`$()<>'"\\]/);
      }
    }),
    { numRuns: 5000 },
  );
});

test('ssh options are KEY=VALUE without whitespace', () => {
  assert.equal(parseSshOption('ConnectTimeout=5'), 'ConnectTimeout=5');
  for (const bad of ['ConnectTimeout', '=x', 'A=b c', '-oX=y', 'Proxy Command=x']) assert.throws(() => parseSshOption(bad), HostSpecError, bad);
});

/** Keys that run a program, load code, forward credentials or ports, or read more config (OpenSSH 9.2 ssh_config). */
const REFUSED = [
  'ProxyCommand=sh -c "touch /tmp/x"', 'ProxyCommand=touch', 'proxycommand=touch', 'PROXYCOMMAND=touch', 'LocalCommand=touch',
  'PermitLocalCommand=yes', 'KnownHostsCommand=/bin/true', 'ForwardAgent=yes', 'RemoteCommand=reboot', 'ForwardX11=yes',
  'ForwardX11Trusted=yes', 'XAuthLocation=/tmp/x', 'PKCS11Provider=/tmp/x.so', 'SecurityKeyProvider=/tmp/x.so',
  'EnableSSHKeysign=yes', 'GSSAPIDelegateCredentials=yes', 'SendEnv=LANG', 'SetEnv=A=b', 'LocalForward=8080:localhost:80',
  'RemoteForward=8080:localhost:80', 'DynamicForward=1080', 'Include=/tmp/evil', 'Match=exec', 'Host=*', 'ControlPath=/tmp/c',
  'ControlMaster=yes', 'ControlPersist=yes', 'ProxyUseFdpass=yes', 'IdentityAgent=/tmp/agent', 'AddKeysToAgent=yes',
  'EscapeChar=~', 'IgnoreUnknown=*', 'Hostname=evil', 'RequestTTY=yes', 'SessionType=none', 'StdinNull=yes', 'Tunnel=yes',
];

test('ssh options that run programs or forward credentials are refused, pointing to ~/.ssh/config', () => {
  for (const bad of REFUSED) {
    assert.throws(() => parseSshOption(bad), (e: unknown) => e instanceof HostSpecError && /~\/\.ssh\/config/.test(e.message) && /refused/.test(e.message), bad);
  }
  assert.throws(() => parseSshOption('ProxyCommand=x'), /runs a program, forwards credentials/);
});

test('BatchMode is never the user\'s: kvmnet always sets BatchMode=yes', () => {
  for (const v of ['BatchMode=no', 'BatchMode=yes', 'batchmode=no']) assert.throws(() => parseSshOption(v), /BatchMode=yes/, v);
});

test('allow-listed connection options pass, canonically spelled', () => {
  const ok: [string, string][] = [
    ['Port=2222', 'Port=2222'],
    ['user=root', 'User=root'],
    ['IdentityFile=~/.ssh/id_ed25519', 'IdentityFile=~/.ssh/id_ed25519'],
    ['IdentitiesOnly=yes', 'IdentitiesOnly=yes'],
    ['ProxyJump=bastion', 'ProxyJump=bastion'],
    ['ProxyJump=admin@jump1:2222,jump2', 'ProxyJump=admin@jump1:2222,jump2'],
    ['ProxyJump=ssh://u@[::1]:22', 'ProxyJump=ssh://u@[::1]:22'],
    ['ProxyJump=none', 'ProxyJump=none'],
    ['StrictHostKeyChecking=accept-new', 'StrictHostKeyChecking=accept-new'],
    ['UserKnownHostsFile=/dev/null', 'UserKnownHostsFile=/dev/null'],
    ['HostKeyAlias=lab', 'HostKeyAlias=lab'],
    ['ConnectTimeout=5', 'ConnectTimeout=5'],
    ['ServerAliveInterval=15', 'ServerAliveInterval=15'],
    ['ServerAliveCountMax=3', 'ServerAliveCountMax=3'],
    ['CertificateFile=/home/u/.ssh/id-cert.pub', 'CertificateFile=/home/u/.ssh/id-cert.pub'],
    ['LogLevel=ERROR', 'LogLevel=ERROR'],
    ['Ciphers=-3des-cbc', 'Ciphers=-3des-cbc'],
    ['KexAlgorithms=+diffie-hellman-group14-sha1,curve25519-sha256@libssh.org', 'KexAlgorithms=+diffie-hellman-group14-sha1,curve25519-sha256@libssh.org'],
  ];
  for (const [input, out] of ok) assert.equal(parseSshOption(input), out, input);
});

test('allowed keys with values that smuggle tokens, options or a second word are refused', () => {
  for (const bad of [
    'ProxyJump=-oProxyCommand=touch', 'ProxyJump=bastion,-x', 'ProxyJump=a b', 'ProxyJump=u@h;reboot', 'ProxyJump=$(id)',
    'IdentityFile=~/.ssh/id_%h', 'IdentityFile=${HOME}/.ssh/k', 'IdentityFile=-x', 'IdentityFile="a b"', 'UserKnownHostsFile=/dev/null #x',
    'Port=0', 'Port=65536', 'Port=22x', 'ConnectTimeout=0', 'ConnectTimeout=9999', 'User=-root', 'User=a b', 'HostKeyAlias=-x',
    'StrictHostKeyChecking=maybe', 'Port=', 'User=root\nProxyCommand=touch x', 'LogLevel=ERROR ProxyCommand=x',
  ]) {
    assert.throws(() => parseSshOption(bad), HostSpecError, JSON.stringify(bad));
  }
});

test('every ssh option that passes is one -o word: no whitespace, quotes, tokens or leading - in the value (property)', () => {
  const keys = ['Port', 'User', 'IdentityFile', 'ProxyJump', 'UserKnownHostsFile', 'HostKeyAlias', 'Ciphers', 'LogLevel', 'ProxyCommand', 'BatchMode'];
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.string({ maxLength: 40 }), (key, value) => {
      let out: string;
      try {
        out = parseSshOption(`${key}=${value}`);
      } catch (e) {
        assert.ok(e instanceof HostSpecError);
        return;
      }
      assert.ok(!['ProxyCommand', 'BatchMode'].includes(key));
      const v = out.slice(out.indexOf('=') + 1);
      assert.doesNotMatch(v, /[\s"'\\#%$`;|&<>()]/);
      if (key !== 'Ciphers') assert.doesNotMatch(v, /^-/);
      if (key === 'ProxyJump') for (const hop of v.split(',')) assert.doesNotMatch(hop.replace(/^ssh:\/\//, ''), /^-/);
    }),
    { numRuns: 5000 },
  );
});
