import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDiscovery } from '../../../src/core/host/parse';

const U1 = '11111111-2222-3333-4444-555555555555';
const U2 = '11111111-2222-3333-4444-666666666666';
const wrap = (lines: string[], end = true) => `KVMNET-DISCOVERY 1\nS\tlibvirt-uri\tqemu:///system\n${lines.join('\n')}\n${end ? 'END\n' : ''}`;
const guest = (uuid: string, xml: string[]) => ['Name:           g', `UUID:           ${uuid}`, 'State:          running', 'Persistent:     yes', ...xml].map((l) => `V\t${uuid}\t${l}`);

test('a definition speaks only for its own guest: lines that look like records or another guest stay text', () => {
  const s = parseDiscovery(
    wrap([
      ...guest(U1, ["<domain type='qemu'>", '<name>g</name>', '<description>', `V\t${U2}\tName: evil`, 'END', '</description>', '<devices>', "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x3b' slot='0x10' function='0x1'/></source></hostdev>", '</devices>', '</domain>']),
      'S\tlibvirt-guests\t1',
    ]),
  );
  assert.equal(s.partial, undefined);
  assert.deepEqual(s.libvirt?.guests.map((g) => [g.name, g.state, g.hostdevs.map((h) => h.address)]), [['g', 'running', ['0000:3b:10.1']]]);
  assert.deepEqual(s.warnings, []);
});

test('bad UUIDs, bad XML, bad addresses, a vanished guest: warnings and errors, never a throw or a guessed value', () => {
  const s = parseDiscovery(
    wrap([
      'V\tnot-a-uuid\tName: x',
      ...guest(U1, ["<domain type='qemu'><name>g</name><devices>", "<interface type='hostdev'><source><address domain='0x0000' bus='0x3b' slot='0x20' function='0x9'/></source><mac address='ff:ff:ff:ff:ff:ff:ff'/></interface>", '<unclosed>']),
      'S\tlibvirt-guests\t2',
    ]),
  );
  const g = s.libvirt?.guests[0];
  assert.equal(g?.name, 'g');
  assert.match(g?.error ?? '', /not well-formed/);
  assert.deepEqual(g?.nics, [], 'nothing from a definition that did not parse');
  assert.ok(s.warnings.some((w) => /bad libvirt guest UUID/.test(w)));
  assert.deepEqual(s.libvirt?.errors, ['1 of 2 guests could not be read']);
});

test('fail closed: libvirt lines without END are a partial snapshot', () => {
  const s = parseDiscovery(wrap(guest(U1, ["<domain type='qemu'><name>g</name></domain>"]), false));
  assert.ok(s.partial);
});

test('property: any V/W/S libvirt lines parse without throwing, every kept guest has a checked UUID and address', () => {
  const line = fc.oneof(
    fc.tuple(fc.constantFrom('V', 'W'), fc.constantFrom(U1, U2, 'x'), fc.string({ unit: 'binary', maxLength: 80 })).map(([k, u, t]) => `${k}\t${u}\t${t.replace(/\n/g, '')}`),
    fc.constantFrom(`V\t${U1}\t<domain><name>a</name><devices><hostdev type='pci'><source><address bus='1' slot='2' function='3'/></source></hostdev></devices></domain>`, `W\t${U2}\t<network><name>n</name><forward mode='hostdev'><pf dev='x'/></forward></network>`, 'S\tlibvirt-guests\t9', 'S\tlibvirt-error\tboom'),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      const s = parseDiscovery(wrap(lines));
      for (const g of s.libvirt?.guests ?? []) {
        assert.match(g.uuid, /^[0-9a-f-]{36}$/);
        for (const h of g.hostdevs) assert.match(h.address, /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/);
      }
    }),
    { numRuns: 300 },
  );
});
