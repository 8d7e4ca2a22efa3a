import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existingHolder, identityProblem, newDefinition } from '../../../src/core/libvirt/storedDiff';

test('a new domain definition: its name and UUID (normalised), or why it cannot be defined', () => {
  assert.deepEqual(newDefinition("<domain type='kvm'><name>web</name></domain>", 'domain'), { name: 'web' });
  assert.deepEqual(newDefinition('<domain><name> web </name><uuid>ABCDEF0123456789ABCDEF0123456789</uuid></domain>', 'domain'), {
    name: 'web',
    uuid: 'abcdef01-2345-6789-abcd-ef0123456789',
  });
  assert.match((newDefinition('<network><name>n</name></network>', 'domain') as { problem: string }).problem, /root element is <network>/);
  assert.match((newDefinition('<domain><memory>1</memory></domain>', 'domain') as { problem: string }).problem, /no <name>/);
  assert.match((newDefinition('<domain><name>a</name><uuid>nope</uuid></domain>', 'domain') as { problem: string }).problem, /not a UUID/);
  assert.match((newDefinition('<domain><name>a</name>', 'domain') as { problem: string }).problem, /not well-formed/);
});

test('defining over an existing guest (same UUID or same name) is named, so the command can refuse it', () => {
  const existing = [{ name: 'web', uuid: 'abcdef01-2345-6789-abcd-ef0123456789' }];
  assert.match(existingHolder({ name: 'other', uuid: 'abcdef01-2345-6789-abcd-ef0123456789' }, existing)!, /UUID .* already defined there \(web\)/);
  assert.match(existingHolder({ name: 'web' }, existing)!, /named web is already defined/);
  assert.equal(existingHolder({ name: 'db' }, existing), undefined);
});

test('an edited definition keeps its identity: the same UUID in another spelling is the same guest', () => {
  const ref = { kind: 'domain', name: 'web', uuid: 'abcdef01-2345-6789-abcd-ef0123456789' } as const;
  assert.equal(identityProblem('<domain><name>web</name><uuid>ABCDEF0123456789ABCDEF0123456789</uuid></domain>', ref), undefined);
  assert.equal(identityProblem('<domain><name>web</name></domain>', ref), undefined, 'no <uuid>: libvirt defines by name');
  assert.match(identityProblem('<domain><name>web</name><uuid>00000000-2345-6789-abcd-ef0123456789</uuid></domain>', ref)!, /<uuid> must stay/);
  assert.match(identityProblem('<domain><name>web</name><uuid>nope</uuid></domain>', ref)!, /<uuid> must stay/);
  assert.match(identityProblem('<domain><name>www</name></domain>', ref)!, /<name> must stay web/);
  assert.match(identityProblem('<network><name>web</name></network>', ref)!, /root element must stay <domain>/);
  assert.match(identityProblem('<domain>', ref)!, /not well-formed/);
});
