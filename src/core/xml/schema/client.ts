/*
 * Main-thread side of schema validation: one long-lived worker thread (the compiled schemas
 * stay cached in it), requests answered in order. If the worker cannot start or dies, the
 * same code runs in-process, so a finding is never lost to a threading problem.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { libxmlBundlePath } from './libxml';
import type { SchemaSet } from './schemaSet';
import type { Finding } from '../../findings';
import { analyzeLibvirtXml } from './analyze';
import type { WorkerRequest } from './worker';

/** A pathological document must not hold the worker forever: it is restarted after this. */
export const VALIDATION_TIMEOUT_MS = 20_000;

interface Pending {
  resolve(o: Finding[]): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

function workerFile(): string | undefined {
  const candidates = [path.join(__dirname, 'xml-worker.mjs'), path.join(__dirname, 'worker.ts')];
  return candidates.find((f) => existsSync(f));
}

class SchemaWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker {
    const file = workerFile();
    if (!file) throw new Error('schema worker script not found');
    const libxml = libxmlBundlePath();
    const workerData = libxml ? { libxml } : {};
    // From sources (tests) the worker is TypeScript: register tsx's require hook inside it first
    // (node 20 does not apply --import hooks to a worker's entry file).
    const w = file.endsWith('.ts')
      ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true, workerData })
      : new Worker(file, { workerData });
    w.unref(); // an idle worker must not keep the CLI alive
    w.on('message', (m: { id: number; findings?: Finding[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.settle(m.id);
      if (m.findings) p.resolve(m.findings);
      else p.reject(new Error(m.error ?? 'schema worker failed'));
    });
    const fail = (e: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, p] of [...this.pending]) {
        this.settle(id);
        p.reject(e);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`schema worker exited (${code})`)));
    return w;
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }

  validate(text: string, set: SchemaSet): Promise<Finding[]> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = this.nextId++;
    w.ref();
    return new Promise<Finding[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id);
        if (this.worker === w) this.worker = undefined;
        void w.terminate();
        reject(new TimeoutError());
      }, VALIDATION_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      w.postMessage({ id, text, set } satisfies WorkerRequest);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

export class TimeoutError extends Error {
  constructor() {
    super(`schema validation took longer than ${VALIDATION_TIMEOUT_MS / 1000} s`);
  }
}

let shared: SchemaWorker | undefined;

/** Analyses off the calling thread; falls back to in-process analysis when no worker can run. */
export async function analyzeOffThread(text: string, set: SchemaSet): Promise<Finding[]> {
  try {
    shared ??= new SchemaWorker();
    return await shared.validate(text, set);
  } catch (e) {
    if (e instanceof TimeoutError) throw e;
    return analyzeLibvirtXml(text, set);
  }
}

/** Stops the worker (extension deactivation, tests). */
export function disposeSchemaWorker(): void {
  shared?.dispose();
  shared = undefined;
}
