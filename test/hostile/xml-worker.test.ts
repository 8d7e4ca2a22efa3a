// Issue #12 "no editor freeze": the lint worker never falls back to the calling thread, and a newer edit of a
// document supersedes its older run (a queued one is dropped, a long running one is stopped after a grace).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mainThreadLints } from '../../src/core/lint';
import { mainThreadAnalyses } from '../../src/core/xml/schema/analyze';
import { analyzeOffThread, configureLintWorker, disposeSchemaWorker, lintOffThread, lintWorkerStats, TimeoutError } from '../../src/core/xml/schema/client';
import { resolveSchemaSet } from '../../src/core/xml/schema/schemaSet';
import { lintLibvirtXml } from '../../src/core/xml/lint';
import { badNics, domain } from './xml-shapes';

const set = resolveSchemaSet().set!;
after(disposeSchemaWorker);

const small = domain(`<interface type='bridge' trustGuestRxFilters='maybe'><source bridge='br0'/><model type='virtio'/></interface>`);
/** Seconds of worker time (thousands of invalid NICs, each explained), still under the size limits. */
const heavy = badNics(3000);
const codes = (fs: readonly { code: string }[]): string[] => fs.map((f) => f.code).sort();

test('a timed-out validation is not re-run on the calling thread, nor are the jobs queued behind it', async () => {
  const before = { analyses: mainThreadAnalyses.count, lints: mainThreadLints.count, restarted: lintWorkerStats().restarted };
  configureLintWorker({ timeoutMs: 300 });
  const a = analyzeOffThread(heavy, set).then(() => 'done', (e: unknown) => e);
  const b = analyzeOffThread(small, set).then((fs) => fs, (e: unknown) => e);
  const note = lintLibvirtXml(heavy);
  assert.ok((await a) instanceof TimeoutError, String(await a));
  // Queued behind the timed-out job: a fresh worker runs it (or it times out too), never this thread.
  const second = await b;
  assert.ok(Array.isArray(second) || second instanceof TimeoutError, String(second));
  const [timedOut] = await note;
  assert.equal(timedOut!.severity, 'info');
  assert.match(timedOut!.message, /^Not validated against libvirt's schema: the check took longer than 0\.3 s and was stopped\.$/);
  configureLintWorker({ timeoutMs: 60_000 });
  const inline = codes(await lintLibvirtXml(small, { schemaThread: 'inline' }));
  assert.ok(inline.length > 0);
  assert.deepEqual(codes(await analyzeOffThread(small, set)), inline);
  assert.equal(mainThreadAnalyses.count - before.analyses, 1, 'only the explicit inline run above ran on this thread');
  assert.equal(mainThreadLints.count, before.lints);
  assert.ok(lintWorkerStats().restarted > before.restarted, 'the worker was restarted');
});

test('a newer edit drops the queued run and stops a long one after the grace; short runs finish (no thrashing)', async () => {
  configureLintWorker({ timeoutMs: 60_000, supersededGraceMs: 100 });
  await lintOffThread('warm.xml', small, {}, 'warm'); // worker up, schemas compiled
  const before = lintWorkerStats();
  const analyses = mainThreadAnalyses.count;
  const first = lintOffThread('vm.xml', heavy, {}, 'vm.xml');
  const second = lintOffThread('vm.xml', small, {}, 'vm.xml');
  const latest = lintOffThread('vm.xml', small.replace("'maybe'", "'yes'"), {}, 'vm.xml');
  assert.equal(await second, undefined, 'the queued stale run is dropped');
  assert.equal(await first, undefined, 'the running stale run is stopped');
  const result = await latest;
  assert.equal(result?.kind, 'libvirt-xml');
  assert.deepEqual(codes(result.findings), []);
  const after = lintWorkerStats();
  assert.equal(after.superseded - before.superseded, 2);
  assert.equal(after.restarted - before.restarted, 1);

  // Ordinary typing: a superseded run that ends within the grace keeps the worker (compiled schemas) alive.
  configureLintWorker({ supersededGraceMs: 10_000 });
  const typing = [0, 1, 2, 3].map((i) => lintOffThread('vm.xml', small.replace('br0', `br${i}`), {}, 'vm.xml'));
  const results = await Promise.all(typing);
  assert.ok(results[3], 'the newest run reports');
  assert.equal(lintWorkerStats().restarted, after.restarted);
  assert.equal(mainThreadAnalyses.count, analyses);
});
