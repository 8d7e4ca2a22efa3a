// The table of removed network options against the QEMU installed here: each sample is rejected with the
// message the table names, and the linter reports it as an error on the same line.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { lintLaunchScript } from '../../../src/core/qemu/lint';
import { REMOVED_NET_OPTIONS } from '../../../src/core/qemu/removed';
import { shellQuote } from '../../../src/core/util/shellQuote';
import { qemuAccepts, requireQemu } from './qemuOracle';

describe('removed network options: QEMU rejects each, the linter says so', () => {
  before(requireQemu);
  for (const e of REMOVED_NET_OPTIONS) {
    test(`${e.form} ${e.name} (removed in ${e.removedIn})`, () => {
      const r = qemuAccepts(e.sample);
      assert.equal(r.ok, false, `QEMU accepted ${e.sample.join(' ')}`);
      assert.match(r.stderr, e.rejects);
      const text = `qemu-system-x86_64 ${e.sample.map(shellQuote).join(' ')}\n`;
      const errors = lintLaunchScript(text).filter((f) => f.severity === 'error');
      assert.ok(errors.some((f) => f.message.includes(e.removedIn)), `an error naming QEMU ${e.removedIn}: ${JSON.stringify(errors.map((f) => f.message))}`);
    });
  }
});
