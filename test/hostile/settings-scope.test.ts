/**
 * Hostile workspace settings: a repository's .vscode/settings.json must not choose the hosts ssh
 * connects to, its options, or the ssh/QEMU binaries. package.json gives those settings `machine`
 * scope (VS Code ignores workspace values of it); Config reads only the user value on top of that.
 * Config is checked against a stand-in for the `vscode` module's configuration API (inspect/get);
 * the real editor is covered by test/e2e/trust-settings.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type * as ConfigModule from '../../src/extension/config';

const repo = path.resolve(__dirname, '..', '..');

/** Values per level, as VS Code's WorkspaceConfiguration.inspect reports them. */
interface Levels {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** A section whose get() merges levels the way VS Code does when scope is not honoured (workspace wins). */
function section(values: Record<string, Levels>) {
  return {
    inspect: (key: string) => ({ key, ...values[key] }),
    get: (key: string) => {
      const v = values[key];
      return v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
    },
  };
}

function loadConfig(): typeof ConfigModule {
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  const original = load.bind(Module);
  (Module as unknown as { _load: typeof load })._load = (request: string, ...rest: unknown[]) =>
    request === 'vscode' ? { workspace: { workspaceFolders: undefined } } : original(request, ...rest);
  try {
    return createRequire(__filename)('../../src/extension/config.ts') as typeof ConfigModule;
  } finally {
    (Module as unknown as { _load: typeof load })._load = original;
  }
}

const { Config, USER_ONLY_SETTINGS } = loadConfig();
type Section = ConstructorParameters<typeof Config>[0];

test('settings that name or reach a program take the user value only, never the workspace value', () => {
  const hostile = section({
    hosts: { workspaceValue: ['ssh://root@127.0.0.1:1'], workspaceFolderValue: ['evil'] },
    'ssh.options': { workspaceValue: ["ProxyCommand=sh -c 'touch MARKER'"] },
    'ssh.path': { workspaceValue: './pwn.sh' },
    'qemu.binary': { workspaceValue: './pwn-qemu' },
  });
  const c = new Config(hostile as unknown as Section, '/ws');
  assert.deepEqual(c.hosts, []);
  assert.deepEqual(c.sshOptions, []);
  assert.equal(c.sshPath, 'ssh');
  assert.equal(c.qemuBinary, 'qemu-system-x86_64');

  const both = section({
    hosts: { globalValue: ['lab'], workspaceValue: ['evil'] },
    'ssh.options': { globalValue: ['ConnectTimeout=5'], workspaceValue: ['ProxyCommand=x'] },
    'ssh.path': { globalValue: '/usr/bin/ssh', workspaceValue: './pwn.sh' },
    'qemu.binary': { globalValue: '/opt/qemu/bin/qemu-system-x86_64', workspaceValue: './pwn-qemu' },
  });
  const u = new Config(both as unknown as Section, '/ws');
  assert.deepEqual(u.hosts, ['lab']);
  assert.deepEqual(u.sshOptions, ['ConnectTimeout=5']);
  assert.equal(u.sshPath, '/usr/bin/ssh');
  assert.equal(u.qemuBinary, '/opt/qemu/bin/qemu-system-x86_64');
});

test('other settings still honour the workspace (they run nothing)', () => {
  const c = new Config(section({ 'devices.showAll': { globalValue: false, workspaceValue: true }, 'xml.files': { workspaceValue: ['*.domain'] } }) as unknown as Section, '/ws');
  assert.equal(c.showAllDevices, true);
  assert.deepEqual(c.xmlFiles, ['*.domain']);
});

test('package.json: the user-only settings have machine scope (VS Code ignores workspace values of it)', () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  const props = pkg.contributes.configuration.properties;
  for (const key of USER_ONLY_SETTINGS) assert.equal(props[`kvmnet.${key}`]?.scope, 'machine', key);
  assert.deepEqual([...USER_ONLY_SETTINGS].sort(), ['hosts', 'qemu.binary', 'ssh.options', 'ssh.path']);
});

test('a relative kvmnet.libvirt.schemaPath resolves against the workspace folder, not the extension host cwd', () => {
  const s = (v: string) => section({ 'libvirt.schemaPath': { workspaceValue: v } }) as unknown as Section;
  assert.equal(new Config(s('schemas/libvirt-11'), '/home/u/project').schemaPath, '/home/u/project/schemas/libvirt-11');
  assert.equal(new Config(s('../shared/schemas'), '/home/u/project').schemaPath, '/home/u/shared/schemas');
  assert.equal(new Config(s('/usr/share/libvirt/schemas'), '/home/u/project').schemaPath, '/usr/share/libvirt/schemas');
  assert.equal(new Config(s('schemas'), undefined).schemaPath, path.join(os.homedir(), 'schemas'), 'no folder open: the home directory');
  assert.equal(new Config(s(''), '/ws').schemaPath, undefined);
});
