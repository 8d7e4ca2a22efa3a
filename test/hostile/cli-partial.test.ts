import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { showCheck, type CheckReport } from '../../src/cli/commands/check';
import { showDevices } from '../../src/cli/commands/devices';
import type { Io } from '../../src/cli/command';
import { useSnapshot } from '../../src/cli/hostDiscovery';
import { demoSnapshot } from '../../src/core/host/demo';
import type { HostSnapshot } from '../../src/core/hostSnapshot';
import { FAKE_HOST, fakeSsh, runCli, tempDir, TERMINAL_CONTROL } from './cli-run';

// A discovery that did not finish (connection cut, no END line, ssh failed midway) proves nothing either
// way: `devices` and `check` print what was read, name the reason on stderr and exit 2, whatever they found.

function capture(): Io & { text: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return { out: (t) => (out += t), err: (t) => (err += t), cwd: '/', text: () => ({ out, err }) };
}

const REASON = 'the output ended before its END line \x1b[31m(ssh exited with status 255)';
const partial: HostSnapshot = { ...demoSnapshot(), partial: REASON };
const json = { values: { json: true }, positionals: [] };
const text = { values: {}, positionals: [] };

test('devices on a partial snapshot: listed, the reason on stderr, exit 2; JSON carries partial', () => {
  for (const args of [text, json]) {
    const io = capture();
    assert.equal(useSnapshot('devices', io, partial, 'Demo host', showDevices(args, io)), 2);
    const { out, err } = io.text();
    assert.match(err, /^kvmnet devices: partial discovery, facts may be missing: the output ended before its END line \?\[31m\(ssh exited with status 255\)$/m);
    assert.doesNotMatch(err, TERMINAL_CONTROL);
    if (args === json) assert.equal(JSON.parse(out).partial, REASON);
    else assert.match(out, /^0000:3b:00\.0 {2}Intel Corporation/m);
  }
  const whole = capture();
  assert.equal(useSnapshot('devices', whole, demoSnapshot(), 'Demo host', showDevices(json, whole)), 0);
  assert.equal(whole.text().err, '');
  assert.equal('partial' in JSON.parse(whole.text().out), false);
});

test('check on a partial snapshot: exit 2 even where checks fail (1) or pass (0); JSON carries partial', () => {
  const io = capture();
  assert.equal(useSnapshot('check', io, partial, 'Demo host', showCheck(json, io)), 2);
  const report = JSON.parse(io.text().out) as CheckReport;
  assert.equal(report.partial, REASON);
  assert.ok(report.checks.length > 0, 'the checks are still printed');
  assert.match(io.text().err, /^kvmnet check: partial discovery, facts may be missing: /m);
  const textIo = capture();
  assert.equal(useSnapshot('check', textIo, partial, 'Demo host', showCheck(text, textIo, 'user')), 2);
  assert.match(textIo.text().out, /^Summary: /m);
  const whole = capture();
  assert.notEqual(useSnapshot('check', whole, demoSnapshot(), 'Demo host', showCheck(json, whole)), 2);
  assert.equal('partial' in JSON.parse(whole.text().out), false);
});

const work = tempDir('cli-partial');
after(() => rmSync(work, { recursive: true, force: true }));
const fixture = readFileSync(path.join(import.meta.dirname, '../core/host/fixtures/labvm-discovery.txt'), 'utf8');

test('the built CLI on a discovery cut off midway (no END, ssh exit 255): exit 2, reason on stderr, partial in JSON', () => {
  const cut = fixture.slice(0, fixture.indexOf('N\teth0'));
  const env = fakeSsh(path.join(work, 'cut'), cut, { stderr: 'client_loop: send disconnect: Broken pipe\n', exit: 255 });
  for (const command of ['devices', 'check']) {
    const t = runCli([command, '--host', FAKE_HOST], { env });
    assert.equal(t.code, 2, `${command}: ${t.err}`);
    assert.match(t.err, new RegExp(`^kvmnet ${command}: partial discovery, facts may be missing: .*END`, 'm'));
    assert.notEqual(t.out, '', `${command} still prints what was read`);
    const j = runCli([command, '--host', FAKE_HOST, '--json'], { env });
    assert.equal(j.code, 2, `${command} --json: ${j.err}`);
    assert.match(JSON.parse(j.out).partial, /END/);
  }
});

test('the same host answering in full exits as before (devices 0)', () => {
  const env = fakeSsh(path.join(work, 'whole'), fixture);
  const r = runCli(['devices', '--host', FAKE_HOST, '--json'], { env });
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).partial, undefined);
});
