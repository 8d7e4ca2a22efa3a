/**
 * Hostile settings: `kvmnet.ssh.options` / `--ssh-option` values that would make OpenSSH run a program
 * (ProxyCommand, LocalCommand, KnownHostsCommand) against a real sshd on 127.0.0.1. First the oracle:
 * the same options handed to ssh directly DO create the marker file (OpenSSH 9.2 runs them). Then the
 * real discovery and runPlan paths: refused with a message naming ~/.ssh/config, no ssh started, no marker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main';
import { discover } from '../../src/core/host/discover';
import { HostSpecError, parseHostSpec } from '../../src/core/host/hostSpec';
import { runPlan } from '../../src/core/host/runPlan';
import { sshArgs } from '../../src/core/host/ssh';
import { startSshd, which, type TestSshd } from '../core/host/sshd';

let sshd: TestSshd;
let dir: string;
let ssh: string;

before(async () => {
  ssh = which('ssh', 'openssh-client');
  sshd = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-hostile-ssh-'));
});
after(() => {
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Hostile option sets, each with the marker file it would create if ssh ran it. One word each (a
 * script path): the old KEY=VALUE check let these through.
 */
function hostileOptions(): { name: string; options: string[]; marker: string }[] {
  const script = (name: string): [string, string] => {
    const marker = path.join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
    const file = `${marker}.sh`;
    writeFileSync(file, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(file, 0o755);
    return [file, marker];
  };
  const [proxy, proxyMarker] = script('proxy');
  const [local, localMarker] = script('local');
  const [known, knownMarker] = script('known');
  const spaced = path.join(dir, `spaced-${Math.random().toString(36).slice(2)}`);
  return [
    { name: 'ProxyCommand', options: [`ProxyCommand=${proxy}`], marker: proxyMarker },
    { name: 'ProxyCommand (sh -c)', options: [`ProxyCommand=sh -c 'touch ${spaced}'`], marker: spaced },
    { name: 'LocalCommand', options: ['PermitLocalCommand=yes', `LocalCommand=${local}`], marker: localMarker },
    { name: 'KnownHostsCommand', options: [`KnownHostsCommand=${known}`, 'StrictHostKeyChecking=no'], marker: knownMarker },
  ];
}

test('oracle: OpenSSH 9.2 really runs these options when handed to it directly', () => {
  const spec = parseHostSpec(sshd.hostSpec);
  assert.equal(spec.kind, 'ssh');
  if (spec.kind !== 'ssh') return;
  for (const { name, options, marker } of hostileOptions()) {
    const safe = sshArgs(spec, { sshOptions: sshd.clientOptions, connectTimeoutSeconds: 5 }, ['true']);
    const raw = [...options.flatMap((o) => ['-o', o]), ...safe];
    const r = spawnSync(ssh, raw, { encoding: 'utf8', timeout: 30_000, input: '' });
    assert.ok(existsSync(marker), `${name}: ssh ran it (exit ${r.status}: ${r.stderr})`);
  }
});

test('discovery with a refused option: no ssh is started, no marker, the error names ~/.ssh/config', async () => {
  const spec = parseHostSpec(sshd.hostSpec);
  const count = path.join(dir, 'ssh-started');
  const wrapper = path.join(dir, 'ssh-wrapper');
  writeFileSync(wrapper, `#!/bin/sh\necho started >> '${count}'\nexec '${ssh}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  for (const { name, options, marker } of hostileOptions()) {
    // The hostile option among valid ones: the whole discovery is refused, not run with the option dropped.
    await assert.rejects(
      discover(spec, { sshPath: wrapper, sshOptions: [...sshd.clientOptions, ...options], connectTimeoutSeconds: 5 }),
      (e: unknown) => e instanceof HostSpecError && /refused/.test(e.message) && e.message.includes('~/.ssh/config'),
      name,
    );
    assert.equal(existsSync(marker), false, `${name}: no marker`);
  }
  assert.equal(existsSync(count), false, 'ssh was never started');
  // The same host and valid options alone do work (the refusal is the option, not the host).
  const ok = await discover(spec, { sshPath: wrapper, sshOptions: sshd.clientOptions, connectTimeoutSeconds: 5 });
  assert.ok(ok.devices.length > 0);
});

test('host actions (runPlan) with a refused option: refused before any step runs, no marker', async () => {
  const spec = parseHostSpec(sshd.hostSpec);
  const step = path.join(dir, 'step-ran');
  const plan = { steps: [{ argv: ['touch', step] }] } as unknown as Parameters<typeof runPlan>[1];
  for (const { name, options, marker } of hostileOptions()) {
    await assert.rejects(runPlan(spec, plan, { sshOptions: [...sshd.clientOptions, ...options] }), /~\/\.ssh\/config/, name);
    assert.equal(existsSync(marker), false, `${name}: no marker`);
    assert.equal(existsSync(step), false, `${name}: no step ran`);
  }
});

test('values that try to smuggle a second option into an allowed key are refused too', async () => {
  const spec = parseHostSpec(sshd.hostSpec);
  const marker = path.join(dir, 'smuggled');
  for (const option of [
    `User=root -oProxyCommand=touch${marker}`,
    `ProxyJump=-oProxyCommand=touch${marker}`,
    `IdentityFile=/dev/null\nProxyCommand=touch ${marker}`,
    `UserKnownHostsFile=%d/x`,
  ]) {
    await assert.rejects(discover(spec, { sshOptions: [...sshd.clientOptions, option], connectTimeoutSeconds: 5 }), HostSpecError, JSON.stringify(option));
  }
  assert.equal(existsSync(marker), false);
});

test('kvmnet CLI: a refused --ssh-option is a usage error (exit 2) naming ~/.ssh/config; nothing runs', async () => {
  const marker = path.join(dir, 'cli-marker');
  const script = `${marker}.sh`;
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`);
  chmodSync(script, 0o755);
  let err = '';
  const code = await main(['devices', '--host', sshd.hostSpec, ...sshd.clientOptions.flatMap((o) => ['--ssh-option', o]), '--ssh-option', `ProxyCommand=${script}`], {
    out: () => undefined,
    err: (t) => (err += t),
    cwd: process.cwd(),
  });
  assert.equal(code, 2);
  assert.match(err, /ssh option ProxyCommand is refused.*~\/\.ssh\/config/);
  assert.equal(existsSync(marker), false);
});
