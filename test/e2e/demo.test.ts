/**
 * `npm run demo`, the README's main-job command: without a TTY (CI=true) it builds, starts code-server with
 * the extension on examples/ and serves the workbench until stopped; `--check` verifies it headless.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot, resultsDir, waitUntil } from './harness';

const demo = path.join(repoRoot, 'scripts', 'demo.mjs');
const env = { ...process.env, CI: 'true', PORT: '' };

test('npm run demo -- --check loads the workbench with the demo host and saves a screenshot', () => {
  const shot = path.join(resultsDir, 'demo.png');
  rmSync(shot, { force: true });
  const r = spawnSync(process.execPath, [demo, '--check', '--screenshot', shot], { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, `demo --check failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /check passed/);
  assert.ok(existsSync(shot), 'no screenshot');
});

test('npm run demo serves on 127.0.0.1, prints the URL and stops cleanly on Ctrl+C (SIGINT)', async () => {
  const child = spawn(process.execPath, [demo, '--port', '0'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitUntil(() => /open http:\/\/127\.0\.0\.1:\d+\//.test(out) || child.exitCode !== null, 'the demo to print its URL', 180_000);
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1];
    assert.ok(url, `no URL in the output:\n${out}`);
    const workspace = /workspace \(a scratch copy of examples\/\): (\S+)/.exec(out)?.[1];
    assert.ok(workspace && existsSync(path.join(workspace, 'domain.xml')), `workspace missing:\n${out}`);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /workbench/i);

    child.kill('SIGINT');
    assert.equal(await exited, 0, out);
    assert.ok(!existsSync(workspace), 'the scratch workspace was not removed');
    await assert.rejects(fetch(url), 'code-server still answers after Ctrl+C');
  } finally {
    // SIGTERM, not SIGKILL: the demo's handler must stop code-server's process group and remove its dirs.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }
});
