import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { askpassEnv, encode, isHostKeyQuestion, parseReply, parseRequest, promptKind } from '../../../src/core/host/askpass';

test('askpass wire format: one JSON line each way; anything unreadable or multi-line is a cancel', () => {
  const req = { token: 't', host: 'root@h', prompt: "Enter passphrase for key '/k': " };
  assert.deepEqual(parseRequest(encode(req).trim()), req);
  assert.deepEqual(parseReply(encode({ answer: 'secret' }).trim()), { answer: 'secret' });
  assert.deepEqual(parseReply('{"answer":"a\\nb"}'), { cancelled: true });
  assert.deepEqual(parseReply('not json'), { cancelled: true });
  assert.equal(parseRequest('{"token":1}'), undefined);
  // Host text is untrusted: no control characters reach the input box.
  assert.equal(parseRequest(encode({ token: 't', host: 'h', prompt: 'x\u001b[2Jy' }).trim())?.prompt, 'x?[2Jy');
});

test('yes/no questions are asked in clear, everything else hidden', () => {
  assert.deepEqual(promptKind("root@127.0.0.1's password: "), { secret: true });
  assert.deepEqual(promptKind('Verification code: '), { secret: true });
  assert.deepEqual(promptKind('Are you sure you want to continue connecting (yes/no/[fingerprint])? '), { secret: false });
});

test("ssh's unknown-host-key question is recognised (the editor answers it no and asks with its own prompt)", () => {
  const asked = [
    "The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.",
    'ED25519 key fingerprint is SHA256:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg.',
    'This key is not known by any other names.',
    'Are you sure you want to continue connecting (yes/no/[fingerprint])? ',
  ].join('\n');
  assert.equal(isHostKeyQuestion(parseRequest(encode({ token: 't', host: 'h', prompt: asked }).trim())!.prompt), true);
  assert.equal(isHostKeyQuestion('Are you sure you want to continue connecting (yes/no)? '), true);
  assert.equal(isHostKeyQuestion("root@127.0.0.1's password: "), false);
  assert.equal(isHostKeyQuestion('Allow forwarding (yes/no)? '), false);
});

test('the ssh environment forces the askpass program and names the host', () => {
  const env = askpassEnv({ program: '/p/askpass.sh', env: { KVMNET_ASKPASS_SOCKET: '/p/sock' } }, 'root@h');
  assert.deepEqual(env, { KVMNET_ASKPASS_SOCKET: '/p/sock', SSH_ASKPASS: '/p/askpass.sh', SSH_ASKPASS_REQUIRE: 'force', KVMNET_ASKPASS_HOST: 'root@h' });
});

test('arbitrary lines never crash the parsers', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (line) => {
      parseRequest(line);
      const r = parseReply(line);
      if ('answer' in r) assert.doesNotMatch(r.answer, /[\r\n]/);
    }),
  );
});
