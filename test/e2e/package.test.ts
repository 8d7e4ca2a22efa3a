/**
 * `npm run package` makes kvm-networking.vsix, and a stock VS Code (code-server 4.100.3) installs it.
 * Packaging runs in a scratch copy of the repository, so the shared dist/ (a dev build other E2E
 * files use) is not replaced by the production build meanwhile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { codeServerCli, EXTENSION_ID, repoRoot } from './harness';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-pkg-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Everything a fresh clone has; build outputs and caches are left behind. */
const SKIP = new Set(['node_modules', '.git', '.cache', 'dist', 'test-results']);

test('npm run package produces kvm-networking.vsix and code-server installs it', () => {
  const copy = path.join(scratch, 'repo');
  cpSync(repoRoot, copy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(repoRoot, src);
      return !SKIP.has(rel.split(path.sep)[0] ?? '') && !rel.endsWith('.vsix');
    },
  });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));

  const r = spawnSync('npm', ['run', 'package'], { cwd: copy, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const vsix = path.join(copy, 'kvm-networking.vsix');
  assert.ok(existsSync(vsix), 'kvm-networking.vsix was not written');

  const ext = path.join(scratch, 'extensions');
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data') };
  const userData = ['--user-data-dir', path.join(scratch, 'user-data'), '--extensions-dir', ext];
  const install = codeServerCli([...userData, '--install-extension', vsix], env);
  assert.equal(install.status, 0, `--install-extension failed:\n${install.stdout}\n${install.stderr}`);

  const list = codeServerCli([...userData, '--list-extensions', '--show-versions'], env);
  assert.equal(list.status, 0, list.stderr);
  assert.ok(list.stdout.split('\n').includes(`${EXTENSION_ID}@${pkg.version}`), `installed extensions:\n${list.stdout}`);

  // What got installed is the bundle, without sources, tests or examples.
  const installed = path.join(ext, `${EXTENSION_ID}-${pkg.version}`);
  for (const f of ['package.json', 'dist/extension.js', 'dist/cli.js', 'dist/cli-main.js', 'media/kvmnet.svg']) {
    assert.ok(existsSync(path.join(installed, f)), `${f} missing from the installed extension`);
  }
  for (const f of ['src', 'test', 'examples', 'node_modules', 'scripts']) {
    assert.ok(!existsSync(path.join(installed, f)), `${f}/ must not be in the vsix`);
  }
});
