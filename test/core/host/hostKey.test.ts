import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isChangedHostKey, isUnknownHostKey, knownHostsLines, parseKeyscan, parseSshConfigDump } from '../../../src/core/host/hostKey';

// A real ed25519 public key blob (type name, then the 32-byte key), as ssh-keyscan prints it.
const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]).toString('base64');

test('OpenSSH refusing an unknown key is recognised; a changed key never is', () => {
  assert.ok(isUnknownHostKey('No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.'));
  assert.ok(isUnknownHostKey('Host key verification failed.'));
  const changed = '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.';
  assert.ok(!isUnknownHostKey(changed));
  assert.ok(isChangedHostKey(changed));
  assert.ok(!isUnknownHostKey('Permission denied (publickey).'));
});

test('ssh-keyscan output: keys with OpenSSH fingerprints; comments, junk and mismatched types skipped', () => {
  const keys = parseKeyscan(`# 127.0.0.1:22 SSH-2.0-OpenSSH_9.2\n[127.0.0.1]:2222 ssh-ed25519 ${blob}\n[127.0.0.1]:2222 ssh-rsa ${blob}\nx ssh-ed25519 !!!\n\n`);
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.type, 'ssh-ed25519');
  assert.match(keys[0]!.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('ssh -G output: host, port, the name recorded and the first known_hosts file (~ expanded)', () => {
  const t = parseSshConfigDump('user root\nhostname 127.0.0.1\nport 2222\nuserknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2\n', '/home/u');
  assert.deepEqual(t, { hostname: '127.0.0.1', port: 2222, knownHostsName: '[127.0.0.1]:2222', knownHostsFile: '/home/u/.ssh/known_hosts' });
  assert.equal(parseSshConfigDump('hostname kvm1.example\nport 22\nhostkeyalias kvm1\n').knownHostsName, 'kvm1');
  assert.equal(parseSshConfigDump('hostname kvm1.example\nport 22\n').knownHostsName, 'kvm1.example');
  assert.equal(knownHostsLines(t, [{ type: 'ssh-ed25519', key: blob, fingerprint: 'x' }]), `[127.0.0.1]:2222 ssh-ed25519 ${blob}\n`);
  assert.throws(() => parseSshConfigDump('hostname a b\nport 22\n'), /did not name a host/);
  assert.throws(() => parseSshConfigDump('hostname h\nport 99999\n'), /did not name a host/);
});

test('untrusted text never crashes the parsers; a key line is recorded only as parsed', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      for (const k of parseKeyscan(text)) assert.doesNotMatch(`${k.type} ${k.key}`, /[\n\r]/);
      try {
        const t = parseSshConfigDump(text);
        assert.doesNotMatch(t.knownHostsName, /\s/);
      } catch (e) {
        assert.match((e as Error).message, /did not name a host/);
      }
    }),
  );
});
