import assert from 'node:assert/strict';
import os from 'node:os';
import { after, afterEach, before, test } from 'node:test';
import { SCRIPT_SHAPES } from '../hostile/script-shapes';
import { XML_SHAPES } from '../hostile/xml-shapes';
import { startEditor, waitUntil, type Editor } from './harness';

// Issue #12 "no editor freeze": typing into pathological files in a real editor. The extension host measures
// its own event-loop delay (kvmnet.internal.eventLoopStats, one of the harness's probes: it is not in the palette); the
// test prints the longest block as a ratio to the 50 ms budget and asserts the structure: no lint and no
// whole-document parse (libvirt XML or launch script: diagnostics, workspace MAC scans, code lenses) ran on the
// extension host thread, the typed text shows, and the file's findings (or the limit notice) arrive.

const files: Record<string, string> = {
  // One attribute a line: the editor's renderer copes better than with one 650 kB line (same limit notice).
  'attributes.xml': XML_SHAPES['attributes on the root, one per line']!(60_000),
  'elements.xml': XML_SHAPES['many NICs']!(7_000),
  'invalid-nics.xml': XML_SHAPES['many invalid NICs']!(3_000),
  'launch.sh': SCRIPT_SHAPES['many QEMU commands']!(300),
};

interface Stats {
  maxMs: number;
  p99Ms: number;
  cpuMaxMs: number;
  gcMaxMs: number;
  longestGap: { ms: number; cpuMs: number; waitMs: number; asleepMs: number };
  mainThreadLints: number;
  mainThreadAnalyses: number;
  mainThreadParses: { xml: number; script: number };
  worker: { completed: number; superseded: number; restarted: number };
}

let ed: Editor;
before(async () => {
  // VS Code's built-in Emmet answers completion in XML on the same extension host and scans the whole document
  // for it on every typed character (a CPU profile of this test showed it holding the thread ~120 ms on
  // invalid-nics.xml): it is kept out of XML here so the block measured is this extension's.
  ed = await startEditor({ name: 'editor-block', workspaceFiles: files, examples: false, settings: { 'emmet.excludeLanguages': ['markdown', 'xml'] } });
});
after(() => ed?.close());

/** The extension host's event-loop stats (the read also resets when asked). */
const stats = async (probe: 'eventLoopReset' | 'eventLoopRead'): Promise<Stats> => (await ed.probe(probe)) as Stats;

async function typeAndMeasure(file: string, line: number, column: number, typed: string, arrived: () => Promise<boolean>): Promise<Stats> {
  await ed.openFile(file);
  await ed.goToLine(line, column);
  // Opened and checked (its findings show) before the measurement starts: what is measured is the typing.
  await waitUntil(arrived, `the findings of ${file} after opening`);
  const before = await stats('eventLoopReset');
  await ed.typeText(typed);
  await waitUntil(async () => (await ed.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()).includes(typed.trim()), 'the typed text to show');
  // The lint of the final text came back (a newer edit supersedes older runs, so count answers, not requests).
  await waitUntil(async () => (await stats('eventLoopRead')).worker.completed > before.worker.completed && (await arrived()), `the findings of ${file} after typing`);
  const s = await stats('eventLoopRead');
  // The ratio counts the time the extension host thread spent on a CPU (kernel schedstat): the event-loop delay also
  // counts the time other processes held the CPU, which on a loaded 2-core machine multiplies it (both printed).
  console.log(`# ${file}: longest extension-host block while typing ${s.cpuMaxMs} ms on a CPU ÷ 50 ms budget = ${(s.cpuMaxMs / 50).toFixed(2)} (event-loop delay ${s.maxMs} ms, p99 ${s.p99Ms} ms; longest GC pause ${s.gcMaxMs} ms; longest gap between 5 ms ticks ${JSON.stringify(s.longestGap)}); worker: ${JSON.stringify(s.worker)}; parses on the host: ${JSON.stringify(s.mainThreadParses)}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
  assert.ok(s.cpuMaxMs > 0, 'the kernel reports the extension host thread CPU time (/proc/thread-self/schedstat)');
  assert.equal(s.mainThreadLints, 0, 'no lintText on the extension host thread');
  assert.equal(s.mainThreadAnalyses, 0, 'no libvirt XML analysis on the extension host thread');
  assert.deepEqual(s.mainThreadParses, { xml: 0, script: 0 }, 'no whole-document parse on the extension host thread');
  return s;
}

const squiggle = async (kind: 'info' | 'warning'): Promise<boolean> => (await ed.page.locator(`.editor-group-container.active .monaco-editor .squiggly-${kind}`).count()) > 0;

/** errors + warnings + infos of the status bar's problems item. */
async function problemCount(): Promise<number> {
  const text = await ed.page.locator('[id="status.problems"]').first().innerText();
  return (text.match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
}

// Each file is closed after its test (its diagnostics go), so the status bar counts only the open file's
// (reading a thousand rows of the Problems panel would take long).
afterEach(() => ed.runCommand('View: Revert and Close Editor'));

test('3,000 invalid NICs (5,990 findings): 1,000 shown with a notice, all computed in the worker', async () => {
  await typeAndMeasure('invalid-nics.xml', 2, 9, 'typed', async () => (await problemCount()) === 1001);
  await ed.screenshot('editor-block-invalid-nics');
});

test('60,000 attributes on <domain>: the limit notice and the first error, typing stays off the extension host thread', async () => {
  await typeAndMeasure('attributes.xml', 60_002, 9, 'typed', async () => (await problemCount()) === 2);
  await ed.goToLine(1);
  await ed.waitForSquiggle('info');
  await ed.screenshot('editor-block-attributes');
});

test('7,000 NICs (over the element limit): the notice only, no in-process validation', async () => {
  await typeAndMeasure('elements.xml', 2, 9, 'typed', async () => (await problemCount()) === 1 && squiggle('info'));
  await ed.screenshot('editor-block-elements');
});

test('a launch script with 300 legacy QEMU commands: linted in the worker while typing', async () => {
  // Legacy -net with a user-mode backend is an info finding.
  await typeAndMeasure('launch.sh', 2, 1, 'true; ', () => squiggle('info'));
  await ed.screenshot('editor-block-launch-script');
});
