import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { terminalSafe, terminalSafeField, terminalSafeJson } from '../../src/core/text';
import { TERMINAL_CONTROL } from './cli-run';

// The one sanitizer every CLI output goes through (src/core/text.ts), on arbitrary untrusted text.

/** Strings dense in the code points that matter: controls, C1, bidi, plus ordinary and astral text. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x7f, max: 0xa0 }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', 'é', '😀', '"', '\\'),
    fc.string({ unit: 'grapheme', maxLength: 2 }),
  ),
  maxLength: 60,
});
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('terminalSafe keeps tab, newline and every other character; only controls become ?', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      const t = terminalSafe(s);
      assert.doesNotMatch(t, TERMINAL_CONTROL);
      assert.equal(t.length, s.length);
      for (let i = 0; i < s.length; i++) if (t[i] !== s[i]) assert.equal(t[i], '?');
      assert.equal(t.split('\n').length, s.split('\n').length);
    }),
  );
});

test('terminalSafeField leaves no control at all, tab and newline included (one line stays one line)', () => {
  fc.assert(fc.property(hostile, (s) => assert.doesNotMatch(terminalSafeField(s), ANY_CONTROL)));
});

test('terminalSafeJson is valid JSON of the same data with no raw control', () => {
  fc.assert(
    fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }), fc.integer()), { noNullPrototype: true }), (value) => {
      const json = terminalSafeJson(value);
      assert.doesNotMatch(json, TERMINAL_CONTROL);
      assert.doesNotMatch(json, /\t/);
      assert.deepEqual(JSON.parse(json), value);
    }),
  );
});

test('main() writes nothing raw, whatever a command is given (an unknown command echoed back)', async () => {
  await fc.assert(
    fc.asyncProperty(hostile, async (name) => {
      let all = '';
      await main([`x${name}`], { out: (t) => (all += t), err: (t) => (all += t), cwd: '/' });
      assert.doesNotMatch(all, TERMINAL_CONTROL);
    }),
  );
});
