// Bench case: `kvmnet lint` as a whole process (issue #17 item 7), ratios from one run, side by side:
//  1. cold: one `kvmnet lint` process on one domain XML ÷ one `virt-xml-validate` process on it (target ≤ 2),
//     with the launcher's code cache warm and without it (a first run), beside `node -e 0` (the floor);
//  2. a 600-file tree in one `kvmnet lint -r` call vs 600 `virt-xml-validate` processes (target ≥ 20×).
// Loaded by scripts/bench.mjs (default export { name, run }) or run alone: node scripts/bench/lint-cold.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/cli.js');
const domain = path.join(root, 'examples/domain.xml');

function wall(cmd, argv, env = process.env) {
  const s = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: 'ignore', env });
  if (r.error) throw new Error(`${cmd} cannot be run: ${r.error.message}`);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return Number(process.hrtime.bigint() - s) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const load = () => `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`;

async function run(ctx = {}) {
  const rounds = Math.max(3, Math.min(ctx.runs ?? 9, 15));
  // 1. cold, alternated pair by pair so machine load hits both alike; the ratio of each pair, then the median.
  // The launcher's code cache (src/cli/launcher.ts) in a private cache directory: the first process writes it
  // (that run is not counted), every later one starts from it; 'first run' has it turned off.
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-bench-cache-'));
  const cachedEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  const uncachedEnv = { ...process.env, KVMNET_COMPILE_CACHE: '0' };
  wall(process.execPath, [cli, 'lint', domain], cachedEnv);
  const ratios = [];
  const firstRatios = [];
  const ours = [];
  const first = [];
  const theirs = [];
  const bare = [];
  for (let i = 0; i < rounds; i++) {
    const a = wall(process.execPath, [cli, 'lint', domain], cachedEnv);
    const c = wall(process.execPath, [cli, 'lint', domain], uncachedEnv);
    const b = wall('virt-xml-validate', [domain]);
    bare.push(wall(process.execPath, ['-e', '0']));
    ours.push(a);
    first.push(c);
    theirs.push(b);
    ratios.push(a / b);
    firstRatios.push(c / b);
  }
  rmSync(cacheHome, { recursive: true, force: true });
  const results = [
    {
      name: 'lint cold: one kvmnet lint process (code cache warm) ÷ one virt-xml-validate process, examples/domain.xml (target ≤ 2)',
      ratio: +median(ratios).toFixed(2),
      detail: `kvmnet lint ${median(ours).toFixed(0)} ms, virt-xml-validate ${median(theirs).toFixed(0)} ms; node -e 0 alone ${median(bare).toFixed(0)} ms (medians of ${rounds} alternated rounds, ${load()})`,
    },
    {
      // The floor any Node CLI stands on: a process that loads nothing, against the C validator.
      name: 'the floor: node -e 0 ÷ one virt-xml-validate process',
      ratio: +median(bare.map((x, i) => x / theirs[i])).toFixed(2),
      detail: 'the single-file target (≤ 2) is at or below it',
    },
    {
      name: 'lint cold, first run (no code cache) ÷ one virt-xml-validate process',
      ratio: +median(firstRatios).toFixed(2),
      detail: `kvmnet lint ${median(first).toFixed(0)} ms without the cache`,
    },
  ];
  // 2. 600 files: one call vs one validator process per file.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-bench-tree-'));
  try {
    const text = readFileSync(domain, 'utf8');
    const files = [];
    for (let i = 0; i < 600; i++) {
      const sub = path.join(dir, `vms${i % 20}`);
      mkdirSync(sub, { recursive: true });
      const f = path.join(sub, `guest${i}.xml`);
      writeFileSync(f, text.replace(/<name>[^<]*<\/name>/, `<name>guest${i}</name>`));
      files.push(f);
    }
    const one = wall(process.execPath, [cli, 'lint', '-r', dir]);
    let each = 0;
    for (const f of files) each += wall('virt-xml-validate', [f]);
    results.push({
      name: 'lint tree: 600 virt-xml-validate processes ÷ one kvmnet lint -r call on the same 600 domain XML files (target ≥ 20)',
      ratio: +(each / one).toFixed(1),
      detail: `kvmnet lint ${(one / 1000).toFixed(2)} s, virt-xml-validate ${(each / 1000).toFixed(2)} s in all (${load()})`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export default { name: 'lint-cold', run };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) process.stdout.write(`${r.name}: ${r.ratio}\n  ${r.detail}\n`);
}
