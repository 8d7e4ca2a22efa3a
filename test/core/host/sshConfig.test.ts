import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sshConfigHosts } from '../../../src/core/host/sshConfig';
import { parseHostSpec } from '../../../src/core/host/hostSpec';

test('concrete Host aliases only: patterns, negations and unsafe names are skipped', () => {
  const config = [
    'Host *',
    '  ServerAliveInterval 30',
    'Host lab-vm kvm01.example.com # the lab',
    '  HostName 192.0.2.10',
    'Host=bastion',
    'host web-* !web-3 db?',
    'Host -oProxyCommand=x "quoted" a;b',
    'Match host foo',
    'Host lab-vm',
  ].join('\n');
  assert.deepEqual(sshConfigHosts(config), ['lab-vm', 'kvm01.example.com', 'bastion', 'quoted']);
});

test('fuzz: whatever the file says, every offered alias is a valid ssh host spec', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.string().map((s) => `Host ${s}`)), { maxLength: 20 }), (lines) => {
      for (const a of sshConfigHosts(lines.join('\n'))) assert.equal(parseHostSpec(a).kind, 'ssh');
    }),
  );
});
