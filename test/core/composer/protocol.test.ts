import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseHostMessage, parseWebviewMessage } from '../../../src/core/composer/protocol';
import { defaultFormState } from '../../../src/core/composer/state';

const state = defaultFormState();
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('webview messages (untrusted) are checked field by field', () => {
  test('well-formed requests pass unchanged', () => {
    for (const m of [
      { type: 'ready', id: 0 },
      { type: 'update', id: 1, state },
      { type: 'insertXml', id: 2, state },
      { type: 'writeScript', id: 3, state },
      { type: 'attachToGuest', id: 5, state },
      { type: 'copy', id: 4, state, what: 'qemu' },
    ]) {
      const r = parseWebviewMessage(clone(m));
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.message, m);
    }
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'ready', /^message: expected an object, got string/],
    ['null', null, /got null/],
    ['unknown type', { type: 'eval', id: 1 }, /^message\.type: expected one of ready, update/],
    ['type inherited from the prototype', { type: 'toString', id: 1 }, /message\.type/],
    ['missing id', { type: 'ready' }, /missing field 'id'/],
    ['negative id', { type: 'ready', id: -1 }, /message\.id: expected a non-negative integer/],
    ['extra top-level field', { type: 'ready', id: 1, command: 'rm' }, /unknown field 'command'/],
    ['extra state field', { type: 'update', id: 1, state: { ...state, script: 'x' } }, /message\.state: unknown field 'script'/],
    ['__proto__ field', JSON.parse(`{"type":"update","id":1,"state":${JSON.stringify(state).replace('{', '{"__proto__":{"x":1},')}}`), /unknown field '__proto__'/],
    ['wrong mode', { type: 'update', id: 1, state: { ...state, mode: 'vde' } }, /message\.state\.mode: expected one of user, bridge, macvtap, pci, sriov/],
    ['number for a text field', { type: 'update', id: 1, state: { ...state, mac: 525400 } }, /message\.state\.mac: expected a string, got number/],
    ['string for a flag', { type: 'update', id: 1, state: { ...state, bridge: { ...state.bridge, vhost: 'on' } } }, /message\.state\.bridge\.vhost: expected true or false/],
    ['bad forward item', { type: 'update', id: 1, state: { ...state, user: { restrict: false, portForwards: [{ proto: 'sctp', hostAddress: '', hostPort: '1', guestPort: '2' }] } } }, /portForwards\.0\.proto/],
    ['too many forwards', { type: 'update', id: 1, state: { ...state, user: { restrict: false, portForwards: Array(33).fill(state.user.portForwards[0]) } } }, /more than 32 items/],
    ['huge string', { type: 'update', id: 1, state: { ...state, mac: 'x'.repeat(10_000) } }, /longer than 64 characters/],
    ['a BigInt where a mode goes (structured clone allows it)', { type: 'update', id: 1, state: { ...state, mode: 10n } }, /message\.state\.mode: expected one of .*, got bigint/],
    ['a BigInt type', { type: 10n, id: 1 }, /message\.type: expected one of .*, got bigint/],
    ['a Map as the state', { type: 'update', id: 1, state: new Map([['mode', 'user']]) }, /message\.state: missing field 'mode'/],
    ['copy of something else', { type: 'copy', id: 1, state, what: 'file' }, /message\.what: expected one of xml, qemu/],
  ];
  for (const [name, value, error] of bad) {
    test(`rejected: ${name}`, () => {
      const r = parseWebviewMessage(value);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    });
  }

  test('property: any JSON value is either a valid request or a located error, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('ready', 'update', 'copy'), id: fc.jsonValue(), state: fc.jsonValue() })), (v) => {
        const r = parseWebviewMessage(v);
        if (!r.ok) assert.match(r.error, /^message/);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: mutating one leaf of a valid state to another JSON type is rejected at that leaf', () => {
    const leaves = ['mode', 'model', 'mac', 'id', 'user.restrict', 'bridge.bridge', 'bridge.vhost', 'macvtap.mode', 'pci.bdf', 'sriov.vlan'];
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())), (leaf, value) => {
        const s = clone(state) as unknown as Record<string, Record<string, unknown>>;
        const [a, b] = leaf.split('.') as [string, string | undefined];
        if (b === undefined) (s as Record<string, unknown>)[a] = value;
        else s[a]![b] = value;
        const r = parseWebviewMessage({ type: 'update', id: 1, state: s });
        assert.equal(r.ok, false);
        assert.ok((r as { error: string }).error.startsWith(`message.state.${leaf}:`), (r as { error: string }).error);
      }),
    );
  });
});

test('extension messages are checked on the webview side too', () => {
  const choices = { models: ['virtio-net-pci'], vfs: [{ bdf: '0000:3b:02.0', label: 'VF 0' }] };
  assert.ok(parseHostMessage({ type: 'init', replyTo: 0, state, choices, override: false }).ok);
  assert.match((parseHostMessage({ type: 'init', replyTo: 0, state, choices }) as { error: string }).error, /missing field 'override'/);
  assert.ok(parseHostMessage({ type: 'done', replyTo: 3, ok: true, message: 'Inserted' }).ok);
  const r = parseHostMessage({ type: 'preview', replyTo: 1, preview: { xml: 1 } });
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /message\.preview\.xml: expected a string/);
});
