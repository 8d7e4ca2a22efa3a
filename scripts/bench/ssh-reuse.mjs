// Bench case: a host action right after discovery (issue 15 item 5). The action rides the host's ssh master
// connection (ControlMaster, src/core/host/sshControl.ts) that discovery opened, measured beside the same
// action over a fresh connection (TCP, key exchange, authentication), both against a real sshd on 127.0.0.1.
// Goal: ≤ 0.2× on a stock account (a throw-away bash user with /etc/skel, when run as root); this machine's own
// account is measured too, with its login shell's start apart (rc files can cost more than the connection). Loaded by scripts/bench.mjs or run alone: `node scripts/bench/ssh-reuse.mjs`.
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
export { startSshd, createTempUser } from './test/core/host/sshd';`;
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

/** Fresh connection vs action after discovery (shared master), medians over ctx.runs pairs, for one account. */
async function reuseRatio(core, ctx, spec, sshOptions, ctl) {
  const base = { sshOptions, connectTimeoutSeconds: 10 };
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
  return { fresh: ctx.median(fresh), reused: ctx.median(reused) };
}

async function run(ctx = { runs: 15, median: (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1] }) {
  const core = await loadCore();
  const sshd = await core.startSshd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-bench-'));
  // A stock account: bash with Debian's /etc/skel rc files, as a new account on a host has. sshd runs every
  // command through the login shell, and this machine's own account may carry rc files (pyenv, nvm) that cost
  // more than the connection itself: that account is measured too, with the shell start it pays.
  const stock = process.getuid?.() === 0 ? core.createTempUser(sshd, { shell: '/bin/bash', skel: true }) : undefined;
  try {
    const out = [];
    if (stock) {
      const spec = core.parseHostSpec(`ssh://${stock.name}@127.0.0.1:${sshd.port}`);
      const opts = [...sshd.clientOptions.filter((o) => !o.startsWith('IdentityFile=')), `IdentityFile=${stock.key}`];
      const { fresh: f, reused: r } = await reuseRatio(core, ctx, spec, opts, path.join(dir, 'stock'));
      out.push({ name: 'ssh: action after discovery (shared master) vs fresh connection, stock bash account (goal ≤ 0.2)', ratio: Number((r / f).toFixed(3)), reusedMs: r, freshMs: f });
    }
    const { fresh: f, reused: r } = await reuseRatio(core, ctx, core.parseHostSpec(sshd.hostSpec), sshd.clientOptions, path.join(dir, 'own'));
    const shell = os.userInfo().shell || '/bin/sh';
    const shellRuns = [];
    for (let i = 0; i < ctx.runs; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(shell, ['-c', 'true'], { env: { HOME: os.homedir(), SSH_CLIENT: '127.0.0.1 1 127.0.0.1 22' }, stdio: 'ignore' });
      shellRuns.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const sh = Math.min(ctx.median(shellRuns), r);
    out.push(
      { name: `ssh: the same on this machine's account (${os.userInfo().username}, its own rc files)`, ratio: Number((r / f).toFixed(3)), reusedMs: r, freshMs: f, shellStartMs: sh },
      { name: "ssh: the same, that account's shell start (which both pay) left out", ratio: Number(((r - sh) / (f - sh)).toFixed(3)) },
    );
    return out;
  } finally {
    stock?.remove();
    sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default { name: 'ssh-reuse', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
