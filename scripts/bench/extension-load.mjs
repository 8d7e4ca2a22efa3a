// Case: the cost of loading dist/extension.js (a cold require in a fresh node process, `vscode` stubbed)
// beside the cost of starting node itself (`node -e 0`), both measured in this run, plus the bundle size.
import { statSync } from 'node:fs';
import path from 'node:path';

const STUB = new URL('./vscode-stub.cjs', import.meta.url).pathname;

/** Child program: route `vscode` to the stub, then time only the bundle's require. */
function loader(bundle) {
  return `
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? ${JSON.stringify(STUB)} : resolve.call(this, request, ...rest);
};
require(${JSON.stringify(STUB)});
const t0 = process.hrtime.bigint();
require(${JSON.stringify(bundle)});
process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));
`;
}

export default async function extensionLoad({ root, runs, timeSpawn, runNode, median, fmtMs, fmtBytes }) {
  const bundle = path.join(root, 'dist', 'extension.js');
  const size = statSync(bundle).size;
  const nodeStart = [];
  const requireMs = [];
  const program = loader(bundle);
  runNode(program); // warm the file cache: "cold" means a fresh process, not a cold disk
  timeSpawn(process.execPath, ['-e', '0']);
  // Interleaved, so drift on a busy machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    nodeStart.push(timeSpawn(process.execPath, ['-e', '0']));
    requireMs.push(Number(runNode(program)));
  }
  const load = median(requireMs);
  const start = median(nodeStart);
  return {
    name: 'extension load vs node start',
    ratio: load / start,
    detail: `require(dist/extension.js) ${fmtMs(load)} vs \`node -e 0\` ${fmtMs(start)} (medians of ${runs}); bundle ${fmtBytes(size)}`,
  };
}
