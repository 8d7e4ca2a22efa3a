import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decideHelperWrite, type PathFacts } from '../../src/core/helperFile';
import { ifupScript } from '../../src/core/qemu/generate';

const WANTED = ifupScript('br0');

test('absent: create; identical regular file: unchanged, executable from the owner bit', () => {
  assert.deepEqual(decideHelperWrite({ kind: 'absent' }, WANTED), { action: 'create' });
  assert.deepEqual(decideHelperWrite({ kind: 'file', mode: 0o755, content: WANTED }, WANTED), { action: 'unchanged', executable: true });
  assert.deepEqual(decideHelperWrite({ kind: 'file', mode: 0o644, content: WANTED }, WANTED), { action: 'unchanged', executable: false });
  assert.deepEqual(decideHelperWrite({ kind: 'file', mode: 0o011, content: WANTED }, WANTED), { action: 'unchanged', executable: false });
});

test('a symlink is refused whatever it points at; so is a directory or an uninspectable path', () => {
  assert.match(refusal({ kind: 'symlink' }), /symbolic link/);
  assert.match(refusal({ kind: 'other', what: 'a directory' }), /^is a directory/);
  assert.match(refusal({ kind: 'other', what: 'not inspectable (EACCES)' }), /EACCES/);
});

test('other text content needs a diff (the existing text comes along); unreadable or binary content is refused', () => {
  const other = '#!/bin/sh\nip link set "$1" master br1\n';
  assert.deepEqual(decideHelperWrite({ kind: 'file', mode: 0o755, content: other }, WANTED), { action: 'needs-diff', reason: 'already exists with other content', existing: other });
  // Line endings count: a CRLF copy is not the script we would write.
  assert.equal(decideHelperWrite({ kind: 'file', mode: 0o755, content: WANTED.replace(/\n/g, '\r\n') }, WANTED).action, 'needs-diff');
  assert.match(refusal({ kind: 'file', mode: 0o755, content: undefined }), /too large or not text/);
  assert.match(refusal({ kind: 'file', mode: 0o755, content: 'ELF\u0000\u0001' }), /too large or not text/);
});

function refusal(facts: PathFacts): string {
  const d = decideHelperWrite(facts, WANTED);
  assert.equal(d.action, 'refuse', JSON.stringify(d));
  return d.action === 'refuse' ? d.reason : '';
}

const facts: fc.Arbitrary<PathFacts> = fc.oneof(
  fc.constant<PathFacts>({ kind: 'absent' }),
  fc.constant<PathFacts>({ kind: 'symlink' }),
  fc.string().map((what): PathFacts => ({ kind: 'other', what })),
  fc.record({ mode: fc.integer({ min: 0, max: 0o7777 }), content: fc.option(fc.oneof(fc.string(), fc.constant(WANTED)), { nil: undefined }) }).map((f): PathFacts => ({ kind: 'file', ...f })),
);

test('property: only an absent path is created; only a regular file with exactly the wanted text is left as is', () => {
  fc.assert(
    fc.property(facts, fc.oneof(fc.string(), fc.constant(WANTED)), (f, wanted) => {
      const d = decideHelperWrite(f, wanted);
      assert.equal(d.action === 'create', f.kind === 'absent');
      assert.equal(d.action === 'unchanged', f.kind === 'file' && f.content === wanted);
      if (d.action === 'needs-diff') assert.ok(f.kind === 'file' && f.content === d.existing && f.content !== wanted);
      if (f.kind === 'symlink' || f.kind === 'other') assert.equal(d.action, 'refuse');
    }),
  );
});
