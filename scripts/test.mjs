// The project's one test command (`npm test` = `node scripts/test.mjs all`):
// typecheck, eslint, build, then unit + conformance tests and the real-editor E2E
// tests under node's built-in test runner. Prints one closing line with the totals.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const suite = process.argv[2] ?? 'all';
const extra = process.argv.slice(3);

function files(dir) {
  const abs = path.join(root, dir);
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(abs);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) out = out.concat(files(path.join(dir, name)));
    else if (name.endsWith('.test.ts')) out.push(path.join(dir, name));
  }
  return out;
}

function step(title, cmd, args) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`\n${title} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };

function runTests(title, testFiles, concurrency) {
  process.stdout.write(`\n== ${title} (${testFiles.length} files)\n`);
  if (testFiles.length === 0) return true;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...extra, ...testFiles],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 },
  );
  process.stdout.write(r.stdout ?? '');
  for (const key of Object.keys(totals)) {
    const m = new RegExp(`^ℹ ${key} (\\d+)$`, 'm').exec(r.stdout ?? '');
    if (m) totals[key] += Number(m[1]);
  }
  return r.status === 0;
}

// test/hostile: the hostile-input suite (attacker-controlled settings, hosts, files; see README "Security").
const unit = [...files('test/core'), ...files('test/cli'), ...files('test/extension'), ...files('test/hostile')];
const conformance = files('test/conformance');
const e2e = files('test/e2e');

let ok = true;
if (suite === 'all') {
  for (const project of ['tsconfig.json', 'tsconfig.e2e.json', 'tsconfig.webview.json']) {
    step(`typecheck (${project})`, 'npx', ['tsc', '-p', project, '--noEmit']);
  }
  step('eslint', 'npx', ['eslint', '--max-warnings=0', '.']);
}
step('build', process.execPath, ['scripts/build.mjs']);
if (suite === 'all' || suite === 'unit') ok = runTests('unit tests', unit, 2) && ok;
if (suite === 'all' || suite === 'conformance') ok = runTests('conformance tests (../shared/corpus)', conformance, 2) && ok;
if (suite === 'all' || suite === 'e2e') ok = runTests('real-editor E2E tests (code-server + Chromium)', e2e, 1) && ok;
if (suite !== 'all' && !['unit', 'conformance', 'e2e'].includes(suite)) {
  console.error(`usage: node scripts/test.mjs all|unit|conformance|e2e [node --test options]`);
  process.exit(2);
}

process.stdout.write(`\n${suite}: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.fail + totals.cancelled === 0 ? 0 : 1);
