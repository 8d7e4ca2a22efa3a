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
