// Oracle: real ssh asking for a key passphrase through the askpass program (src/askpass/main.ts, bundled here),
// answered over its socket by a stand-in for the editor; a real sshd on 127.0.0.1 takes the key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { encode, isHostKeyQuestion, parseRequest, type Askpass, type AskpassRequest } from '../../../src/core/host/askpass';
import { discover, UnknownHostKeyError } from '../../../src/core/host/discover';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { createTempUser, startSshd, which, type TestSshd } from './sshd';

const PASSPHRASE = 'correct horse';
let sshd: TestSshd;
let dir: string;
let askpass: Askpass;
let server: net.Server;
let answer: string | undefined;
const asked: AskpassRequest[] = [];

before(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-askpass-'));
  const key = path.join(dir, 'key');
  assert.equal(spawnSync(which('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', key]).status, 0);
  appendFileSync(path.join(sshd.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
  await esbuild.build({ entryPoints: [path.join(import.meta.dirname, '../../../src/askpass/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'askpass.js'), logLevel: 'silent' });
  const program = path.join(dir, 'askpass.sh');
  writeFileSync(program, '#!/bin/sh\nexec "$KVMNET_ASKPASS_NODE" "$KVMNET_ASKPASS_MAIN" "$@"\n', { mode: 0o700 });
  const socket = path.join(dir, 'sock');
  server = net.createServer((c) => {
    c.setEncoding('utf8');
    c.once('data', (line: string) => {
      const req = parseRequest(line.trim());
      if (!req || req.token !== 'tok') return c.destroy();
      asked.push(req);
      // As the editor does: ssh's host key question is answered no (the editor asks with its own prompt).
      c.end(encode(isHostKeyQuestion(req.prompt) ? { answer: 'no' } : answer === undefined ? { cancelled: true } : { answer }));
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  askpass = { program, env: { KVMNET_ASKPASS_SOCKET: socket, KVMNET_ASKPASS_TOKEN: 'tok', KVMNET_ASKPASS_NODE: process.execPath, KVMNET_ASKPASS_MAIN: path.join(dir, 'askpass.js') } };
  sshd.clientOptions.splice(0, 1, `IdentityFile=${key}`);
});
after(() => {
  server?.close();
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const spec = () => {
  const s = parseHostSpec(sshd.hostSpec);
  assert.equal(s.kind, 'ssh');
  return s;
};

test('a passphrase-protected key: ssh asks through askpass, the answer unlocks it, discovery works', async () => {
  answer = PASSPHRASE;
  const snapshot = await discover(spec(), { sshOptions: sshd.clientOptions, askpass, controlDir: false, connectTimeoutSeconds: 10 });
  assert.equal(snapshot.partial, undefined);
  assert.match(asked.at(-1)!.prompt, /Enter passphrase for key/);
  assert.match(asked.at(-1)!.host, /127\.0\.0\.1/);
});

test('cancelled: ssh gives up at once with its own error (no hang); without askpass ssh never asks', async () => {
  answer = undefined;
  const before = asked.length;
  await assert.rejects(discover(spec(), { sshOptions: sshd.clientOptions, askpass, controlDir: false, connectTimeoutSeconds: 10 }), /Permission denied/);
  assert.ok(asked.length > before);
  const n = asked.length;
  await assert.rejects(discover(spec(), { sshOptions: sshd.clientOptions, controlDir: false, connectTimeoutSeconds: 10 }), /Permission denied/);
  assert.equal(asked.length, n, 'BatchMode: no question');
});

test('a request with the wrong token gets no answer', async () => {
  const bad = { ...askpass, env: { ...askpass.env, KVMNET_ASKPASS_TOKEN: 'wrong' } };
  answer = PASSPHRASE;
  const n = asked.length;
  await assert.rejects(discover(spec(), { sshOptions: sshd.clientOptions, askpass: bad, controlDir: false, connectTimeoutSeconds: 10 }), /Permission denied/);
  assert.equal(asked.length, n);
});

test("an unknown host key: ssh's own question is answered no, so discovery fails as an unknown host key; the user's ssh config still decides", async () => {
  answer = PASSPHRASE;
  const known = path.join(dir, 'known_hosts_empty');
  writeFileSync(known, '');
  const options = [...sshd.clientOptions.filter((o) => !/^(StrictHostKeyChecking|UserKnownHostsFile)=/.test(o)), `UserKnownHostsFile=${known}`];
  const n = asked.length;
  await assert.rejects(discover(spec(), { sshOptions: options, askpass, controlDir: false, connectTimeoutSeconds: 10 }), UnknownHostKeyError);
  assert.ok(asked.slice(n).some((r) => isHostKeyQuestion(r.prompt)), 'ssh asked about the key through askpass');
  assert.equal(readFileSync(known, 'utf8'), '', 'nothing recorded');
  // `StrictHostKeyChecking accept-new` (as in a user's ~/.ssh/config) is not overridden: ssh records the key itself.
  const snapshot = await discover(spec(), { sshOptions: [...options, 'StrictHostKeyChecking=accept-new'], askpass, controlDir: false, connectTimeoutSeconds: 10 });
  assert.equal(snapshot.partial, undefined);
  assert.match(readFileSync(known, 'utf8'), /ssh-ed25519|ecdsa|ssh-rsa/);
});

/** A login that is no key: a throw-away account with a password, on an sshd of its own that asks for it. */
async function passwordLogin(auth: 'password' | 'keyboard-interactive', password: string) {
  const own = await startSshd({ auth });
  const user = createTempUser(own, { password });
  const login = parseHostSpec(`ssh://${user.name}@127.0.0.1:${own.port}`);
  const sshOptions = [...own.clientOptions.filter((o) => !o.startsWith('IdentityFile=')), 'PubkeyAuthentication=no', `PreferredAuthentications=${auth}`];
  return { login, sshOptions, stop: () => (user.remove(), own.stop()) };
}

for (const auth of ['password', 'keyboard-interactive'] as const) {
  test(`a ${auth} login: ssh's prompt goes through askpass, the answer logs in, a wrong one fails without a hang`, async () => {
    const { login, sshOptions, stop } = await passwordLogin(auth, 'kvmnet pw 1');
    try {
      answer = 'kvmnet pw 1';
      const before = asked.length;
      const snapshot = await discover(login, { sshOptions, askpass, controlDir: false, connectTimeoutSeconds: 10 });
      assert.equal(snapshot.partial, undefined);
      const prompts = asked.slice(before).map((r) => r.prompt);
      assert.ok(prompts.some((p) => /password/i.test(p)), `asked: ${JSON.stringify(prompts)}`);
      answer = 'wrong';
      const started = Date.now();
      await assert.rejects(discover(login, { sshOptions, askpass, controlDir: false, connectTimeoutSeconds: 10 }));
      assert.ok(Date.now() - started < 60_000, 'a refused password ends the attempt, no hang');
    } finally {
      stop();
    }
  });
}
