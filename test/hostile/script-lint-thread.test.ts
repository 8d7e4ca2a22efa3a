// Issue #12: launch-script lint runs in the lint worker like libvirt XML (the calling thread only posts text),
// with the same per-document cancellation. How its cost grows on pathological scripts is measured (n vs 4n, bounded)
// in script-pathological.stress.test.ts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { lintText, mainThreadLints } from '../../src/core/lint';
import { configureLintWorker, disposeSchemaWorker, lintOffThread, lintWorkerStats } from '../../src/core/xml/schema/client';
import { SCRIPT_SHAPES } from './script-shapes';

after(disposeSchemaWorker);

const legacy = '#!/bin/sh\nqemu-system-x86_64 -m 1G -net nic,model=e1000 -net user,hostfwd=tcp::2222-:22\n';

test('a launch script is linted in the worker: same findings as lintText, none of it on this thread', async () => {
  const inline = await lintText('/vm/launch.sh', legacy);
  const calls = mainThreadLints.count;
  const off = await lintOffThread('/vm/launch.sh', legacy, {}, 'launch.sh');
  assert.deepEqual(off, inline);
  assert.equal(mainThreadLints.count, calls, 'lintText did not run on the calling thread');
});

test('while the worker lints a pathological script, this thread keeps running', async () => {
  const text = SCRIPT_SHAPES['many NIC options in one command']!(1500);
  await lintOffThread('/vm/warm.sh', legacy, {}, 'warm');
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  const result = await lintOffThread('/vm/big.sh', text, {}, 'big.sh');
  clearInterval(ticker);
  assert.equal(result?.kind, 'launch-script');
  assert.ok(ticks > 5, `the event loop ticked ${ticks} times during the lint`);
});

test('a newer edit of a launch script drops its queued run; too many findings come back capped with a notice', async () => {
  configureLintWorker({ supersededGraceMs: 10_000 });
  const stale = lintOffThread('/vm/a.sh', legacy, {}, 'a.sh');
  const dropped = lintOffThread('/vm/a.sh', legacy.replace('2222', '2223'), {}, 'a.sh');
  const many = SCRIPT_SHAPES['many QEMU commands']!(400);
  const latest = lintOffThread('/vm/a.sh', many, { maxFindings: 100 }, 'a.sh');
  assert.equal(await dropped, undefined);
  assert.ok(await stale, 'a short superseded run finishes within the grace');
  const result = (await latest)!;
  assert.equal(result.findings.length, 101);
  assert.equal(result.findings[0]!.code, 'too-many-findings');
  // The total is whatever the linter finds in-process (the rules evolve); the notice must state it.
  const total = (await lintText('/vm/a.sh', many)).findings.length;
  assert.ok(total > 100, `the shape gives more findings than the cap (${total})`);
  assert.match(result.findings[0]!.message, new RegExp(`^Showing the first 100 of ${total} findings in this file`));
  assert.equal(lintWorkerStats().restarted, 0);
});
