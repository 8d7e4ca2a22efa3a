// The project's one test command (`npm test` = `node scripts/test.mjs all`): typecheck, eslint, build, then every
// tier under node's built-in test runner, and one closing line with the totals. The tiers, by file name:
//   unit        *.test.ts in test/core, test/cli, test/hostile — no real tool (test/support/unitGuard.mjs enforces it)
//   oracle      *.oracle.test.ts — real tools decide: QEMU, virt-xml-validate, virsh, sshd/ssh, bash/dash, pre-commit
//   lab         *.lab.test.ts — boots VMs: the SR-IOV lab VM, TCG guests, a private libvirtd's guests
//   stress      *.stress.test.ts — heavy fuzzing and differential runs, pathological inputs timed as ratios
//   conformance test/conformance — ../shared/corpus, real-world files
//   e2e         test/e2e — a real VS Code (code-server + Chromium)
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

function runTests(title, testFiles, concurrency, guard = false) {
  process.stdout.write(`\n== ${title} (${testFiles.length} files)\n`);
  if (testFiles.length === 0) return true;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', ...(guard ? ['--import', './test/support/unitGuard.mjs'] : []), '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...extra, ...testFiles],
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
const core = [...files('test/core'), ...files('test/cli'), ...files('test/extension'), ...files('test/hostile')];
const tierOf = (f) => /\.(oracle|lab|stress)\.test\.ts$/.exec(f)?.[1] ?? 'unit';
const tiers = {
  unit: core.filter((f) => tierOf(f) === 'unit'),
  oracle: core.filter((f) => tierOf(f) === 'oracle'),
  lab: core.filter((f) => tierOf(f) === 'lab'),
  stress: core.filter((f) => tierOf(f) === 'stress'),
  conformance: files('test/conformance'),
  e2e: files('test/e2e'),
};
const titles = {
  unit: 'unit tests (no real tools)',
  oracle: 'oracle tests (real tools: QEMU, libvirt, OpenSSH, shells)',
  lab: 'lab tests (VMs: SR-IOV lab VM, TCG guests)',
  stress: 'stress tests (heavy fuzzing, pathological inputs timed as ratios)',
  conformance: 'conformance tests (../shared/corpus)',
  e2e: 'real-editor E2E tests (code-server + Chromium)',
};

let ok = true;
if (suite === 'all') {
  for (const project of ['tsconfig.json', 'tsconfig.e2e.json', 'tsconfig.webview.json']) {
    step(`typecheck (${project})`, 'npx', ['tsc', '-p', project, '--noEmit']);
  }
  step('eslint', 'npx', ['eslint', '--max-warnings=0', '.']);
}
step('build', process.execPath, ['scripts/build.mjs']);
if (suite !== 'all' && !(suite in tiers)) {
  console.error(`usage: node scripts/test.mjs all|${Object.keys(tiers).join('|')} [node --test options]`);
  process.exit(2);
}
for (const [tier, testFiles] of Object.entries(tiers)) {
  // One editor at a time; two test files at a time elsewhere (2-core machines).
  if (suite === 'all' || suite === tier) ok = runTests(titles[tier], testFiles, tier === 'e2e' ? 1 : 2, tier === 'unit') && ok;
}

process.stdout.write(`\n${suite}: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.fail + totals.cancelled === 0 ? 0 : 1);
