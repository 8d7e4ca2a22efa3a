/**
 * One ssh master connection per host: discovery, then host actions, reuse it. Proven against a real sshd on
 * 127.0.0.1 by counting the connections sshd accepted (one "Accepted publickey" line each, LogLevel INFO).
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { discover, type DiscoveryOptions } from '../../../src/core/host/discover';
import { parseHostSpec } from '../../../src/core/host/hostSpec';
import { runPlan } from '../../../src/core/host/runPlan';
import { sshArgs } from '../../../src/core/host/ssh';
import { closeSshMasters, controlOptions, ensurePrivateDir, sshControlDir, stopSshControl, usableControlDir, useSshControlDir } from '../../../src/core/host/sshControl';
import { startSshd, type TestSshd } from './sshd';

let sshd: TestSshd;
let scratch: string;
before(async () => {
  sshd = await startSshd({ logLevel: 'INFO' });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-ctl-'));
});
after(() => {
  closeSshMasters(path.join(scratch, 'ctl'));
  stopSshControl();
  sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const accepted = () => sshd.log().split('\n').filter((l) => /Accepted publickey/.test(l)).length;
const mode = (p: string) => lstatSync(p).mode & 0o777;

test('the socket directory is private: created 0700, a loose one tightened, a symlink or too long a path refused', () => {
  const dir = path.join(scratch, 'a', 'ssh');
  assert.ok(ensurePrivateDir(dir));
  assert.equal(mode(dir), 0o700);
  const loose = path.join(scratch, 'loose');
  mkdirSync(loose, { mode: 0o777 });
  chmodSync(loose, 0o777);
  assert.ok(ensurePrivateDir(loose));
  assert.equal(mode(loose), 0o700);
  const link = path.join(scratch, 'link');
  symlinkSync(loose, link);
  assert.equal(ensurePrivateDir(link), false, 'a symlink is never followed');
  assert.deepEqual(controlOptions(link, ['x']), [], 'no multiplexing through a link');
  assert.equal(usableControlDir(`/${'d'.repeat(80)}`), false, 'socket path would pass sun_path');
  assert.equal(usableControlDir('/tmp/with space'), false);
  assert.equal(usableControlDir('/tmp/per%cent'), false, 'ssh would expand %c');
  // Storage too long for a socket path: a private temp dir instead.
  const chosen = useSshControlDir(`/${'s'.repeat(90)}`);
  assert.ok(chosen && chosen.startsWith(os.tmpdir()) && mode(chosen) === 0o700, chosen);
  assert.equal(sshControlDir(), chosen);
  stopSshControl();
  assert.equal(sshControlDir(), undefined);
});

test('ssh arguments: the master options come last, keyed by everything that decides the connection', () => {
  const spec = parseHostSpec('ssh://root@lab.example:2222');
  if (spec.kind !== 'ssh') return assert.fail();
  const dir = path.join(scratch, 'keys');
  const a = sshArgs(spec, { controlDir: dir });
  const tail = a.slice(a.indexOf('--') - 6, a.indexOf('--'));
  assert.deepEqual([tail[1], tail[3]?.replace(/[0-9a-f]{16}$/, 'KEY'), tail[5]], ['ControlMaster=auto', `ControlPath=${dir}/KEY`, 'ControlPersist=60']);
  const other = sshArgs(spec, { controlDir: dir, sshOptions: ['IdentityFile=/k'] });
  assert.notEqual(other.find((x) => x.startsWith('ControlPath=')), a.find((x) => x.startsWith('ControlPath=')), 'other credentials, other master');
  assert.ok(!sshArgs(spec, { controlDir: false }).some((x) => x.startsWith('Control')), 'false: a connection of its own');
  assert.throws(() => sshArgs(spec, { sshOptions: ['ControlPath=/tmp/x'] }), /refused/, 'never the user\'s');
});

test('real sshd: discovery then two host actions make one connection; without a master, three', async () => {
  const spec = parseHostSpec(sshd.hostSpec);
  const plan = { steps: [{ argv: ['true'] }, { argv: ['sh', '-c', 'echo $SSH_CONNECTION'] }] };
  const run = async (options: DiscoveryOptions) => {
    const before = accepted();
    const s = await discover(spec, options);
    assert.equal(s.partial, undefined);
    const r = await runPlan(spec, plan, options);
    assert.ok(r.ok, r.error);
    // sshd logs a connection as it authenticates it: by the time the commands answered it has.
    return accepted() - before;
  };
  const base = { sshOptions: sshd.clientOptions, connectTimeoutSeconds: 10 };
  assert.equal(await run({ ...base, controlDir: false }), 3, 'one connection per ssh process');
  const dir = path.join(scratch, 'ctl');
  assert.equal(await run({ ...base, controlDir: dir }), 1, 'discovery opened the master, both actions reused it');
  assert.equal(await run({ ...base, controlDir: dir }), 0, 'a refresh within ControlPersist reuses it too');
  assert.equal(mode(dir), 0o700);
  assert.equal(closeSshMasters(dir), 1, 'one master for this host');
  assert.equal(await run({ ...base, controlDir: dir }), 1, 'after it exited, the next discovery opens a new one');
});
