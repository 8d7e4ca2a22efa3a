// Installs the pinned code-server (a real VS Code, served to a browser) into .cache/code-server, once.
// Run as a script it prints the path of its entry script (run it with `node PATH ...`) on stdout.
// Idempotent and safe to run concurrently: a lock serializes installs, a marker records a finished one.
// As a module it is the one place that knows how to run code-server with the extension: the E2E harness
// (test/e2e/harness.ts) and `npm run demo` both use ensureCodeServer/installUnpacked/launchCodeServer.
//
// Why not a package.json dependency: it is 300 MB with native builds; `npm ci` must stay light.
// code-server 4.100.3 (VS Code 1.100.3) is the newest that accepts Node 20.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

class SetupError extends Error {}

function fail(msg) {
  throw new SetupError(msg);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Everything the install's native builds and the harness need, named by Debian package. */
export function checkPrerequisites() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) fail(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version}).`);
  const missing = [];
  const commands = { make: 'build-essential', 'g++': 'build-essential', python3: 'python3', 'pkg-config': 'pkg-config', rg: 'ripgrep', tar: 'tar', chromium: 'chromium' };
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

/** Installs code-server when needed (throws with a clear message on missing prerequisites); returns its entry script. */
export function ensureCodeServer() {
  if (!installed()) {
    acquireLock();
    try {
      if (!installed() && existsSync(entryScript) && !verify()) writeFileSync(marker, `${new Date().toISOString()}\n`);
      if (!installed()) install();
    } finally {
      releaseLock();
    }
  }
  return entryScript;
}

// ---- running it with the extension --------------------------------------------------------------------

/** Debian's Chromium, headless, with nothing that phones home. Never `playwright install`. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** User settings that keep a fresh workbench quiet and deterministic. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
};

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
/** publisher.name, and the folder VS Code expects for an installed extension: publisher.name-version. */
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
export const EXTENSION_FOLDER = `${EXTENSION_ID}-${pkg.version}`;

/** Throws a clear error when Debian's Chromium (the browser the harness and `demo --check` drive) is missing. */
export function ensureChromium() {
  if (!existsSync(CHROMIUM)) throw new SetupError(`${CHROMIUM} is missing: apt-get install -y chromium (Debian's; never \`playwright install\`)`);
}

/** Builds dist/ when it is missing (npm test builds first; a standalone run may not have). */
export function ensureBuilt() {
  if (existsSync(path.join(root, 'dist', 'extension.js'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new SetupError('build failed (node scripts/build.mjs)');
}

/**
 * Installs the working tree's build unpacked into extensionsDir, exactly the files `vsce package` ships
 * (`vsce ls` honours .vscodeignore); source maps of bundled files come along for readable stack traces.
 */
export function installUnpacked(extensionsDir) {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new SetupError(`vsce ls failed: ${r.stderr}`);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const maps = files.filter((f) => f.endsWith('.js') && existsSync(path.join(root, `${f}.map`))).map((f) => `${f}.map`);
  const target = path.join(extensionsDir, EXTENSION_FOLDER);
  for (const rel of new Set([...files, ...maps])) {
    mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    cpSync(path.join(root, rel), path.join(target, rel));
  }
  return target;
}

/** Writes User/settings.json of a user-data dir: QUIET_SETTINGS overridden by `settings`. */
export function writeUserSettings(userDataDir, settings = {}) {
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2) + '\n');
}

/**
 * Environment for code-server: its own config file and logs go below stateDir, not into the user's home
 * (code-server writes a default config file on every start).
 */
export function codeServerEnv(stateDir, env = {}) {
  return { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'config'), XDG_DATA_HOME: path.join(stateDir, 'data'), ...env };
}

/**
 * Starts code-server on host:port (port 0 = a free one, read back from its log) with the given dirs and
 * opens `workspace`. Resolves once it listens. The child leads its own process group: kill -pid stops it
 * together with its extension hosts. `onOutput` receives everything it prints; `onSpawn` gets the child at once.
 */
export function launchCodeServer({ workspace, userDataDir, extensionsDir, env, host = '127.0.0.1', port = 0, onOutput = () => {}, onSpawn = () => {}, timeoutMs = 120_000 }) {
  const args = [
    ensureCodeServer(),
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopProcessGroup(child);
      reject(new SetupError(`code-server did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      output += text;
      onOutput(text);
      const m = /HTTP server listening on http:\/\/([^:/]+|\[[^\]]+\]):(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        const actual = Number(m[2]);
        resolve({ child, port: actual, url: `http://${host}:${actual}/?folder=${encodeURIComponent(workspace)}` });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new SetupError(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/** Kills a detached child's whole process group (code-server and its extension hosts); no-op when gone. */
export function stopProcessGroup(child, signal = 'SIGKILL') {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  try {
    process.stdout.write(`${ensureCodeServer()}\n`);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    log(`ERROR: ${e.message}`);
    process.exit(1);
  }
}
