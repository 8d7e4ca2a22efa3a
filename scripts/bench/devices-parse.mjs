// Bench case: discovery-output parsing cost (issue 6 item 8). Parses synthetic snapshots of
// 1,024 / 2,048 / 4,096 PCI functions (PFs with VFs, netdevs, IOMMU groups) beside this
// machine's real discovery output, the captured SR-IOV lab VM output and the embedded demo host, and reports µs per function
// so linear cost shows as a flat line. Loaded by scripts/bench.mjs (default export
// { name, run }) or run alone: `node scripts/bench/devices-parse.mjs`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The core parser, bundled on the fly (the bench measures the same code the extension runs). */
async function loadCore() {
  const entry = `export { parseDiscovery } from './src/core/host/parse';
export { DISCOVERY_SCRIPT } from './src/core/host/discoveryScript';
export { DEMO_DISCOVERY } from './src/core/host/demo';
export { DeviceTreeModel, deviceForest } from './src/core/pci/tree';`;
  const out = await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

/** Realistic shape: dual-port PFs with 62 VFs each (half on vfio-pci), one group per function. */
export function syntheticDiscovery(functions) {
  const lines = ['KVMNET-DISCOVERY 1', 'S\thostname\tbench', 'S\tdefault-route\teth0'];
  let n = 0;
  let bus = 1;
  const hex = (v, w) => v.toString(16).padStart(w, '0');
  while (n < functions) {
    for (let port = 0; port < 2 && n < functions; port++) {
      const pf = `0000:${hex(bus, 2)}:00.${port}`;
      const vfs = [];
      for (let i = 0; i < 62 && n + 1 + vfs.length < functions; i++) vfs.push(`0000:${hex(bus + 1 + port, 2)}:${hex(i >> 3, 2)}.${i & 7}`);
      const dev = (bdf, id, extra) => {
        const g = n++;
        lines.push(`D\t${bdf}\tclass\t0x020000`, `D\t${bdf}\tvendor\t0x8086`, `D\t${bdf}\tdevice\t0x${id}`, `D\t${bdf}\tnuma_node\t0`, `D\t${bdf}\tiommu_group\t${g}`, `G\t${g}\t${bdf}`, ...extra);
      };
      dev(pf, '1572', [`D\t${pf}\tdriver\ti40e`, `D\t${pf}\tsriov_totalvfs\t64`, `D\t${pf}\tsriov_numvfs\t${vfs.length}`, ...vfs.map((v, i) => `D\t${pf}\tvirtfn${i}\t${v}`), `D\t${pf}\tnet\tp${bus}p${port}`]);
      lines.push(`N\tp${bus}p${port}\taddress\t3c:fd:fe:00:${hex(bus & 255, 2)}:0${port}`, `N\tp${bus}p${port}\toperstate\tup`);
      vfs.forEach((v, i) => dev(v, '154c', [`D\t${v}\tphysfn\t${pf}`, `D\t${v}\tdriver\t${i % 2 ? 'vfio-pci' : 'iavf'}`]));
    }
    bus += 3;
  }
  lines.push('END');
  return `${lines.join('\n')}\n`;
}

function lowerQuartile(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 4)]; // lower quartile: GC pauses land in the upper half
}

function time(fn, runs) {
  fn(); // warm-up
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return lowerQuartile(t);
}

export async function run() {
  const core = await loadCore();
  const results = [];
  const measure = (label, text, runs) => {
    const devices = core.parseDiscovery(text).devices.length;
    const ms = time(() => core.parseDiscovery(text), runs);
    results.push({ name: `devices: parse ${label}`, devices, ms: Number(ms.toFixed(3)), usPerDevice: Number(((ms * 1000) / Math.max(1, devices)).toFixed(2)) });
  };
  for (const n of [1024, 2048, 4096]) measure(`synthetic ${n} functions`, syntheticDiscovery(n), 15);
  const local = spawnSync('sh', ['-s'], { input: core.DISCOVERY_SCRIPT, encoding: 'utf8' });
  if (local.status === 0) measure('this machine (real discovery output)', local.stdout, 51);
  measure('embedded demo host', core.DEMO_DISCOVERY, 51);
  // Real output of the SR-IOV lab VM, captured over ssh by the project (test/core/host/labVm.ts).
  measure('SR-IOV lab VM (captured real output)', readFileSync(path.join(root, 'test/core/host/fixtures/labvm-discovery.txt'), 'utf8'), 51);
  const [small, , big] = results;
  results.push({ name: 'devices: cost ratio 4096 vs 1024 functions (4.0 = linear)', ratio: Number((big.ms / small.ms).toFixed(2)) });
  // Lazy tree (issue 6 item 8): opening the host and one PF in the Devices view vs building the whole forest.
  const snapshot = core.parseDiscovery(syntheticDiscovery(4096));
  const lazy = time(() => {
    const model = new core.DeviceTreeModel(snapshot);
    const pf = model.children().find((e) => model.children(e).length > 0);
    if (!pf) throw new Error('bench snapshot has no PF with VFs');
  }, 51);
  const eager = time(() => core.deviceForest(snapshot), 51);
  results.push({ name: 'devices: full 4096-function forest vs lazy host + one PF expanded (higher = laziness pays)', ratio: Number((eager / lazy).toFixed(2)), lazyMs: Number(lazy.toFixed(3)), eagerMs: Number(eager.toFixed(3)) });
  return results;
}

export default { name: 'devices-parse', run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
