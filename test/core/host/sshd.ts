// Test helper (not a test): a real OpenSSH sshd on 127.0.0.1 with throw-away keys (started by the test, stopped with it).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, appendFileSync, chmodSync, constants, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  readonly port: number;
  readonly dir: string;
  /** `-o` options (KEY=VALUE) the client needs: the test key, no known_hosts. */
  readonly clientOptions: string[];
  readonly hostSpec: string;
  /** What sshd wrote to stderr so far (with logLevel INFO: one "Accepted publickey" line per connection). */
  log(): string;
  stop(): void;
}

export function requireTool(file: string, debianPackage: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    assert.fail(`${file} is missing: install the Debian package ${debianPackage}`);
  }
}

export function which(name: string, debianPackage: string): string {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
  const p = r.stdout.trim();
  assert.ok(r.status === 0 && p !== '', `${name} is missing: install the Debian package ${debianPackage}`);
  return p;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    assert.equal(child.exitCode, null, `sshd exited early: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`sshd did not listen on ${port}: ${stderr()}`);
}

export async function startSshd(
  opts: {
    logLevel?: 'ERROR' | 'INFO';
    /** e.g. nsenter into a mount namespace */ wrap?: readonly string[];
    /** Also accept passwords (checked against /etc/shadow) or keyboard-interactive logins (through PAM). */
    auth?: 'password' | 'keyboard-interactive';
  } = {},
): Promise<TestSshd> {
  requireTool(SSHD, 'openssh-server');
  which('ssh', 'openssh-client');
  const keygen = which('ssh-keygen', 'openssh-client');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-sshd-'));
  for (const key of ['host_key', 'client_key']) {
    const r = spawnSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, key)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `ssh-keygen failed: ${r.stderr}`);
  }
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')));
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `UsePAM ${opts.auth === 'keyboard-interactive' ? 'yes' : 'no'}`,
      'StrictModes no',
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PermitRootLogin yes',
      `PasswordAuthentication ${opts.auth === 'password' ? 'yes' : 'no'}`,
      `KbdInteractiveAuthentication ${opts.auth === 'keyboard-interactive' ? 'yes' : 'no'}`,
      `LogLevel ${opts.logLevel ?? 'ERROR'}`,
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });
  // -D: stay in the foreground so the test owns (and ends) exactly this process.
  const wrap = opts.wrap ?? [];
  const child = spawn(wrap[0] ?? SSHD, [...wrap.slice(1), ...(wrap.length ? [SSHD] : []), '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  await waitForPort(port, child, () => err);
  const user = os.userInfo().username;
  return {
    port,
    dir,
    clientOptions: [
      `IdentityFile=${path.join(dir, 'client_key')}`,
      'IdentitiesOnly=yes',
      'StrictHostKeyChecking=no',
      'UserKnownHostsFile=/dev/null',
      'LogLevel=ERROR',
    ],
    hostSpec: `ssh://${user}@127.0.0.1:${port}`,
    log: () => err,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TempUser {
  readonly name: string;
  /** Its private key, accepted by the sshd it was created for. */
  readonly key: string;
  remove(): void;
}

function sh(file: string, args: string[]): string {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${file} ${args.join(' ')}: ${r.stderr}${r.error?.message ?? ''}`);
  return r.stdout;
}

/**
 * A throw-away local account (removed with `remove()`) that logs in to this sshd with its own key: useradd with
 * a temp home, `*` (not `!`) as password so sshd without PAM does not call it locked. `skel` fills the home from
 * /etc/skel, the stock rc files a new account on a Debian host gets.
 */
export function createTempUser(sshd: TestSshd, opts: { shell?: string; skel?: boolean; password?: string } = {}): TempUser {
  assert.equal(process.getuid?.(), 0, 'this creates a local user: run it as root');
  const useradd = which('useradd', 'passwd');
  const userdel = which('userdel', 'passwd');
  const name = `kvmnet${process.pid}${Math.floor(Math.random() * 1000)}`;
  const base = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-user-'));
  chmodSync(base, 0o755);
  const home = path.join(base, 'home');
  sh(useradd, ['-M', '-d', home, '-s', opts.shell ?? '/bin/sh', '-p', '*', name]);
  const remove = () => {
    spawnSync(userdel, [name], { encoding: 'utf8' });
    rmSync(base, { recursive: true, force: true });
  };
  try {
    mkdirSync(home);
    if (opts.password !== undefined) {
      const r = spawnSync(which('chpasswd', 'passwd'), [], { input: `${name}:${opts.password}\n`, encoding: 'utf8' });
      assert.equal(r.status, 0, `chpasswd: ${r.stderr}`);
    }
    if (opts.skel) cpSync('/etc/skel', home, { recursive: true });
    const uid = Number(sh('id', ['-u', name]).trim());
    const gid = Number(sh('id', ['-g', name]).trim());
    sh('chown', ['-R', `${uid}:${gid}`, home]);
    const key = path.join(base, 'key');
    sh(which('ssh-keygen', 'openssh-client'), ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    // sshd reads authorized_keys as the user: let it through the (root-owned, 0700) sshd directory.
    appendFileSync(path.join(sshd.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    chmodSync(sshd.dir, 0o711);
    chmodSync(path.join(sshd.dir, 'authorized_keys'), 0o644);
    return { name, key, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** A TCP server on 127.0.0.1 that accepts connections and never says anything (a hung host). */
export async function silentServer(): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const s = net.createServer((c) => sockets.push(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    port: (s.address() as net.AddressInfo).port,
    close() {
      for (const c of sockets) c.destroy();
      s.close();
    },
  };
}
