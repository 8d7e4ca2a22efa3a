/*
 * Main-thread side of the lint worker: one long-lived worker thread (libvirt's compiled schemas stay cached in
 * it) that runs, one job at a time, everything that parses a whole document for the editor: the libvirt XML
 * analysis, the whole lintText (XML and launch scripts), the workspace MAC scans and the launch-script outline
 * behind the code lenses. The calling thread (the extension host) only posts text and receives results. Nothing ever falls back to
 * running on the calling thread: a job that times out, is cancelled or loses its worker reports that instead
 * (a pathological file once froze the editor for 30 s that way, issue #12).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DocumentKind } from '../../documentKind';
import type { Finding } from '../../findings';
import type { LintOptions, LintResult } from '../../lint';
import { notice } from '../../notices';
import type { ScriptOutline } from '../../qemu/outline';
import type { WorkspaceText } from '../../workspaceMacs';
import type { XmlCompletion } from '../complete/complete';
import type { XmlHover } from '../complete/hover';
import { libxmlBundlePath } from './libxml';
import type { SchemaSet } from './schemaSet';

export type LintJob =
  | { readonly kind: 'xml'; readonly text: string; readonly set: SchemaSet }
  | { readonly kind: 'lint'; readonly fileName: string; readonly text: string; readonly options: LintOptions; readonly maxFindings?: number }
  | { readonly kind: 'workspace-macs'; readonly documentKind: DocumentKind; readonly files: readonly WorkspaceText[] }
  | { readonly kind: 'outline'; readonly text: string }
  | { readonly kind: 'complete'; readonly text: string; readonly offset: number; readonly schemaDir?: string }
  | { readonly kind: 'hover'; readonly text: string; readonly offset: number };

/** What each job kind answers. */
export interface JobResults {
  xml: Finding[];
  lint: LintResult;
  /** [file, findings] for every file given. */
  'workspace-macs': [string, Finding[]][];
  outline: ScriptOutline;
  complete: XmlCompletion[];
  /** null: nothing to say there (a reply always carries a result). */
  hover: XmlHover | null;
}
type JobResult<J extends LintJob> = JobResults[J['kind']];

export interface WorkerRequest {
  readonly id: number;
  readonly job: LintJob;
}

export interface WorkerReply {
  readonly id: number;
  readonly result?: JobResults[LintJob['kind']];
  readonly error?: string;
}

export interface LintWorkerTiming {
  /** A job running longer than this is stopped (the worker is restarted) and reported as not checked. */
  timeoutMs: number;
  /**
   * A running job whose document got a newer edit may finish within this grace; past it the worker is restarted.
   * Restarting recompiles the schemas (~100 ms), so ordinary typing (a validation takes ~150 ms) never does.
   */
  supersededGraceMs: number;
}

const timing: LintWorkerTiming = { timeoutMs: 20_000, supersededGraceMs: 1_500 };

/** For tests: shorter timeouts without waiting 20 s. */
export function configureLintWorker(t: Partial<LintWorkerTiming>): void {
  Object.assign(timing, t);
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`the check took longer than ${ms / 1000} s and was stopped`);
  }
}

/** A newer request for the same document replaced this one. */
export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer edit');
  }
}

/** The worker thread cannot start here; nothing is checked on the calling thread instead. */
export class WorkerUnavailableError extends Error {}

interface Task {
  readonly id: number;
  readonly job: LintJob;
  readonly key: string | undefined;
  resolve(r: JobResults[LintJob['kind']]): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
  grace?: NodeJS.Timeout;
}

function workerFile(): string | undefined {
  const candidates = [path.join(__dirname, 'xml-worker.mjs'), path.join(__dirname, 'worker.ts')];
  return candidates.find((f) => existsSync(f));
}

/** What the worker did, for tests and the editor's internal stats. */
export interface LintWorkerStats {
  started: number;
  /** Jobs the worker answered. */
  completed: number;
  /** Workers stopped on purpose: a timeout or a superseded job past its grace. */
  restarted: number;
  superseded: number;
  timedOut: number;
}

class LintWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: Task | undefined;
  private queue: Task[] = [];
  readonly stats: LintWorkerStats = { started: 0, completed: 0, restarted: 0, superseded: 0, timedOut: 0 };

  private start(): Worker {
    const file = workerFile();
    if (!file) throw new WorkerUnavailableError('the lint worker script is missing');
    const libxml = libxmlBundlePath();
    const workerData = libxml ? { libxml } : {};
    // From sources (tests) the worker is TypeScript: register tsx's require hook inside it first
    // (node 20 does not apply --import hooks to a worker's entry file).
    const w = file.endsWith('.ts')
      ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true, workerData })
      : new Worker(file, { workerData });
    this.stats.started++;
    w.unref(); // an idle worker must not keep the CLI alive
    w.on('message', (m: WorkerReply) => {
      const task = this.running;
      if (this.worker !== w || task?.id !== m.id) return;
      this.finish(task);
      this.stats.completed++;
      if (m.result !== undefined) task.resolve(m.result);
      else task.reject(new Error(m.error ?? 'lint worker failed'));
      this.pump();
    });
    const lost = (e: Error): void => {
      if (this.worker !== w) return; // already replaced on purpose
      this.worker = undefined;
      const task = this.running;
      if (task) {
        this.finish(task);
        task.reject(new Error(`lint worker stopped: ${e.message}`));
      }
      this.pump();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return w;
  }

  /** `urgent` jobs (the user waits on them: completion, hover) go before the queued lints and scans. */
  run<J extends LintJob>(job: J, key?: string, urgent = false): Promise<JobResult<J>> {
    if (key !== undefined) this.cancel(key);
    return new Promise<JobResult<J>>((resolve, reject) => {
      const task = { id: this.nextId++, job, key, resolve: resolve as Task['resolve'], reject };
      if (urgent) this.queue.unshift(task);
      else this.queue.push(task);
      this.pump();
    });
  }

  /** Drops the queued job of `key` and gives its running job the grace period before the worker is restarted. */
  cancel(key: string): void {
    for (const t of this.queue.filter((q) => q.key === key)) {
      this.queue.splice(this.queue.indexOf(t), 1);
      this.stats.superseded++;
      t.reject(new SupersededError());
    }
    const task = this.running;
    if (task?.key === key && !task.grace) {
      task.grace = setTimeout(() => this.stop(task, new SupersededError(), 'superseded'), timing.supersededGraceMs);
    }
  }

  private pump(): void {
    if (this.running) return;
    const task = this.queue.shift();
    if (!task) {
      this.worker?.unref();
      return;
    }
    let w: Worker;
    try {
      w = this.worker ??= this.start();
    } catch (e) {
      task.reject(e instanceof WorkerUnavailableError ? e : new WorkerUnavailableError(`the lint worker cannot start: ${(e as Error).message}`));
      this.pump();
      return;
    }
    this.running = task;
    w.ref();
    task.timer = setTimeout(() => this.stop(task, new TimeoutError(timing.timeoutMs), 'timedOut'), timing.timeoutMs);
    w.postMessage({ id: task.id, job: task.job } satisfies WorkerRequest);
  }

  private finish(task: Task): void {
    clearTimeout(task.timer);
    clearTimeout(task.grace);
    if (this.running === task) this.running = undefined;
  }

  /** Stops a running job by restarting the worker (a synchronous analysis cannot be interrupted otherwise). */
  private stop(task: Task, error: Error, why: 'timedOut' | 'superseded'): void {
    if (this.running !== task) return;
    this.finish(task);
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    this.stats.restarted++;
    this.stats[why]++;
    task.reject(error);
    this.pump();
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const t of [...this.queue, ...(this.running ? [this.running] : [])]) {
      this.finish(t);
      t.reject(new Error('lint worker disposed'));
    }
    this.queue = [];
    void w?.terminate();
  }
}

let shared: LintWorker | undefined;
const lintWorker = (): LintWorker => (shared ??= new LintWorker());

/** The libvirt XML analysis (schema + rules) in the worker thread. */
export function analyzeOffThread(text: string, set: SchemaSet): Promise<Finding[]> {
  return lintWorker().run({ kind: 'xml', text, set });
}

/**
 * lintText in the worker thread. With a `key` (the document), a newer call for the same key supersedes this
 * one: it then resolves undefined. At most `maxFindings` findings come back (the rest summed up in a notice).
 */
export async function lintOffThread(fileName: string, text: string, options: LintOptions & { maxFindings?: number }, key?: string): Promise<LintResult | undefined> {
  const { maxFindings, ...lintOptions } = options;
  try {
    return await lintWorker().run({ kind: 'lint', fileName, text, options: lintOptions, ...(maxFindings !== undefined ? { maxFindings } : {}) }, key);
  } catch (e) {
    if (e instanceof SupersededError) return undefined;
    // Timed out, no worker, or the worker died on this file: say so, and check nothing on this thread.
    const message = `Not checked: ${e instanceof Error ? e.message : String(e)}.`;
    return { kind: undefined, findings: [notice('NotChecked', message)] };
  }
}

/**
 * The cross-file MAC findings of a workspace's libvirt XML files or launch scripts, from their texts, in the worker
 * (it keeps each file's parse while its text stays the same). A newer scan with the same `key` supersedes this
 * one: it then resolves undefined. Timeouts and a lost worker reject.
 */
export async function workspaceMacsOffThread(documentKind: DocumentKind, files: readonly WorkspaceText[], key: string): Promise<Map<string, Finding[]> | undefined> {
  try {
    return new Map(await lintWorker().run({ kind: 'workspace-macs', documentKind, files }, key));
  } catch (e) {
    if (e instanceof SupersededError) return undefined;
    throw e;
  }
}

/** The launch-script outline behind the code lenses, in the worker; undefined when superseded (same `key`). */
export async function scriptOutlineOffThread(text: string, key: string): Promise<ScriptOutline | undefined> {
  try {
    return await lintWorker().run({ kind: 'outline', text }, key);
  } catch (e) {
    if (e instanceof SupersededError) return undefined;
    throw e;
  }
}

/**
 * XML completion at `offset` in the worker (it reads the text up to the cursor into a tree, and the schema's
 * completion model); ahead of queued lints, but after the running job. Undefined when superseded (same `key`).
 */
export async function completeOffThread(text: string, offset: number, schemaDir: string | undefined, key: string): Promise<XmlCompletion[] | undefined> {
  try {
    return await lintWorker().run({ kind: 'complete', text, offset, ...(schemaDir !== undefined ? { schemaDir } : {}) }, key, true);
  } catch (e) {
    if (e instanceof SupersededError) return undefined;
    throw e;
  }
}

/** XML hover at `offset` in the worker (it parses the whole document); undefined when superseded or nothing there. */
export async function hoverOffThread(text: string, offset: number, key: string): Promise<XmlHover | undefined> {
  try {
    return (await lintWorker().run({ kind: 'hover', text, offset }, key, true)) ?? undefined;
  } catch (e) {
    if (e instanceof SupersededError) return undefined;
    throw e;
  }
}

/** Forgets the queued job of a document (closed) and stops its running one after the grace. */
export function cancelLint(key: string): void {
  shared?.cancel(key);
}

export function lintWorkerStats(): Readonly<LintWorkerStats> {
  return { ...lintWorker().stats };
}

/** Stops the worker (extension deactivation, tests). */
export function disposeSchemaWorker(): void {
  shared?.dispose();
  shared = undefined;
}
