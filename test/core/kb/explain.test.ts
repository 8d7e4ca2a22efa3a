import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { KB_ENTRIES } from '../../../src/core/kb/entries';
import { explain, matchedEntries } from '../../../src/core/kb/explain';
import { CheckId } from '../../../src/core/readiness/model';
import { REAL_MESSAGES } from './realMessages';

describe('knowledge base entries', () => {
  test('ids are unique; each entry has patterns, a cause, and fixes for QEMU and libvirt', () => {
    const ids = KB_ENTRIES.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    const checkIds = new Set<string>(Object.values(CheckId));
    for (const e of KB_ENTRIES) {
      assert.ok(e.patterns.length > 0 && e.cause && e.fixQemu && e.fixLibvirt && e.title, e.id);
      for (const p of e.patterns) assert.doesNotMatch(p.flags, /[gy]/, `${e.id}: ${p}`);
      for (const c of e.confirm) assert.ok(checkIds.has(c), `${e.id} confirms with unknown check ${c}`);
    }
  });

  for (const m of REAL_MESSAGES) {
    test(`${m.entry} recognises real text (${m.origin})`, () => {
      const ids = explain(m.text).map((x) => x.entry.id);
      assert.ok(ids.includes(m.entry), `${JSON.stringify(m.text)} → ${JSON.stringify(ids)}`);
    });
  }
});

describe('explain', () => {
  test('reports the matched range, 0-based, in multi-line text', () => {
    const text = 'starting guest\nqemu-system-x86_64: -netdev user,id=n0: Duplicate ID \'n0\' for netdev\n';
    const [m] = explain(text);
    assert.ok(m);
    assert.equal(m.entry.id, 'duplicate-netdev-id');
    assert.equal(m.text, "Duplicate ID 'n0' for netdev");
    assert.equal(text.slice(m.start, m.end), m.text);
    assert.deepEqual(m.range.start, { line: 1, character: text.split('\n')[1]!.indexOf('Duplicate') });
  });

  test('finds several messages and repeated ones, ordered by position', () => {
    const text = "kvm: disabled by bios\nRTNETLINK answers: Operation not supported\nkvm: disabled by bios";
    assert.deepEqual(
      explain(text).map((m) => [m.entry.id, m.range.start.line]),
      [['kvm-disabled-by-bios', 0], ['rtnetlink-not-supported', 1], ['kvm-disabled-by-bios', 2]],
    );
    assert.deepEqual(matchedEntries(explain(text)).map((e) => e.id), ['kvm-disabled-by-bios', 'rtnetlink-not-supported']);
  });

  test('two patterns of one entry on the same words count once', () => {
    const text = 'vfio 0000:01:00.0: group 1 is not viable\nPlease ensure all devices within the iommu_group are bound to their vfio bus driver.';
    assert.equal(explain(text).filter((m) => m.entry.id === 'vfio-group-not-viable').length, 2);
    assert.equal(explain('group 7 is not viable').length, 1);
  });

  test('ordinary log lines match nothing', () => {
    for (const line of [
      '[    0.123456] DMAR: IOMMU enabled',
      '[    0.456789] DMAR-IR: Enabled IRQ remapping in x2apic mode',
      'kvm: exiting hardware virtualization',
      'br0: port 1(tap0) entered forwarding state',
      'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)',
      'vfio-pci 0000:01:00.0: enabling device (0000 -> 0003)',
      '',
    ]) {
      assert.deepEqual(explain(line).map((m) => m.entry.id), [], line);
    }
  });

  test('never throws, and every range slices back to its text (property)', () => {
    const fragments = fc.constantFrom(...REAL_MESSAGES.map((m) => m.text), "'", '`', '(', '\n', 'group ', 'Property \'', ': ', 'x');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fragments), { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        for (const m of explain(text)) {
          assert.equal(text.slice(m.start, m.end), m.text);
          assert.ok(m.end > m.start);
        }
      }),
    );
  });

  test('adversarial input (long runs of quote and separator characters) completes', () => {
    const text = `Invalid host forwarding rule '${"'(".repeat(20000)}\nProperty '${'a.'.repeat(20000)}`;
    assert.ok(Array.isArray(explain(text)));
  });
});
