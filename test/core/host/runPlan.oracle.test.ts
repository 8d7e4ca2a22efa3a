import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { runPlan } from '../../../src/core/host/runPlan';
import { shellQuote } from '../../../src/core/util/shellQuote';
import { WRITE_PROGRAM, type ActionPlan } from '../../../src/core/pci/actions';
import { startSshd, type TestSshd } from './sshd';

const HOSTILE = `0 $(touch PWNED) \`touch PWNED\` ' " ; | & \\ *`;

function writePlan(dir: string): Pick<ActionPlan, 'steps'> {
  const target = path.join(dir, 'sriov_numvfs');
  return {
    steps: [
      { argv: ['sh', '-c', WRITE_PROGRAM, 'kvmnet-write', HOSTILE, target] },
      { argv: ['sh', '-c', 'exit 3'] },
      { argv: ['touch', path.join(dir, 'never')] },
    ],
  };
}

test('shellQuote: the shell reads back exactly the original word', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), (s) => {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'buffer' });
      assert.equal(r.stdout.toString(), Buffer.from(s).toString());
    }),
    { numRuns: 150 },
  );
});

test('local plan: steps run as argument arrays, stop at the first failure', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-plan-'));
  try {
    const r = await runPlan({ kind: 'local' }, writePlan(dir));
    assert.equal(r.ok, false);
    assert.equal(r.results.length, 2);
    assert.match(r.error!, /^sh -c 'exit 3': /);
    assert.deepEqual(r.results.map((x) => x.ok), [true, false]);
    assert.equal(readFileSync(path.join(dir, 'sriov_numvfs'), 'utf8'), `${HOSTILE}\n`);
    assert.equal(existsSync(path.join(dir, 'never')), false);
    assert.equal(existsSync(path.join(process.cwd(), 'PWNED')) || existsSync(path.join(dir, 'PWNED')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the demo host cannot be changed', async () => {
  assert.equal((await runPlan({ kind: 'demo' }, { steps: [] })).ok, false);
});

let sshd: TestSshd;
before(async () => {
  sshd = await startSshd();
});
after(() => sshd?.stop());

test('ssh plan over a real sshd: quoted words arrive intact, nothing is interpreted', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-plan-ssh-'));
  try {
    const r = await runPlan(parseHostSpec(sshd.hostSpec), writePlan(dir), { sshOptions: sshd.clientOptions });
    assert.equal(r.ok, false);
    assert.equal(r.results.length, 2);
    assert.equal(readFileSync(path.join(dir, 'sriov_numvfs'), 'utf8'), `${HOSTILE}\n`);
    assert.equal(existsSync(path.join(dir, 'never')), false);
    assert.equal(existsSync(path.join(os.homedir(), 'PWNED')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
