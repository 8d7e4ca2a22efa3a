import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { ASKPASS_ENV, encode, isHostKeyQuestion, parseRequest, promptKind, type Askpass, type AskpassReply } from '../core/host/askpass';
import { ensurePrivateDir } from '../core/host/sshControl';
import type { Log } from './log';

/** ssh waits for the answer; a person typing a 2FA code needs longer than a connect timeout, not forever. */
const ANSWER_TIMEOUT_MS = 120_000;

let current: Askpass | undefined;

/** The editor's askpass for ssh processes, once registerAskpass has started it. */
export function editorAskpass(): Askpass | undefined {
  return current;
}

/**
 * Serves ssh's questions (via dist/askpass.js, see core/host/askpass.ts) as VS Code input boxes, one at a time.
 * The socket and the small launcher script live in a private (0700) directory of the extension's storage; every
 * request carries a random token. Without a usable directory there is no askpass and ssh keeps BatchMode.
 */
export function registerAskpass(storageDir: string, extensionDir: string, log: Log): vscode.Disposable {
  // One per extension host (two windows share the storage directory); a unix socket path has at most 108 bytes.
  let dir = path.join(storageDir, `askpass-${process.pid}`);
  if (dir.length > 90) dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-askpass-'));
  if (!ensurePrivateDir(dir) || path.join(dir, 'sock').length > 100) {
    log.info('ssh password and passphrase prompts are off: no private directory for the askpass socket');
    return new vscode.Disposable(() => undefined);
  }
  const socketPath = path.join(dir, 'sock');
  const program = path.join(dir, 'askpass.sh');
  const token = randomBytes(24).toString('hex');
  rmSync(socketPath, { force: true });
  // ssh execs SSH_ASKPASS as a program: a launcher running our bundle under this editor's node (or Electron as node).
  rmSync(program, { force: true });
  writeFileSync(program, '#!/bin/sh\nexec "$KVMNET_ASKPASS_NODE" "$KVMNET_ASKPASS_MAIN" "$@"\n', { mode: 0o700, flag: 'wx' });

  let queue: Promise<unknown> = Promise.resolve();
  const server = net.createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 8192) return conn.destroy();
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      conn.pause();
      const request = parseRequest(buffer.slice(0, end));
      if (!request || !sameToken(request.token, token)) return conn.destroy();
      // One input box at a time: hosts refreshed together queue their questions.
      queue = queue.then(async () => {
        const reply = await ask(request.host, request.prompt);
        if (!conn.destroyed) conn.end(encode(reply));
      });
    });
  });
  server.listen(socketPath);
  server.on('error', (e) => log.error(`askpass socket: ${e.message}`));

  async function ask(host: string, prompt: string): Promise<AskpassReply> {
    if (isHostKeyQuestion(prompt)) {
      log.info(`ssh to ${host} asked about an unknown host key: answered no; the host's row offers to trust it`);
      return { answer: 'no' };
    }
    const cancel = new vscode.CancellationTokenSource();
    const timer = setTimeout(() => cancel.cancel(), ANSWER_TIMEOUT_MS);
    try {
      const answer = await vscode.window.showInputBox(
        {
          title: `KVM Networking: ssh to ${host}`,
          prompt,
          password: promptKind(prompt).secret,
          ignoreFocusOut: true,
        },
        cancel.token,
      );
      log.info(`ssh to ${host} asked "${prompt}": ${answer === undefined ? 'cancelled' : 'answered'}`);
      return answer === undefined ? { cancelled: true } : { answer };
    } finally {
      clearTimeout(timer);
      cancel.dispose();
    }
  }

  current = {
    program,
    env: {
      [ASKPASS_ENV.socket]: socketPath,
      [ASKPASS_ENV.token]: token,
      KVMNET_ASKPASS_NODE: process.execPath,
      KVMNET_ASKPASS_MAIN: path.join(extensionDir, 'dist', 'askpass.js'),
      // In desktop VS Code process.execPath is Electron: run it as plain node.
      ELECTRON_RUN_AS_NODE: '1',
    },
  };
  return new vscode.Disposable(() => {
    current = undefined;
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
