// Installs the pinned code-server (a real VS Code, served to a browser) into .cache/code-server, once.
// Prints the path of its entry script (run it with `node PATH ...`) as the last line of stdout.
// Idempotent and safe to run concurrently: a lock serializes installs, a marker records a finished one.
//
// Why not a package.json dependency: it is 300 MB with native builds; `npm ci` must stay light.
// code-server 4.100.3 (VS Code 1.100.3) is the newest that accepts Node 20.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const cacheDir = path.join(root, '.cache');
const installDir = path.join(cacheDir, 'code-server');
const marker = path.join(installDir, `.installed-${CODE_SERVER_VERSION}`);
const lockDir = path.join(cacheDir, 'code-server.lock');
export const entryScript = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function log(msg) {
  process.stderr.write(`setup-code-server: ${msg}\n`);
}

function fail(msg) {
  log(`ERROR: ${msg}`);
  process.exit(1);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Everything the install's native builds and the harness need, named by Debian package. */
function checkPrerequisites() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) fail(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version}).`);
  const missing = [];
  const commands = { make: 'build-essential', 'g++': 'build-essential', python3: 'python3', 'pkg-config': 'pkg-config', rg: 'ripgrep', tar: 'tar' };
  for (const [cmd, pkg] of Object.entries(commands)) if (!has(cmd)) missing.push(pkg);
  const libs = { krb5: 'libkrb5-dev', 'libsecret-1': 'libsecret-1-dev', x11: 'libx11-dev', xkbfile: 'libxkbfile-dev' };
  if (has('pkg-config')) {
    for (const [lib, pkg] of Object.entries(libs)) {
      if (spawnSync('pkg-config', ['--exists', lib]).status !== 0) missing.push(pkg);
    }
  } else missing.push(...Object.values(libs));
  if (missing.length > 0) {
    fail(
      `missing Debian packages: ${[...new Set(missing)].join(' ')}\n` +
        `  install them with: apt-get install -y build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium`,
    );
  }
}

function installed() {
  return existsSync(marker) && existsSync(entryScript);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A directory lock with the owner's pid; a lock left by a dead process is taken over. */
function acquireLock() {
  mkdirSync(cacheDir, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // The owner has not written its pid yet.
    }
    if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another install (pid ${owner}) to finish`);
    announced = true;
    sleep(500);
  }
}

function releaseLock() {
  rmSync(lockDir, { recursive: true, force: true });
}

/** @vscode/ripgrep downloads rg from GitHub unless its cache holds the archive: give it Debian's rg. */
function seedRipgrepCache() {
  const dir = path.join(process.env.TMPDIR || os.tmpdir(), RIPGREP_CACHE);
  const archive = path.join(dir, RIPGREP_ARCHIVE);
  if (existsSync(archive)) return;
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const staging = path.join(os.tmpdir(), `kvmnet-rg-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(staging, 'rg'), readFileSync(rg), { mode: 0o755 });
  const tmp = `${archive}.${process.pid}`;
  const r = spawnSync('tar', ['czf', tmp, '-C', staging, 'rg'], { stdio: 'inherit' });
  rmSync(staging, { recursive: true, force: true });
  if (r.status !== 0) fail('could not create the ripgrep cache archive');
  renameSync(tmp, archive);
}

function install() {
  checkPrerequisites();
  seedRipgrepCache();
  rmSync(installDir, { recursive: true, force: true }); // a half-finished install is not reused
  mkdirSync(installDir, { recursive: true });
  writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'kvmnet-code-server', private: true }) + '\n');
  log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about a minute, once)`);
  const env = {
    ...process.env,
    // Root needs unsafe-perm for code-server's postinstall; npm 11 blocks install scripts unless allowed;
    // node-pty's postinstall runs `npx node-gyp`, which must not prompt.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['i', '--unsafe-perm', '--no-save', '--prefix', installDir, `code-server@${CODE_SERVER_VERSION}`], {
    env,
    // stdout to stderr: our stdout carries only the path.
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0 || !existsSync(entryScript)) fail(`npm install of code-server@${CODE_SERVER_VERSION} failed (exit ${r.status ?? r.signal})`);
  const problem = verify();
  if (problem) fail(problem);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`installed code-server ${CODE_SERVER_VERSION}`);
}

/** Undefined when the install in installDir is complete and runs; else what is wrong. */
function verify() {
  // The postinstall's last steps install VS Code's own modules and link node_modules.asar to them.
  if (!existsSync(entryScript) || !existsSync(path.join(path.dirname(entryScript), '..', '..', 'lib', 'vscode', 'node_modules.asar'))) {
    return 'code-server is incomplete (its postinstall did not finish)';
  }
  // A scratch config dir: code-server writes a default config file on every start, --version included.
  const configHome = path.join(cacheDir, 'code-server-config');
  const v = spawnSync(process.execPath, [entryScript, '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: configHome } });
  rmSync(configHome, { recursive: true, force: true });
  if (v.status !== 0 || !new RegExp(`^${CODE_SERVER_VERSION.replaceAll('.', '\\.')} `, 'm').test(v.stdout)) {
    return `installed code-server does not run: ${v.stdout}${v.stderr}`;
  }
  return undefined;
}

function main() {
  if (!installed()) {
    acquireLock();
    try {
      if (!installed() && existsSync(entryScript) && !verify()) writeFileSync(marker, `${new Date().toISOString()}\n`);
      if (!installed()) install();
    } finally {
      releaseLock();
    }
  }
  process.stdout.write(`${entryScript}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) main();
