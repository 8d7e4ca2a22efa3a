import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyEdits, LineIndex } from '../../src/core/text';

test('LineIndex maps offsets to positions and back', () => {
  const idx = new LineIndex('ab\ncd\r\n\nxyz');
  assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(8), { line: 3, character: 0 });
  assert.equal(idx.offsetAt({ line: 3, character: 2 }), 10);
  assert.equal(idx.lineText(1), 'cd');
  assert.equal(idx.lineCount, 4);
});

test('LineIndex round-trips every offset of arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'é', ' ') }), (text) => {
      const idx = new LineIndex(text);
      for (let o = 0; o <= text.length; o++) assert.equal(idx.offsetAt(idx.positionAt(o)), o);
    }),
  );
});

test('applyEdits keeps every byte outside the edited ranges', () => {
  const text = 'one two three';
  const idx = new LineIndex(text);
  const out = applyEdits(text, [
    { range: idx.rangeOf(8, 13), newText: '3' },
    { range: idx.rangeOf(0, 3), newText: '1' },
  ]);
  assert.equal(out, '1 two 3');
  assert.throws(() => applyEdits(text, [{ range: idx.rangeOf(0, 5), newText: '' }, { range: idx.rangeOf(3, 6), newText: '' }]), /overlapping/);
});
