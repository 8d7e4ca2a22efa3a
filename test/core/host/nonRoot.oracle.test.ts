/**
 * A real non-root account over real ssh: a throw-away local user (removed afterwards) logs in to the
 * test's sshd with its own key. Discovery must see it is not root and has no password-less sudo, and a
 * host-changing plan built from that snapshot must go through `sudo -n` and come back as a clear sudo
 * refusal: no password prompt, no hang. The plan's target is a PCI address this machine does not
 * have, so nothing could change here even if sudo ran it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { demoSnapshot } from '../../../src/core/host/demo';
import { discover } from '../../../src/core/host/discover';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { runPlan } from '../../../src/core/host/runPlan';
import { planSetNumVfs } from '../../../src/core/pci/actions';
import { createTempUser, startSshd, type TempUser, type TestSshd } from './sshd';

const PF = '0000:3b:00.0'; // the demo host's X710 PF

/** Without the sudo binary there is no refusal to test (and discovery reports no sudo flag at all). */
function requireSudo(): void {
  const dpkg = spawnSync('dpkg', ['-s', 'sudo'], { encoding: 'utf8' });
  assert.ok(dpkg.status === 0 && existsSync('/usr/bin/sudo'), 'sudo is missing: install the Debian package sudo');
}

let sshd: TestSshd;
let user: TempUser;
before(async () => {
  sshd = await startSshd();
  user = createTempUser(sshd);
});
after(() => {
  user?.remove();
  sshd?.stop();
});

const spec = () => parseHostSpec(`ssh://${user.name}@127.0.0.1:${sshd.port}`);
const options = () => ({
  sshOptions: [...sshd.clientOptions.filter((o) => !o.startsWith('IdentityFile=')), `IdentityFile=${user.key}`],
  connectTimeoutSeconds: 10,
  runTimeoutSeconds: 30,
});

test('discovery as a real non-root user over ssh: not root, no password-less sudo', async () => {
  requireSudo();
  const snapshot = await discover(spec(), options());
  assert.equal(snapshot.system.isRoot, false);
  assert.equal(snapshot.system.sudoNonInteractive, false);
  assert.ok(snapshot.devices.length > 0, 'sysfs is readable without root');
});

test('a host-changing plan as that user goes through sudo -n and reports the refusal clearly', async () => {
  requireSudo();
  const discovered = await discover(spec(), options());
  // The demo PF gives an SR-IOV device to plan for; privileges are the ones discovery just saw.
  const demo = demoSnapshot();
  const snapshot = { ...demo, system: { ...demo.system, isRoot: discovered.system.isRoot } };
  const target = `/sys/bus/pci/devices/${PF}/sriov_numvfs`;
  assert.equal(existsSync(target), false, `${PF} exists on this machine: pick another harmless target`);
  const plan = planSetNumVfs(snapshot, PF, 1);
  assert.ok(plan.steps.length > 0);
  for (const step of plan.steps) assert.deepEqual(step.argv.slice(0, 2), ['sudo', '-n'], step.argv.join(' '));

  const r = await runPlan(spec(), plan, options());
  assert.equal(r.ok, false);
  assert.equal(r.results.length, 1, 'stops at the first refused step');
  assert.match(r.error!, /sudo refused to run without a password \(sudo -n\)/);
  assert.doesNotMatch(r.error!, /timed out|cancelled/);
  assert.doesNotMatch(r.results[0]!.output, /\[sudo\] password for/, 'no password prompt');
  assert.match(r.results[0]!.output, /sudo: .*password is required/);
});
