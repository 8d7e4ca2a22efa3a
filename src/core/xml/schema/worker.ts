/*
 * Worker-thread entry: the whole libvirt XML analysis (libxml2 schema compile ~100 ms once,
 * validation of a 5,000-line domain ~150 ms, the semantic rules) runs here so the extension
 * host never blocks while the user types.
 * Bundled as dist/xml-worker.mjs; run from sources (tests) as this .ts file through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useLibxmlBundle } from './libxml';
import type { SchemaSet } from './schemaSet';
import { analyzeLibvirtXml } from './analyze';

export interface WorkerRequest {
  readonly id: number;
  readonly text: string;
  readonly set: SchemaSet;
}

const data = workerData as { libxml?: string } | undefined;
if (typeof data?.libxml === 'string') useLibxmlBundle(data.libxml);

parentPort?.on('message', (req: WorkerRequest) => {
  analyzeLibvirtXml(req.text, req.set).then(
    (findings) => parentPort?.postMessage({ id: req.id, findings }),
    (e: unknown) => parentPort?.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
