import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One OpenSSH master connection per host (ControlMaster), shared by discovery, host actions and
 * definition reads: after the first connection, each later ssh is a mux client on a local socket, so
 * it skips TCP, key exchange and authentication. The socket gives a shell on the host to whoever can
 * connect to it, so it lives in a directory only this user can enter (0700, owned by us, no symlink),
 * checked every time an ssh command line is built. The extension's own options only: users cannot set
 * ControlMaster/ControlPath (hostSpec.ts refuses them).
 */

/** Short: a master outlives its last client by this much (enough for "discover, read, confirm, act"). */
export const CONTROL_PERSIST_SECONDS = 60;

/**
 * A Unix socket path holds at most 108 bytes on Linux (104 on macOS/BSD); ssh first binds
 * `PATH.` + 16 random characters, then renames. Our name is 16 hex characters.
 */
const MAX_SOCKET_PATH = 103;
const SSH_BIND_SUFFIX = 17;
const KEY_LENGTH = 16;
/** A directory ssh reads as one word with no %tokens: no quoting questions arise. */
const PLAIN_PATH = /^\/[A-Za-z0-9_.\/-]*$/;

let processDir: string | undefined;
let ownedTemp: string | undefined;

/** Whether `dir` fits as a ControlPath directory (length, characters). */
export function usableControlDir(dir: string): boolean {
  return PLAIN_PATH.test(dir) && dir.length + 1 + KEY_LENGTH + SSH_BIND_SUFFIX <= MAX_SOCKET_PATH;
}

/**
 * Makes `dir` exist as a private directory (0700, ours, not a link) and returns true; false when it
 * cannot be made so (then nothing is multiplexed: slower, never less safe).
 */
export function ensurePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let st = lstatSync(dir);
    if (!st.isDirectory() || st.isSymbolicLink()) return false;
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) return false;
    if ((st.mode & 0o077) !== 0) {
      chmodSync(dir, 0o700);
      st = lstatSync(dir);
      if ((st.mode & 0o077) !== 0 || !st.isDirectory()) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses the process-wide socket directory: `preferred` (the extension's storage) when it fits a socket
 * path, else a fresh private temp dir (mkdtemp makes it 0700). Returns the directory used.
 */
export function useSshControlDir(preferred?: string): string | undefined {
  const dir = preferred && usableControlDir(path.join(preferred, 'ssh')) ? path.join(preferred, 'ssh') : privateTempDir();
  processDir = dir && ensurePrivateDir(dir) ? dir : undefined;
  return processDir;
}

function privateTempDir(): string | undefined {
  try {
    ownedTemp ??= mkdtempSync(path.join(os.tmpdir(), 'kvmnet-ssh-'));
    return usableControlDir(ownedTemp) ? ownedTemp : undefined;
  } catch {
    return undefined;
  }
}

/** The process-wide socket directory, if one was chosen. */
export function sshControlDir(): string | undefined {
  return processDir;
}

/**
 * Asks each master whose socket is in `dir` to exit (`ssh -O exit`, local socket only, no network); a master
 * that does not answer exits on its own after ControlPersist.
 */
export function closeSshMasters(dir: string, sshPath = 'ssh'): number {
  let closed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/^[0-9a-f]{16}$/.test(name)) continue;
    const r = spawnSync(sshPath, ['-o', `ControlPath=${dir}/${name}`, '-O', 'exit', '--', 'kvmnet-master'], { stdio: 'ignore', timeout: 5000 });
    if (r.status === 0) closed++;
  }
  return closed;
}

/** Closes the process-wide masters and forgets the directory (removing it when it is our temp dir). */
export function stopSshControl(sshPath = 'ssh'): void {
  if (processDir) closeSshMasters(processDir, sshPath);
  if (ownedTemp) rmSync(ownedTemp, { recursive: true, force: true });
  ownedTemp = undefined;
  processDir = undefined;
}

/**
 * `-o` options that make an ssh run share its host's master connection. `identity` is everything that
 * decides where and as whom it connects (program, destination, port, user, user options): a different
 * identity gets its own master, never another one's session.
 */
export function controlOptions(dir: string | false | undefined, identity: readonly string[]): string[] {
  if (!dir || !usableControlDir(dir) || !ensurePrivateDir(dir)) return [];
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, KEY_LENGTH);
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${dir}/${key}`, '-o', `ControlPersist=${CONTROL_PERSIST_SECONDS}`];
}
