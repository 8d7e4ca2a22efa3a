// Issue #12 "no editor freeze": the workspace MAC scans and the launch-script outline of the code lenses run in the
// lint worker (job kinds beside the lint), and so do XML completion and hover, with the same results as on the calling thread, per-key cancellation,
// and no whole-document parse on the calling thread.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mainThreadParses } from '../../src/core/mainThreadParses';
import { QemuCode } from '../../src/core/qemu/codes';
import { listNetworkDevices, userNetworks } from '../../src/core/qemu/edit';
import { parseLaunchScript } from '../../src/core/qemu/model';
import { scriptOutline } from '../../src/core/qemu/outline';
import { duplicateMacsAcrossScripts } from '../../src/core/qemu/workspace';
import { workspaceMacFindings } from '../../src/core/workspaceMacs';
import { completeXml } from '../../src/core/xml/complete/complete';
import { hoverXml } from '../../src/core/xml/complete/hover';
import { parseXml } from '../../src/core/xml/document';
import { duplicateMacsAcrossFiles } from '../../src/core/xml/rules';
import {
  completeOffThread,
  configureLintWorker,
  disposeSchemaWorker,
  hoverOffThread,
  lintOffThread,
  lintWorkerStats,
  scriptOutlineOffThread,
  workspaceMacsOffThread,
} from '../../src/core/xml/schema/client';
import { resolveSchemaSet } from '../../src/core/xml/schema/schemaSet';
import { SCRIPT_SHAPES } from './script-shapes';
import { XML_SHAPES } from './xml-shapes';

after(disposeSchemaWorker);

const Q = 'qemu-system-x86_64';
const tap = (mac: string): string => `#!/bin/sh\nexec ${Q} -m 256 -netdev tap,id=n0,ifname=tap0,script=no -device virtio-net-pci,netdev=n0,mac=${mac} -netdev bridge,id=b0 -device e1000,netdev=b0\n`;
const scripts = [
  { file: 'a.sh', path: '/ws/a.sh', text: tap('52:54:00:12:34:56') },
  { file: 'vm/b.sh', path: '/ws/vm/b.sh', text: tap('52:54:00:12:34:56') },
  { file: 'notes.sh', path: '/ws/notes.sh', text: '#!/bin/sh\necho no qemu here\n' },
];
const nics = XML_SHAPES['many NICs']!;
const xmls = [
  { file: 'a.xml', path: '/ws/a.xml', text: nics(3) },
  { file: 'b.xml', path: '/ws/b.xml', text: nics(2) },
];
const parses = (): number => mainThreadParses.xml + mainThreadParses.script;

test('workspace MAC scans in the worker: the same findings as the cross-file rules here, no parse on this thread', async () => {
  const here = {
    xml: duplicateMacsAcrossFiles(xmls.map((f) => ({ file: f.file, doc: parseXml(f.text) }))),
    sh: duplicateMacsAcrossScripts(scripts.slice(0, 2).map((f) => ({ ...f, script: parseLaunchScript(f.text) }))),
  };
  assert.ok([...here.xml.values()].flat().length > 0 && [...here.sh.values()].flat().length > 0, 'the fixtures have findings');
  const before = parses();
  const xml = await workspaceMacsOffThread('libvirt-xml', xmls, 'xml');
  const sh = await workspaceMacsOffThread('launch-script', scripts, 'sh');
  assert.equal(parses(), before, 'nothing parsed on this thread');
  assert.deepEqual(xml, here.xml);
  assert.deepEqual(sh, new Map([...here.sh, ['notes.sh', []]]), 'a script without a QEMU command gets no findings');
});

test('a rescan parses only the files whose text changed (the worker keeps the others)', () => {
  const sh = [...scripts];
  workspaceMacFindings('launch-script', sh);
  const before = mainThreadParses.script;
  workspaceMacFindings('launch-script', sh);
  assert.equal(mainThreadParses.script, before);
  sh[1] = { ...sh[1]!, text: tap('52:54:00:12:34:57') };
  const r = new Map(workspaceMacFindings('launch-script', sh));
  assert.equal(mainThreadParses.script, before + 1);
  // b's bridge NIC now gets the default 52:54:00:12:34:56 (its tap NIC took :57), a's bridge NIC gets :57: both clash.
  assert.deepEqual(r.get('a.sh')!.map((f) => f.code), [QemuCode.MacQemuDefault.id, QemuCode.MacQemuDefault.id]);
});

test('the code-lens outline in the worker: what the lenses showed from a parse here', async () => {
  const text = `${tap('52:54:00:12:34:56')}${Q} -net nic -net user\n${Q} -nic user,hostfwd=tcp::2222-:22\n`;
  const here = parseLaunchScript(text).invocations.map((inv) => ({
    programStart: inv.program.start,
    programEnd: inv.program.end,
    hasNetworkDevices: listNetworkDevices(inv).length > 0,
    hasUserNetworks: userNetworks(inv).length > 0,
    hasLegacyNet: inv.options.some((o) => o.name === '-net'),
  }));
  const before = parses();
  assert.deepEqual(await scriptOutlineOffThread(text, 'lenses:a'), { invocations: here, blank: false });
  assert.deepEqual(await scriptOutlineOffThread('#!/bin/sh\n# soon\n\n', 'lenses:b'), { invocations: [], blank: true });
  assert.deepEqual(await scriptOutlineOffThread('#!/bin/sh\necho hi\n', 'lenses:b'), scriptOutline('#!/bin/sh\necho hi\n'));
  assert.equal(parses(), before + 1, 'only the explicit scriptOutline above parsed here');
});

test('a newer request with the same key supersedes a queued outline or scan', async () => {
  configureLintWorker({ supersededGraceMs: 10_000 });
  const big = SCRIPT_SHAPES['many QEMU commands']!(300);
  const before = lintWorkerStats();
  const running = scriptOutlineOffThread(big, 'lenses:x');
  const queued = scriptOutlineOffThread(big, 'lenses:x');
  const latest = scriptOutlineOffThread(`${big}# typed\n`, 'lenses:x');
  const queuedScan = workspaceMacsOffThread('launch-script', scripts, 'scan');
  const latestScan = workspaceMacsOffThread('launch-script', scripts, 'scan');
  assert.equal(await queued, undefined);
  assert.equal(await queuedScan, undefined);
  assert.ok(await running, 'a short superseded run finishes within the grace');
  assert.equal((await latest)?.invocations.length, 300);
  assert.equal((await latestScan)?.size, 3);
  assert.equal(lintWorkerStats().superseded - before.superseded, 2);
});

test('XML completion and hover in the worker: the same answers as here, ahead of queued lints, no parse here', async () => {
  const schemaDir = resolveSchemaSet().set!.dir;
  const text = nics(3).replace("<model type='virtio'/>", "<model type='virtio'/><link state=''/>");
  const valueAt = text.indexOf("state=''") + "state='".length;
  const modelAt = text.indexOf('model') + 1;
  const here = { complete: completeXml(text, valueAt, schemaDir), hover: hoverXml(text, modelAt) };
  assert.ok(here.complete.some((c) => c.label === 'up') && here.hover, 'the fixtures have answers');
  const before = parses();
  // A heavy lint queued first: the completion still runs before it (only the running job goes first).
  const lint = lintOffThread('/ws/slow.xml', XML_SHAPES['many invalid NICs']!(300), {}, 'slow.xml');
  const queuedLint = lintOffThread('/ws/slow2.xml', XML_SHAPES['many invalid NICs']!(300), {}, 'slow2.xml');
  let lintDone = false;
  void queuedLint.then(() => (lintDone = true));
  const complete = await completeOffThread(text, valueAt, schemaDir, 'complete:a');
  assert.equal(lintDone, false, 'the completion did not wait for the queued lint');
  assert.deepEqual(complete, here.complete);
  assert.deepEqual(await hoverOffThread(text, modelAt, 'hover:a'), here.hover);
  assert.equal(await hoverOffThread(text, text.indexOf('hostile'), 'hover:a'), undefined, 'nothing to say in text content');
  await Promise.all([lint, queuedLint]);
  assert.equal(parses(), before, 'nothing parsed on this thread');
});
