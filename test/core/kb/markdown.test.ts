import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KB_ENTRIES } from '../../../src/core/kb/entries';
import { explain } from '../../../src/core/kb/explain';
import { checkTitle, entryMarkdown, explanationMarkdown, fenced } from '../../../src/core/kb/markdown';
import { CheckId } from '../../../src/core/readiness/model';

test('every entry renders cause, confirmation with check titles, and both fixes', () => {
  for (const e of KB_ENTRIES) {
    const md = entryMarkdown(e);
    for (const part of ['**Cause.**', '**Confirm.**', '**Fix (plain QEMU).**', '**Fix (libvirt).**', e.title]) assert.ok(md.includes(part), `${e.id}: ${part}`);
    for (const id of e.confirm) assert.ok(md.includes(checkTitle(id)), `${e.id}: ${id}`);
  }
  assert.equal(checkTitle(CheckId.VhostNet), '/dev/vhost-net');
});

test('an explanation lists each entry once, with the matched lines fenced safely', () => {
  const md = explanationMarkdown(explain("kvm: disabled by bios\nkvm: disabled by bios\nDuplicate ID 'a```b' for netdev"), 'selection');
  assert.equal(md.match(/^## /gm)?.length, 2);
  assert.match(md, /^# 2 known messages \(from the selection\)/);
  assert.ok(md.includes("````text\nDuplicate ID 'a```b' for netdev\n````"));
  assert.match(explanationMarkdown([], 'clipboard'), /No known error message/);
});

test('fenced() always outlasts backtick runs', () => {
  assert.equal(fenced('a'), '```\na\n```');
  assert.equal(fenced('x ````` y').split('\n')[0], '``````');
});
