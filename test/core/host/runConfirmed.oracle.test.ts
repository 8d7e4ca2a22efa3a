/**
 * Confirmations show what will run, and a confirmed plan runs only on the host it was confirmed for:
 * the confirmation text is the exact argv runPlan gives the ssh process (one builder), the host is
 * discovered again right before running and a changed fact refuses the run, and a step failing midway
 * reports what completed, the host as it is now, and the undo plan. A fake ssh (test/core/host/fakeHost.ts)
 * replays the lab VM's real discovery answer and records what it is asked to run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { discover } from '../../../src/core/host/discover';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { renderConfirmation, renderFailure, runConfirmedPlan, runPlan } from '../../../src/core/host/runPlan';
import { planBindVfio, planSetNumVfs, WRITE_PROGRAM } from '../../../src/core/pci/actions';
import { LABVM_DISCOVERY, startFakeHost, type FakeHost } from './fakeHost';

const HOST = 'labvm';
const spec = parseHostSpec(`ssh://root@${HOST}:2222`);
const VF = '0000:00:01.1';
let fake: FakeHost;
before(() => {
  fake = startFakeHost();
});
after(() => fake?.stop());
const opts = () => ({ sshPath: fake.sshPath, sshOptions: ['ProxyJump=bastion'], connectTimeoutSeconds: 5 });
/** The lab VM's answer as a non-root user (so steps go through sudo -n). */
const asUser = LABVM_DISCOVERY.replace('S\troot\t1', 'S\troot\t0');

/** What a shell makes of a pasted command line: its words. */
function shellWords(line: string): string[] {
  const r = spawnSync('sh', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'sh', line], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('the confirmation names the host and shows, per step, exactly the argv runPlan gives ssh (sudo -n and the remote words)', async () => {
  fake.answer(HOST, asUser);
  const plan = planSetNumVfs(await discover(spec, opts()), '0000:00:01.0', 3);
  const { message, detail } = renderConfirmation(spec, plan, opts());
  assert.equal(message, 'Set 0000:00:01.0 to 3 virtual functions (now 2) on root@labvm:2222');
  assert.match(detail, /^Host: root@labvm:2222, over ssh \(/);
  const lines = detail.split('\n').filter((l) => l.startsWith(fake.sshPath));
  assert.equal(lines.length, 2, detail);
  for (const l of lines) {
    assert.match(l, / -p 2222 /);
    assert.match(l, / -l root /);
    assert.match(l, / -- labvm sudo -n sh -c /);
  }

  const before = fake.calls().length;
  const r = await runPlan(spec, plan, opts());
  assert.ok(r.ok, r.error);
  const calls = fake.calls().slice(before);
  // Pasted into a shell, each shown line is the very process runPlan started: same program, same argv.
  assert.deepEqual(lines.map(shellWords), calls.map((argv) => [fake.sshPath, ...argv]));
  assert.deepEqual(r.results.map((x) => x.commandLine), lines);
  // And the remote shell gets the plan's own argv back, word for word.
  assert.deepEqual(fake.ran(HOST).map(shellWords), plan.steps.map((s) => [...s.argv]));
  assert.deepEqual(plan.steps[1]!.argv, ['sudo', '-n', 'sh', '-c', WRITE_PROGRAM, 'kvmnet-write', '3', '/sys/bus/pci/devices/0000:00:01.0/sriov_numvfs']);
});

test('rediscovery right before running: a fact changed since the confirmation (the driver) refuses, nothing runs', async () => {
  fake.answer(HOST, LABVM_DISCOVERY);
  const plan = planBindVfio(await discover(spec, opts()), VF);
  // Between the confirmation and Run, something bound the VF to nvme.
  fake.answer(HOST, LABVM_DISCOVERY.replace(`D\t${VF}\tiommu_group\t4`, `D\t${VF}\tdriver\tnvme\nD\t${VF}\tiommu_group\t4`));
  const ranBefore = fake.ran(HOST).length;
  const r = await runConfirmedPlan(spec, plan, opts());
  assert.equal(r.ok, false);
  assert.deepEqual(r.results, []);
  assert.match(r.refused!, /the host changed since the confirmation: 0000:00:01\.1 driver: \(none\) when confirmed, nvme now/);
  assert.equal(fake.ran(HOST).length, ranBefore, 'nothing ran');
  assert.match(renderFailure(plan, r, spec, opts()), /^Nothing was run\. /);

  // A rediscovery that is cut short refuses too (it can no longer prove the facts).
  fake.answer(HOST, LABVM_DISCOVERY.split('\nS\tssh-interface')[0]!, 255);
  const cut = await runConfirmedPlan(spec, plan, opts());
  assert.match(cut.refused!, /refused after discovering the host again: discovery of this host did not finish/);
  assert.equal(fake.ran(HOST).length, ranBefore, 'nothing ran');
  // Same facts: it runs.
  fake.answer(HOST, LABVM_DISCOVERY);
  assert.ok((await runConfirmedPlan(spec, plan, opts())).ok);
  assert.equal(fake.ran(HOST).length, ranBefore + plan.steps.length);
});

test('partial failure: the completed steps, the failed one, the host as rediscovered, and the restore plan to confirm', async () => {
  fake.answer(HOST, LABVM_DISCOVERY);
  const plan = planBindVfio(await discover(spec, opts()), VF);
  assert.equal(plan.steps.length, 3, 'modprobe, driver_override, drivers_probe (no driver to unbind)');
  fake.failOnce(HOST, 'driver_override');
  const r = await runConfirmedPlan(spec, plan, opts());
  assert.equal(r.ok, false);
  assert.equal(r.refused, undefined);
  assert.deepEqual(r.results.map((x) => [x.ok, x.step.argv.at(-1)]), [[true, 'vfio-pci'], [false, `/sys/bus/pci/devices/${VF}/driver_override`]]);
  assert.ok(r.after, 'the host was discovered again');
  assert.equal(r.undo?.title, `Give ${VF} back to its native driver`);
  assert.deepEqual(r.undo.request, { op: 'restoreDriver', bdf: VF });
  const text = renderFailure(plan, r, spec, opts());
  assert.match(text, /^Completed \(1 of 3\):\n {2}\S+ .* -- labvm modprobe vfio-pci\nFailed:\n {2}.*driver_override\n {2}sh: write error: No such device\nNot run:\n {2}.*drivers_probe\n/);
  assert.match(text, /The host now \(discovered again\): 0000:00:01\.1: driver \(none\), driver_override \(none\)/);
  assert.match(text, /To undo what completed: Give 0000:00:01\.1 back to its native driver/);
  // Nothing completed: nothing to undo.
  fake.failOnce(HOST, 'modprobe');
  const first = await runConfirmedPlan(spec, plan, opts());
  assert.equal(first.undo, undefined);
  assert.match(renderFailure(plan, first, spec, opts()), /^No step completed\./);
});
