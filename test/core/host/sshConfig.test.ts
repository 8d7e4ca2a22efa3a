import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sshConfigHosts, sshConfigHostsWithIncludes, type SshConfigFs } from '../../../src/core/host/sshConfig';
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

/** An in-memory file system: paths → contents; directories are implied by the paths. */
function memFs(files: Record<string, string>): SshConfigFs & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (f) => {
      reads.push(f);
      return Promise.resolve(files[f]);
    },
    readdir: (d) => {
      const prefix = d.endsWith('/') ? d : `${d}/`;
      const names = Object.keys(files).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]!);
      return Promise.resolve(names.length ? [...new Set(names)] : undefined);
    },
  };
}

test('Includes: relative to ~/.ssh, ~/ and absolute paths, globs sorted, in file order, Match blocks ignored', async () => {
  const fs = memFs({
    '/h/.ssh/config': ['Host first', 'Include conf.d/*.conf ~/other "/etc/kvm hosts"', 'Match host x exec "true"', '  Include /abs/in-match', 'Host last first'].join('\n'),
    '/h/.ssh/conf.d/b.conf': 'Host b-host\n',
    '/h/.ssh/conf.d/a.conf': 'Host a-host *.lab\n',
    '/h/.ssh/conf.d/.hidden.conf': 'Host hidden\n',
    '/h/.ssh/conf.d/notes.txt': 'Host not-included\n',
    '/h/other': 'Host=other-host\nInclude missing/*\n',
    '/abs/in-match': 'Host from-match-block\n',
    '/etc/kvm hosts': 'Host "spaced alias" quoted-file-host\n',
  });
  assert.deepEqual(await sshConfigHostsWithIncludes('/h/.ssh/config', '/h', fs), ['first', 'a-host', 'b-host', 'other-host', 'quoted-file-host', 'from-match-block', 'last']);
});

test('Includes: a loop or a deep chain ends; an absent config gives nothing', async () => {
  const loop = memFs({ '/h/.ssh/config': 'Host one\nInclude config\nInclude ~/.ssh/two', '/h/.ssh/two': 'Host two\nInclude config *' });
  assert.deepEqual(await sshConfigHostsWithIncludes('/h/.ssh/config', '/h', loop), ['one', 'two']);
  assert.deepEqual(loop.reads, ['/h/.ssh/config', '/h/.ssh/two'], 'each file read once');
  const chain: Record<string, string> = {};
  for (let i = 0; i < 40; i++) chain[`/h/.ssh/c${i}`] = `Host h${i}\nInclude c${i + 1}`;
  const deep = await sshConfigHostsWithIncludes('/h/.ssh/c0', '/h', memFs(chain));
  assert.equal(deep.length, 17, 'ssh reads at most 16 levels of Include below the config');
  assert.deepEqual(await sshConfigHostsWithIncludes('/h/.ssh/config', '/h', memFs({})), []);
});

test('fuzz: with Includes, whatever the files say, reading ends and every alias is a valid ssh host spec', async () => {
  const line = fc.oneof(fc.string(), fc.string().map((s) => `Host ${s}`), fc.constantFrom('Include *', 'Include ~/*', 'Include a b', 'Include /h/.ssh/config'));
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.constantFrom('/h/.ssh/config', '/h/.ssh/a', '/h/.ssh/b', '/h/x'), fc.array(line, { maxLength: 8 })), async (files) => {
      const fs = memFs(Object.fromEntries(Object.entries(files).map(([f, lines]) => [f, lines.join('\n')])));
      for (const a of await sshConfigHostsWithIncludes('/h/.ssh/config', '/h', fs)) assert.equal(parseHostSpec(a).kind, 'ssh');
    }),
    { numRuns: 200 },
  );
});
