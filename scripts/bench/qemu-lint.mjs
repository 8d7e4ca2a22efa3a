// Bench case: parse + lint of QEMU launch scripts (issue 5 item 8). Lints a synthetic 10,000-line script
// (and a 1,000-line one) and runs `bash -n` on the same files in the same run, reporting the ratio to bash
// and the 10k/1k cost ratio (linear: <= 12x for 10x the lines). Loaded by scripts/bench.mjs (default export
// { name, run }) or run alone: `node scripts/bench/qemu-lint.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The core linter, bundled on the fly (the bench measures the same code the extension runs). */
async function loadCore() {
  const entry = `export { lintLaunchScript } from './src/core/qemu/lint';`;
  const out = await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, (await import('node:module')).createRequire(import.meta.url));
  return mod.exports;
}

/** Realistic blocks: comments, variables, an args array, a legacy and a modern invocation with continuations. */
export function syntheticScript(lines) {
  const out = ['#!/bin/bash', 'set -eu', 'QEMU=${QEMU:-qemu-system-x86_64}'];
  for (let i = 0; out.length + 10 <= lines; i++) {
    const mac = `52:54:00:${(i >> 8 & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`;
    out.push(
      `# guest ${i}: user networking with ssh forwarded`,
      `args=(-m 512 -smp 2)`,
      `args+=(-drive "file=/var/lib/vm/guest${i}.qcow2,if=virtio")`,
      `exec_guest_${i}() {`,
      `  $QEMU "\${args[@]}" \\`,
      `    -netdev user,id=net${i},hostfwd=tcp::${2000 + (i % 60000)}-:22 \\`,
      `    -device virtio-net-pci,netdev=net${i},mac=${mac} \\`,
      `    -display none 2>&1 | tee /tmp/guest${i}.log`,
      `}`,
      `kvm -hda /vm/old${i}.img -net nic,model=e1000,macaddr=${mac.replace(/01$/, '02')} -net user,hostfwd=tcp:${3000 + (i % 60000)}-:22`,
    );
  }
  while (out.length < lines) out.push('# end');
  return `${out.join('\n')}\n`;
}

function lowerQuartile(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 4)];
}

/** Wall and CPU milliseconds (lower quartile of runs). CPU time decides linearity: shared machines skew wall time. */
function time(fn, runs) {
  fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const s = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - s) / 1e6);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall: lowerQuartile(wall), cpu: lowerQuartile(cpu) };
}

/** `bash -n FILE`: wall time and the child's CPU time (bash's own `time`, user+sys). */
function bashN(file, runs) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i <= runs; i++) {
    const s = process.hrtime.bigint();
    const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; time bash -n "$0"', file], { encoding: 'utf8' });
    if (i === 0) continue;
    wall.push(Number(process.hrtime.bigint() - s) / 1e6);
    const [u, sy] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
    cpu.push((u + sy) * 1000);
  }
  return { wall: lowerQuartile(wall), cpu: lowerQuartile(cpu) };
}

export async function run() {
  const { lintLaunchScript } = await loadCore();
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-bench-'));
  const results = [];
  try {
    const row = (n, runs) => {
      const text = syntheticScript(n);
      const file = path.join(dir, `launch-${n}.sh`);
      writeFileSync(file, text);
      const check = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`bash -n rejected the synthetic script: ${check.stderr}`);
      const findings = lintLaunchScript(text, { fileName: file }).length;
      const lint = time(() => lintLaunchScript(text, { fileName: file }), runs);
      const bash = bashN(file, runs);
      results.push({
        name: `qemu-lint: parse+lint ${n} lines`,
        lines: n,
        findings,
        ms: Number(lint.wall.toFixed(1)),
        cpuMs: Number(lint.cpu.toFixed(1)),
        bashNMs: Number(bash.wall.toFixed(1)),
        bashNCpuMs: Number(bash.cpu.toFixed(1)),
        ratioToBashN: Number((lint.wall / bash.wall).toFixed(1)),
        cpuRatioToBashN: Number((lint.cpu / Math.max(bash.cpu, 1)).toFixed(1)),
      });
      return lint;
    };
    const small = row(1000, 5);
    const big = row(10000, 3);
    const ratio = big.cpu / small.cpu;
    results.push({
      name: 'qemu-lint: CPU cost ratio 10,000 vs 1,000 lines (linear if <= 12)',
      ratio: Number(ratio.toFixed(2)),
      wallRatio: Number((big.wall / small.wall).toFixed(2)),
      linear: ratio <= 12,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export default { name: 'qemu-lint', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
