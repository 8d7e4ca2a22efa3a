/**
 * `npm run bench` end to end on its first case: the cold require of the bundle (with the `vscode` stub)
 * beside `node -e 0`, reported as a ratio. Only the shape is asserted, never a time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './harness';

test('bench reports the extension-load case as a ratio with the bundle size', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'bench.mjs'), '--runs', '3', '--json', 'extension-load'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { runs: number; results: { case: string; name: string; ratio?: number; detail: string }[] };
  assert.equal(out.runs, 3);
  const load = out.results.find((x) => x.case === 'extension-load');
  assert.ok(load, r.stdout);
  assert.ok(Number.isFinite(load.ratio) && load.ratio! > 0, `ratio ${load.ratio}`);
  assert.match(load.detail, /require\(dist\/extension\.js\).*`node -e 0`.*bundle \d/);
});

test('bench rejects unknown options with a usage line (exit 2)', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'bench.mjs'), '--nope'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: npm run bench/);
});
