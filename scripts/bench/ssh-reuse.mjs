// Bench case: a host action right after discovery (issue 15 item 5). The action rides the host's ssh master
// connection (ControlMaster, src/core/host/sshControl.ts) that discovery opened, measured beside the same
// action over a fresh connection (TCP, key exchange, authentication), both against a real sshd on 127.0.0.1.
// Goal: ≤ 0.2×. Loaded by scripts/bench.mjs or run alone: `node scripts/bench/ssh-reuse.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The core modules and the tests' sshd helper, bundled on the fly (the bench runs the extension's own code). */
async function loadCore() {
  const entry = `export { discover } from './src/core/host/discover';
export { runPlan } from './src/core/host/runPlan';
export { parseHostSpec } from './src/core/host/hostSpec';
export { closeSshMasters } from './src/core/host/sshControl';
export { startSshd } from './test/core/host/sshd';`;
  const out = await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent', external: ['execa'] });
  const file = path.join(root, 'node_modules', '.kvmnet-bench-ssh-reuse.mjs');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

async function run(ctx = { runs: 15, median: (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1] }) {
  const core = await loadCore();
  const sshd = await core.startSshd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-bench-'));
  const ctl = path.join(dir, 'ctl');
  try {
    const spec = core.parseHostSpec(sshd.hostSpec);
    const base = { sshOptions: sshd.clientOptions, connectTimeoutSeconds: 10 };
    const action = { steps: [{ argv: ['true'] }] };
    const timed = async (options) => {
      const t0 = process.hrtime.bigint();
      const r = await core.runPlan(spec, action, options);
      if (!r.ok) throw new Error(`action failed: ${r.error}`);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const fresh = [];
    const reused = [];
    for (let i = 0; i < ctx.runs; i++) {
      fresh.push(await timed({ ...base, controlDir: false }));
      const s = await core.discover(spec, { ...base, controlDir: ctl });
      if (s.partial !== undefined) throw new Error(`discovery partial: ${s.partial}`);
      reused.push(await timed({ ...base, controlDir: ctl }));
    }
    core.closeSshMasters(ctl);
    const f = ctx.median(fresh);
    const r = ctx.median(reused);
    // sshd runs every command through the user's login shell; bash run by sshd reads ~/.bashrc (Debian), which
    // on a developer machine can cost more than the connection itself. The sshd is this machine, so the same
    // shell start measured here is what each session pays whatever the connection.
    const shell = os.userInfo().shell || '/bin/sh';
    const shellRuns = [];
    for (let i = 0; i < ctx.runs; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(shell, ['-c', 'true'], { env: { HOME: os.homedir(), SSH_CLIENT: '127.0.0.1 1 127.0.0.1 22' }, stdio: 'ignore' });
      shellRuns.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const sh = Math.min(ctx.median(shellRuns), r);
    return [
      { name: 'ssh: action after discovery (shared master) vs fresh connection (goal ≤ 0.2)', ratio: Number((r / f).toFixed(3)), reusedMs: r, freshMs: f },
      { name: 'ssh: the same, the login shell start both pay left out', ratio: Number(((r - sh) / (f - sh)).toFixed(3)), shellStartMs: sh },
    ];
  } finally {
    sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default { name: 'ssh-reuse', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
