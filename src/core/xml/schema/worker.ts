/*
 * Lint worker entry: the libvirt XML analysis (libxml2 schema compile ~100 ms once, validation of a 5,000-line
 * domain ~150 ms, the semantic rules), the launch-script lint, the workspace MAC scans and the launch-script
 * outline of the code lenses, XML completion and hover run here, so the extension host never parses a whole
 * document while the user types. Bundled as dist/xml-worker.mjs; run from sources (tests) as this .ts file through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lintText, type LintResult } from '../../lint';
import { notice } from '../../notices';
import { scriptOutline } from '../../qemu/outline';
import { completeXml } from '../complete/complete';
import { hoverXml } from '../complete/hover';
import { workspaceMacFindings } from '../../workspaceMacs';
import type { JobResults, LintJob, WorkerReply, WorkerRequest } from './client';
import { useLibxmlBundle } from './libxml';
import { analyzeLibvirtXml } from './analyze';

const data = workerData as { libxml?: string } | undefined;
if (typeof data?.libxml === 'string') useLibxmlBundle(data.libxml);

/** The first `max` findings and a notice for the rest: tens of thousands of diagnostics only slow the editor down. */
function capFindings(result: LintResult, max: number | undefined): LintResult {
  if (max === undefined || result.findings.length <= max) return result;
  const shown = result.findings.slice(0, max);
  const message = `Showing the first ${max} of ${result.findings.length} findings in this file; run \`kvmnet lint\` for all of them.`;
  return { ...result, findings: [notice('TooManyFindings', message), ...shown] };
}

async function run(job: LintJob): Promise<JobResults[LintJob['kind']]> {
  switch (job.kind) {
    case 'xml':
      return analyzeLibvirtXml(job.text, job.set);
    case 'lint':
      return capFindings(await lintText(job.fileName, job.text, { ...job.options, schemaThread: 'inline' }), job.maxFindings);
    case 'workspace-macs':
      return workspaceMacFindings(job.documentKind, job.files);
    case 'outline':
      return scriptOutline(job.text);
    case 'complete':
      return completeXml(job.text, job.offset, job.schemaDir);
    case 'hover':
      return hoverXml(job.text, job.offset) ?? null;
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  run(req.job).then(
    (result) => parentPort?.postMessage({ id: req.id, result } satisfies WorkerReply),
    (e: unknown) => parentPort?.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply),
  );
});
