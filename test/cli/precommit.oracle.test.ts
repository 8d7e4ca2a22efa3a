/**
 * .pre-commit-hooks.yaml with the real pre-commit (Debian package pre-commit; scripts/setup.sh installs it):
 * a scratch hooks repository holding that file, a scratch project repository with a launch script, and
 * `pre-commit try-repo` running each hook against the bundled CLI (dist/cli.js) put on PATH as `kvmnet`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const repo = path.join(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli.js');
const Q = 'qemu-system-x86_64';
const BAD = `#!/bin/sh\n${Q} -m 256 \\\n  -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:5\n`;
const FIXABLE = `#!/bin/sh\n${Q} -netdev user,id=n0,hostfwd=tcp:0-:22 -device virtio-net-pci,netdev=n0,mac=52:54:00:aa:00:01\n`;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });
}

function setup() {
  const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'pre-commit is missing: apt-get install pre-commit (scripts/setup.sh)');
  assert.ok(existsSync(bin), `${bin} is missing: run node scripts/build.mjs`);
  const root = mkdtempSync(path.join(tmpdir(), 'kvmnet-precommit-'));
  const hooks = path.join(root, 'hooks');
  mkdirSync(hooks);
  copyFileSync(path.join(repo, '.pre-commit-hooks.yaml'), path.join(hooks, '.pre-commit-hooks.yaml'));
  git(hooks, 'init', '-q');
  git(hooks, 'add', '.');
  git(hooks, 'commit', '-q', '-m', 'hooks');
  const binDir = path.join(root, 'bin');
  mkdirSync(binDir);
  writeFileSync(path.join(binDir, 'kvmnet'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(path.join(binDir, 'kvmnet'), 0o755);
  const project = path.join(root, 'project');
  mkdirSync(project);
  git(project, 'init', '-q');
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, PRE_COMMIT_HOME: path.join(root, 'cache'), HOME: root };
  const tryRepo = (hook: string, ...files: string[]) =>
    spawnSync('pre-commit', ['try-repo', hooks, hook, '--files', ...files], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
  return { project, tryRepo };
}

test('pre-commit kvmnet-lint fails on a launch script with an error finding and passes on a clean one', () => {
  const { project, tryRepo } = setup();
  writeFileSync(path.join(project, 'bad.sh'), BAD);
  writeFileSync(path.join(project, 'README.txt'), 'not linted\n');
  git(project, 'add', '.');
  const bad = tryRepo('kvmnet-lint', 'bad.sh', 'README.txt');
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /kvmnet lint\.+Failed/);
  assert.match(bad.stdout, /bad\.sh:4:\d+: error qemu-mac-malformed /);
  assert.doesNotMatch(bad.stdout, /README\.txt/);
  writeFileSync(path.join(project, 'bad.sh'), BAD.replace(':5\n', ':56\n'));
  const good = tryRepo('kvmnet-lint', 'bad.sh');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /kvmnet lint\.+Passed/);
});

test('pre-commit kvmnet-lint-fix rewrites the file (pre-commit reports files modified) and passes on the next run', () => {
  const { project, tryRepo } = setup();
  writeFileSync(path.join(project, 'vm.sh'), FIXABLE);
  git(project, 'add', '.');
  const first = tryRepo('kvmnet-lint-fix', 'vm.sh');
  assert.equal(first.status, 1, first.stdout + first.stderr);
  assert.match(first.stdout, /files were modified by this hook/);
  assert.match(readFileSync(path.join(project, 'vm.sh'), 'utf8'), /hostfwd=tcp::0-:22/);
  const second = tryRepo('kvmnet-lint-fix', 'vm.sh');
  assert.equal(second.status, 0, second.stdout + second.stderr);
});
