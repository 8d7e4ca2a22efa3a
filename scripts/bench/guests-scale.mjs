// Bench case: discovery's cost with 50 guests vs 5 (issue 15 item 1: one ssh connection per refresh whatever the
// number of guests, cost growing linearly). A real libvirtd of the bench's own (test/core/libvirt/libvirtd.ts, a
// private mount namespace, needs root) reached over real ssh to 127.0.0.1; the same master connection is kept warm,
// so what is timed is the discovery round trip and its parsing, not the key exchange. One daemon, one run: 5 guests
// listed, then 45 more defined and listed (defining takes longer than alternating would save).
// Loaded by scripts/bench.mjs or run alone: `node scripts/bench/guests-scale.mjs`.
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function loadCore() {
  const entry = `export { discover } from './src/core/host/discover';
export { parseHostSpec } from './src/core/host/hostSpec';
export { closeSshMasters } from './src/core/host/sshControl';
export { startPrivateLibvirt } from './test/core/libvirt/libvirtd';`;
  const out = await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent', external: ['execa'] });
  const file = path.join(root, 'node_modules', '.kvmnet-bench-guests-scale.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

const domain = (i) => `<domain type='qemu'><name>kvmnet-scale-${i}</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<interface type='user'><mac address='52:54:00:cc:00:${i.toString(16).padStart(2, '0')}'/><model type='virtio'/></interface>
<interface type='network'><source network='default'/><mac address='52:54:00:cc:01:${i.toString(16).padStart(2, '0')}'/></interface>
</devices></domain>`;

async function run(ctx = { runs: 9, median: (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1] }) {
  if (process.getuid?.() !== 0) return [{ name: 'discovery: 50 guests vs 5', detail: 'skipped: a private libvirtd needs root' }];
  const core = await loadCore();
  const lv = await core.startPrivateLibvirt();
  const ctl = path.join(lv.dir, 'ctl');
  try {
    const spec = core.parseHostSpec(lv.sshd.hostSpec);
    const opts = { sshOptions: lv.sshd.clientOptions, connectTimeoutSeconds: 10, runTimeoutSeconds: 120, controlDir: ctl };
    const defineGuests = (from, to) => {
      for (let i = from; i < to; i++) {
        const file = path.join(lv.dir, `g${i}.xml`);
        writeFileSync(file, domain(i));
        const r = lv.virsh('define', file);
        if (r.status !== 0) throw new Error(`virsh define: ${r.output}`);
      }
    };
    const timed = async (expected) => {
      const t0 = process.hrtime.bigint();
      const s = await core.discover(spec, opts);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const n = s.libvirt?.guests.length ?? 0;
      if (n !== expected) throw new Error(`discovery listed ${n} guests, not ${expected}${s.partial ? ` (${s.partial})` : ''}`);
      return ms;
    };
    defineGuests(0, 5);
    await timed(5); // opens the master; not counted
    const five = [];
    for (let i = 0; i < ctx.runs; i++) five.push(await timed(5));
    defineGuests(5, 50);
    await timed(50);
    const fifty = [];
    for (let i = 0; i < ctx.runs; i++) fifty.push(await timed(50));
    const [a, b] = [ctx.median(five), ctx.median(fifty)];
    return [
      {
        name: 'discovery over ssh: 50 guests ÷ 5 guests (linear in the guests would be at most 10)',
        ratio: Number((b / a).toFixed(2)),
        detail: `5 guests ${a.toFixed(0)} ms, 50 guests ${b.toFixed(0)} ms (medians of ${ctx.runs}, warm master, one connection each)`,
      },
    ];
  } finally {
    core.closeSshMasters(ctl);
    lv.stop();
  }
}

export default { name: 'guests-scale', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
