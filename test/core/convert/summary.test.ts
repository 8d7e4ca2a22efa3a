// The editor's summary of a conversion: headline counts and located details (1-based line:column in the source).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptToDomain } from '../../../src/core/convert/scriptToXml';
import { summarize } from '../../../src/core/convert/summary';
import { domainToArgs } from '../../../src/core/convert/xmlToArgs';

test('a script with an untranslated option: counts and each note at its line:column', () => {
  const text = '#!/bin/sh\nqemu-system-x86_64 -m 1G \\\n  -netdev user,id=n0 -device e1000,netdev=n0,mac=52:54:00:00:00:01 -vga std\n';
  const r = scriptToDomain(text);
  const s = summarize('vm.sh → libvirt domain XML', text, r.mapped, r.notes);
  assert.equal(s.untranslated, 1);
  assert.match(s.headline, /^vm\.sh → libvirt domain XML: \d+ items mapped, 1 item not translated \(warnings on the source\)\.$/);
  assert.ok(s.details.includes('  warning  3:68  not translated: -vga std'), s.details.join('\n'));
  assert.ok(s.details.some((d) => /^ {2}mapped {3}3:\d+ {2}/.test(d)), s.details.join('\n'));
});

test('everything translated is said so', () => {
  const xml = "<interface type='bridge'><mac address='52:54:00:00:00:02'/><source bridge='br0'/><model type='virtio'/></interface>";
  const r = domainToArgs(xml);
  const s = summarize('nic.xml → QEMU arguments', xml, r.mapped, r.notes);
  assert.equal(s.headline, 'nic.xml → QEMU arguments: 1 item mapped, everything translated.');
  assert.equal(r.scope, 'interface');
  assert.equal(xml.slice(r.element.start, r.element.end), "<interface type='bridge'>");
});

test('short-form booleans convert as QEMU reads them: bare vhost gives the vhost driver, bare share shared memory', () => {
  const text = '#!/bin/sh\nqemu-system-x86_64 -m 1G -object memory-backend-memfd,id=mem,size=1G,share -machine q35,memory-backend=mem \\\n  -netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vhost -device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01\n';
  const { xml } = scriptToDomain(text);
  assert.match(xml, /<driver name='vhost'\/>/);
  assert.match(xml, /<access mode='shared'\/>/);
});
