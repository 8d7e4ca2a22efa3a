// `npm run bench`: runs every case in scripts/bench/*.mjs in one run and prints RATIOS, each case measuring
// its subject beside a baseline in the same run (absolute times are context, never the verdict).
//
//   npm run bench [-- --runs N] [--json] [CASE-FILE-SUBSTRING...]
//
// A case module's default export is `async (ctx) => ({ name, ratio, detail })` or an array of those, or
// `{ name, run(ctx) }` with run returning the same; ctx carries the repo root, the repetition count and the
// measuring helpers below. A row without a finite `ratio` is context (shown apart, its other fields as
// detail), never a verdict.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const casesDir = path.join(root, 'scripts', 'bench');

let args;
try {
  args = parseArgs({
    options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
} catch (e) {
  process.stderr.write(`bench: ${e.message}\nusage: npm run bench -- [--runs N] [--json] [CASE...]\n`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write('usage: npm run bench -- [--runs N] [--json] [CASE...]\n');
  process.exit(0);
}
const runs = Number(args.values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`bench: --runs must be a positive integer, got '${args.values.runs}'\n`);
  process.exit(2);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one process run, in ms; throws when it fails. */
function timeSpawn(cmd, argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: 'ignore', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return ms;
}

/** Runs a node program in a fresh process and returns its stdout; throws with its stderr when it fails. */
function runNode(program, argv = []) {
  const r = spawnSync(process.execPath, ['-e', program, ...argv], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node program failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

const fmtMs = (ms) => `${ms.toFixed(1)} ms`;
const fmtBytes = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);

if (!existsSync(path.join(root, 'dist', 'extension.js'))) {
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const filters = args.positionals;
const files = readdirSync(casesDir)
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`bench: no case in scripts/bench matches ${filters.join(' ')}\n`);
  process.exit(2);
}

/** One result row: a ratio (the verdict) or context; anything else a case returns becomes its detail. */
function normalize(file, r) {
  if (typeof r?.name !== 'string') throw new Error(`returned ${JSON.stringify(r)}, not {name, ratio, detail}`);
  const { name, ratio, detail, ...rest } = r;
  const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : JSON.stringify(v)}`);
  return {
    case: file.replace(/\.mjs$/, ''),
    name,
    ratio: Number.isFinite(ratio) ? ratio : undefined,
    detail: [detail, ...extra].filter((x) => x !== undefined && x !== '').join('; '),
  };
}

const ctx = { root, runs, median, timeSpawn, runNode, fmtMs, fmtBytes };
const results = [];
let failed = false;
for (const file of files) {
  const started = process.hrtime.bigint();
  try {
    const mod = await import(path.join(casesDir, file));
    const entry = mod.default;
    const run = typeof entry === 'function' ? entry : typeof entry?.run === 'function' ? entry.run.bind(entry) : undefined;
    if (!run) throw new Error('its default export is neither a function nor { name, run }');
    const out = await run(ctx);
    for (const r of Array.isArray(out) ? out : [out]) results.push(normalize(file, r));
  } catch (e) {
    failed = true;
    process.stderr.write(`bench: case ${file} failed: ${e.stack ?? e.message}\n`);
  }
  if (!args.values.json) process.stderr.write(`bench: ${file} done (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)\n`);
}

if (args.values.json) {
  process.stdout.write(JSON.stringify({ runs, results }, null, 2) + '\n');
} else {
  const ratios = results.filter((r) => r.ratio !== undefined);
  const context = results.filter((r) => r.ratio === undefined);
  process.stdout.write(`\nbench: ${files.length} case file(s), all measured side by side in this run (${runs} repetitions where a case repeats)\n\n`);
  const width = Math.max(5, ...ratios.map((r) => r.name.length));
  process.stdout.write(`${'ratio'.padStart(9)}  ${'case'.padEnd(width)}  detail\n`);
  for (const r of ratios) process.stdout.write(`${`${r.ratio.toFixed(2)}×`.padStart(9)}  ${r.name.padEnd(width)}  ${r.detail}\n`);
  if (context.length > 0) {
    process.stdout.write('\ncontext (measurements behind the ratios above, not verdicts):\n');
    for (const r of context) process.stdout.write(`  ${r.name}: ${r.detail}\n`);
  }
}
process.exit(failed ? 1 : 0);
