/**
 * Hostile suite: a host (or the connection to it) that cuts discovery short. A fake ssh replays the lab VM's
 * real discovery answer cut at every line boundary, exits 255 halfway, or floods past the output limit.
 * Discovery never returns a complete snapshot for any of them, and on every partial one every plan builder
 * refuses: the guard that keeps the ssh session's NIC never sees "no facts" as "no uplink".
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover, DiscoveryError } from '../../src/core/host/discover';
import { parseHostSpec } from '../../src/core/host/hostSpec';
import type { HostSnapshot } from '../../src/core/hostSnapshot';
import { ActionRefused, buildPlan, planBindVfio, planNodedev, planRestoreDriver, planSetNumVfs, type PlanRequest } from '../../src/core/pci/actions';
import { LABVM_DISCOVERY, startFakeHost, type FakeHost } from '../core/host/fakeHost';

const HOST = 'labvm';
const spec = parseHostSpec(`ssh://root@${HOST}`);
const LINES = LABVM_DISCOVERY.split('\n').filter((l) => l !== '');
/** SR-IOV PF with 2 VFs; VF 1 has no driver, VF 2 is on vfio-pci; the virtio NIC carries the session. */
const PF = '0000:00:01.0';
const REQUESTS: PlanRequest[] = [
  { op: 'setNumVfs', bdf: PF, count: 3 },
  { op: 'setNumVfs', bdf: PF, count: 0 },
  { op: 'bindVfio', bdf: '0000:00:01.1' },
  { op: 'restoreDriver', bdf: '0000:00:01.2' },
  { op: 'nodedev', bdf: '0000:00:01.1', action: 'detach' },
  { op: 'nodedev', bdf: '0000:00:01.2', action: 'reattach' },
];

let fake: FakeHost;
before(() => {
  fake = startFakeHost();
});
after(() => fake?.stop());

const opts = () => ({ sshPath: fake.sshPath, connectTimeoutSeconds: 5, runTimeoutSeconds: 30 });

/** Every plan builder, directly and through buildPlan, refuses on the snapshot, naming why. */
function assertAllRefuse(s: HostSnapshot, where: string): void {
  const builders: [string, () => unknown][] = [
    ['planSetNumVfs', () => planSetNumVfs(s, PF, 3)],
    ['planBindVfio', () => planBindVfio(s, '0000:00:01.1')],
    ['planRestoreDriver', () => planRestoreDriver(s, '0000:00:01.2')],
    ['planNodedev detach', () => planNodedev(s, '0000:00:01.1', 'detach')],
    ['planNodedev reattach', () => planNodedev(s, '0000:00:01.2', 'reattach')],
    ...REQUESTS.map((r): [string, () => unknown] => [`buildPlan ${JSON.stringify(r)}`, () => buildPlan(s, r)]),
  ];
  for (const [name, build] of builders) {
    assert.throws(build, (e: unknown) => e instanceof ActionRefused && /did not finish/.test(e.message), `${name} on ${where}`);
  }
}

/** A discovery that did not finish: an error, or a snapshot marked partial with a reason on which nothing may be planned. */
async function assertNeverComplete(where: string): Promise<'error' | 'partial'> {
  let s: HostSnapshot;
  try {
    s = await discover(spec, opts());
  } catch (e) {
    assert.ok(e instanceof DiscoveryError, `${where}: ${String(e)}`);
    return 'error';
  }
  assert.ok(s.partial !== undefined && s.partial.length > 10, `${where}: a complete snapshot (partial=${String(s.partial)})`);
  assertAllRefuse(s, where);
  return 'partial';
}

test('the full answer is complete, and the plans it allows are the ones the cut answers refuse', async () => {
  fake.answer(HOST, LABVM_DISCOVERY);
  const s = await discover(spec, opts());
  assert.equal(s.partial, undefined);
  assert.equal(s.system.sshInterface, 'eth0');
  for (const r of REQUESTS.filter((q) => q.op !== 'nodedev')) assert.ok(buildPlan(s, r).steps.length > 0, JSON.stringify(r));
  // The lab VM has no libvirt: nodedev refuses for that reason there, not for a missing END.
  assert.throws(() => buildPlan(s, REQUESTS[4]!), /virsh was not found/);
});

test('cut at every line boundary (ssh exits 0): never complete, every plan refuses', async () => {
  const seen = { error: 0, partial: 0 };
  // k = 0 … every line but END: each prefix the connection could have delivered.
  for (let k = 0; k < LINES.length; k++) {
    fake.answer(HOST, LINES.slice(0, k).map((l) => `${l}\n`).join(''));
    seen[await assertNeverComplete(`the first ${k} lines`)]++;
  }
  assert.equal(seen.error, 1, 'only the empty answer is an error (nothing to show)');
  assert.equal(seen.partial, LINES.length - 1);
});

test('ssh exits 255 at every line boundary, END included: never complete, every plan refuses, the exit is the reason', async () => {
  for (let k = 0; k <= LINES.length; k++) {
    fake.answer(HOST, LINES.slice(0, k).map((l) => `${l}\n`).join(''), 255);
    const kind = await assertNeverComplete(`the first ${k} lines, then exit 255`);
    if (kind === 'partial') assert.match((await discover(spec, opts())).partial!, /ssh exited with status 255/);
  }
});

test('cut mid-line: the cut value is never read as a fact', async () => {
  const i = LINES.indexOf('D\t0000:00:01.0\tsriov_numvfs\t2');
  assert.ok(i > 0);
  fake.answer(HOST, `${LINES.slice(0, i).join('\n')}\nD\t0000:00:01.0\tsriov_numvfs\t`);
  assert.equal(await assertNeverComplete('cut inside the sriov_numvfs value'), 'partial');
  assert.equal((await discover(spec, opts())).devices.find((d) => d.bdf === PF)?.sriovNumVfs, undefined);
});

test('a flood past the output limit is an error, not a silently cut answer', async () => {
  // A host that never stops talking: the real header, then facts forever.
  const flood = path.join(fake.dir, 'flood-ssh');
  writeFileSync(flood, `#!/bin/sh\ncat >/dev/null\necho 'KVMNET-DISCOVERY 1'\nyes 'S\tlog\txxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n`);
  chmodSync(flood, 0o755);
  await assert.rejects(discover(spec, { ...opts(), sshPath: flood }), (e: unknown) => e instanceof DiscoveryError && /more than 64 MiB/.test(e.message));
  // And when the flood ends with END, it is still refused: the limit is on what is read, not on how it ends.
  writeFileSync(flood, `#!/bin/sh\ncat >/dev/null\necho 'KVMNET-DISCOVERY 1'\nyes 'S\tlog\txxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -n 1500000\necho END\n`);
  await assert.rejects(discover(spec, { ...opts(), sshPath: flood }), (e: unknown) => e instanceof DiscoveryError && /more than 64 MiB/.test(e.message));
});
