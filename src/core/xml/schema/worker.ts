/*
 * Worker-thread entry: libxml2 validation (schema compile ~100 ms, validation of a large
 * domain ~10–30 ms) runs here so the extension host never blocks while the user types.
 * Bundled as dist/xml-worker.mjs; run from sources (tests) as this .ts file through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useLibxmlBundle } from './libxml';
import type { SchemaSet } from './schemaSet';
import { validateWithSchema } from './validate';

export interface WorkerRequest {
  readonly id: number;
  readonly text: string;
  readonly set: SchemaSet;
}

const data = workerData as { libxml?: string } | undefined;
if (typeof data?.libxml === 'string') useLibxmlBundle(data.libxml);

parentPort?.on('message', (req: WorkerRequest) => {
  validateWithSchema(req.text, req.set).then(
    (outcome) => parentPort?.postMessage({ id: req.id, outcome }),
    (e: unknown) => parentPort?.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
