// Oracle: a real sshd on 127.0.0.1 with a fresh host key, real ssh, ssh-keyscan and ssh-keygen.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover, UnknownHostKeyError } from '../../../src/core/host/discover';
import { recordHostKeys, scanHostKeys } from '../../../src/core/host/hostKey';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { startSshd, which, type TestSshd } from './sshd';

let sshd: TestSshd;
let dir: string;
before(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-hostkey-'));
});
after(() => {
  sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The test key, checked against `file` (no StrictHostKeyChecking=no, no /dev/null). */
const options = (file: string) => ({
  sshOptions: [...sshd.clientOptions.filter((o) => !/^(StrictHostKeyChecking|UserKnownHostsFile)=/.test(o)), `UserKnownHostsFile=${file}`],
  controlDir: false as const,
  connectTimeoutSeconds: 10,
});

test('unknown host: discovery refuses with UnknownHostKeyError; the scanned fingerprint is ssh-keygen\'s; once recorded, discovery works', async () => {
  const file = path.join(dir, 'ssh', 'known_hosts');
  const spec = parseHostSpec(sshd.hostSpec);
  assert.equal(spec.kind, 'ssh');
  if (spec.kind !== 'ssh') return;
  await assert.rejects(discover(spec, options(file)), UnknownHostKeyError);

  const { target, keys } = await scanHostKeys(spec, options(file));
  assert.equal(target.knownHostsFile, file);
  const expected = spawnSync(which('ssh-keygen', 'openssh-client'), ['-lf', path.join(sshd.dir, 'host_key.pub')], { encoding: 'utf8' }).stdout.split(' ')[1];
  assert.deepEqual(keys.map((k) => k.fingerprint), [expected]);

  await recordHostKeys(target, keys);
  assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const snapshot = await discover(spec, options(file));
  assert.equal(snapshot.partial, undefined);
  assert.ok(snapshot.devices.length > 0);
});

test('a recorded key that differs (a changed host) is refused, and not as an unknown key', async () => {
  const file = path.join(dir, 'changed_known_hosts');
  const other = path.join(dir, 'other');
  spawnSync(which('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const [type, key] = readFileSync(`${other}.pub`, 'utf8').split(' ');
  // No newline at the end: recording after it must not glue two lines together.
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${type} ${key}`);
  const spec = parseHostSpec(sshd.hostSpec);
  if (spec.kind !== 'ssh') return assert.fail('ssh spec');
  const refused = await discover(spec, options(file)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(refused instanceof Error && !(refused instanceof UnknownHostKeyError), String(refused));
  assert.match(refused.message, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key/i);
  const { target, keys } = await scanHostKeys(spec, options(path.join(dir, 'unused')));
  await recordHostKeys({ ...target, knownHostsFile: file }, keys);
  assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 2);
});
