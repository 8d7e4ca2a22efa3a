import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sameFindings, type Finding } from '../../src/core/findings';

const finding = (line: number, message = 'm', fixes?: Finding['fixes']): Finding => ({
  range: { start: { line, character: 1 }, end: { line, character: 4 } },
  severity: 'error',
  code: 'c',
  message,
  source: 'kvmnet-xml',
  ...(fixes ? { fixes } : {}),
});

test('sameFindings: equal lists compare equal whatever their fixes, any shown difference does not', () => {
  assert.ok(sameFindings([], []));
  assert.ok(sameFindings([finding(1)], [finding(1, 'm', [{ title: 't', edits: [] }])]));
  assert.ok(!sameFindings([finding(1)], [finding(2)]));
  assert.ok(!sameFindings([finding(1)], [finding(1, 'other')]));
  assert.ok(!sameFindings([finding(1)], [finding(1), finding(1)]));
  assert.ok(!sameFindings([finding(1)], [{ ...finding(1), severity: 'warning' }]));
  assert.ok(!sameFindings([finding(1)], [{ ...finding(1), code: 'd' }]));
  assert.ok(!sameFindings([finding(1)], [{ ...finding(1), range: { start: { line: 1, character: 1 }, end: { line: 1, character: 5 } } }]));
});

test('sameFindings agrees with a comparison of the shown fields', () => {
  const arb = fc.array(fc.record({ line: fc.nat(3), message: fc.constantFrom('a', 'b') }), { maxLength: 4 });
  fc.assert(
    fc.property(arb, arb, (xs, ys) => {
      const a = xs.map((x) => finding(x.line, x.message));
      const b = ys.map((y) => finding(y.line, y.message));
      assert.equal(sameFindings(a, b), JSON.stringify(xs) === JSON.stringify(ys));
    }),
  );
});
