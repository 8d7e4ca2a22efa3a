// Bench case (issue #12 "no editor freeze"): typing into pathological libvirt XML and launch scripts, the
// longest the calling thread (the extension host) is blocked, as a ratio to the 50 ms budget (≤ 1 passes).
// The same client and worker the extension runs (lintOffThread: the extension host only posts text and
// receives findings), bundled like scripts/build.mjs into .cache/bench-editor-block. Each keystroke is one
// lint request for the document, as the debounced editor sends them (a launch script also its code-lens outline),
// a newer one superseding the older; after the typing, the workspace MAC scan of the file, as the editor's does.
// Loaded by scripts/bench.mjs (default export { name, run }) or run alone: node scripts/bench/editor-block.mjs
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function loadCore() {
  const out = path.join(root, '.cache/bench-editor-block');
  const libxml = ['libxml2-wasm', 'libxml2-wasm/*'];
  const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'silent', absWorkingDir: root };
  const entry = `export { lintOffThread, disposeSchemaWorker, lintWorkerStats, scriptOutlineOffThread, workspaceMacsOffThread } from './src/core/xml/schema/client';
export { mainThreadLints } from './src/core/lint';
export { mainThreadParses } from './src/core/mainThreadParses';
export { mainThreadAnalyses } from './src/core/xml/schema/analyze';
export { XML_SHAPES } from './test/hostile/xml-shapes';
export { SCRIPT_SHAPES } from './test/hostile/script-shapes';`;
  await Promise.all([
    esbuild.build({ ...common, stdin: { contents: entry, resolveDir: root, loader: 'ts' }, format: 'cjs', external: libxml, outfile: path.join(out, 'core.cjs'), define: { 'import.meta.url': 'undefined' } }),
    esbuild.build({ ...common, entryPoints: ['src/core/xml/schema/worker.ts'], format: 'esm', external: libxml, outfile: path.join(out, 'xml-worker.mjs') }),
    esbuild.build({ ...common, entryPoints: ['src/core/xml/schema/libxmlBundle.ts'], format: 'esm', outfile: path.join(out, 'libxml2.mjs') }),
  ]);
  return createRequire(import.meta.url)(path.join(out, 'core.cjs'));
}

const load = () => `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`;
const KEYSTROKES = 8;

/** Longest event-loop block (ms) while `work` runs, from perf_hooks' histogram. */
async function longestBlock(work) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await work();
  h.disable();
  return h.max / 1e6;
}

export async function run() {
  const core = await loadCore();
  const { XML_SHAPES, SCRIPT_SHAPES } = core;
  const cases = [
    ['xml', '60,000 attributes on <domain>', 'attributes on the root', 60_000],
    ['xml', '30,000 attributes on a NIC', 'attributes on a NIC', 30_000],
    ['xml', '100,000 nested elements', 'deep nesting', 100_000],
    ['xml', '8,000 NICs (24,000 elements, over the limit)', 'many NICs', 8_000],
    ['xml', '5,000 invalid NICs', 'many invalid NICs', 5_000],
    ['xml', '5,000 NICs on one line', 'one long line of NICs', 5_000],
    ['xml', '4 MB attribute value', 'huge attribute value', 200_000],
    ['xml', '200,000 entity references', 'entity and character references', 200_000],
    ['xml', '20,000 namespace declarations', 'namespace declarations', 20_000],
    ['xml', '100,000 comments', 'comments', 100_000],
    ['sh', 'launch script: 3,000 NICs in one command', 'many NIC options in one command', 3_000],
    ['sh', 'launch script: 5,000 QEMU commands', 'many QEMU commands', 5_000],
  ];
  // Worker up and schemas compiled, as in an editor that has linted a file already.
  await core.lintOffThread('/ws/warm.xml', XML_SHAPES['many NICs'](2), {}, 'warm');
  const idle = await longestBlock(() => sleep(500));
  // The same wait beside a thread that only burns CPU: what a busy worker alone costs this thread on this machine.
  const spinner = new Worker('for (;;) {}', { eval: true });
  const contended = await longestBlock(() => sleep(2000));
  await spinner.terminate();
  const results = [];
  for (const [kind, label, shape, n] of cases) {
    const base = (kind === 'xml' ? XML_SHAPES : SCRIPT_SHAPES)[shape](n);
    const file = kind === 'xml' ? '/ws/hostile.xml' : '/ws/launch.sh';
    const parses = () => core.mainThreadParses.xml + core.mainThreadParses.script;
    const before = { lints: core.mainThreadLints.count, analyses: core.mainThreadAnalyses.count, parses: parses(), ...core.lintWorkerStats() };
    let last;
    let lastAt = 0;
    let slice = 0;
    const t0 = performance.now();
    const block = await longestBlock(async () => {
      for (let k = 0; k < KEYSTROKES; k++) {
        // One more character typed at the end, then the debounced lint request (the editor's DEBOUNCE_MS).
        const text = kind === 'xml' ? base.replace('</domain>', `<!--${'x'.repeat(k)}--></domain>`) : `${base}# ${'x'.repeat(k)}\n`;
        const s = performance.now();
        last = core.lintOffThread(file, text, { maxFindings: 1000 }, file);
        if (kind === 'sh') void core.scriptOutlineOffThread(text, `lenses:${file}`);
        slice = Math.max(slice, performance.now() - s);
        await sleep(250);
      }
      last = await last;
      lastAt = performance.now();
      const scan = core.workspaceMacsOffThread(kind === 'xml' ? 'libvirt-xml' : 'launch-script', [{ file: path.basename(file), path: file, text: base }], `scan:${kind}`);
      await scan.catch(() => undefined);
    });
    const latency = lastAt - t0 - KEYSTROKES * 250;
    const after = core.lintWorkerStats();
    const inThread = core.mainThreadLints.count - before.lints + core.mainThreadAnalyses.count - before.analyses + parses() - before.parses;
    const outcome = last ? `${last.findings.length} findings${last.findings[0] ? ` (first: ${last.findings[0].code})` : ''}` : 'superseded';
    results.push({
      name: `${kind}: extension-host block while typing, ${label} ÷ 50 ms budget (≤ 1 passes)`,
      ratio: +(block / 50).toFixed(3),
      detail:
        `longest event-loop block ${block.toFixed(1)} ms (this machine idle: ${idle.toFixed(1)} ms, beside a CPU-bound thread doing nothing for us: ${contended.toFixed(1)} ms), longest synchronous post ${slice.toFixed(2)} ms; ` +
        `${(base.length / 1e6).toFixed(2)} MB; last result ${outcome} ${Math.max(0, latency).toFixed(0)} ms after the last keystroke; ` +
        `worker: ${after.superseded - before.superseded} superseded, ${after.restarted - before.restarted} restarted, ${after.timedOut - before.timedOut} timed out; ` +
        `lints and whole-document parses on the calling thread: ${inThread} (${load()})`,
    });
  }
  core.disposeSchemaWorker();
  return results;
}

export default { name: 'editor-block', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
