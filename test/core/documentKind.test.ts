import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectDocumentKind, isGuestXml, libvirtKind, libvirtRoot, ROOT_SCHEMAS, rootElementName } from '../../src/core/documentKind';

test('root element skips the prolog, comments and doctype', () => {
  assert.equal(rootElementName(`<?xml version="1.0"?>\n<!-- c <domain> -->\n<!DOCTYPE x>\n<network>`), 'network');
  assert.equal(rootElementName('no xml here'), undefined);
  assert.equal(rootElementName('<!-- unterminated'), undefined);
});

test('only libvirt roots make libvirt XML', () => {
  for (const root of ['domain', 'network', 'interface', 'hostdev', 'device']) {
    assert.equal(libvirtRoot(`<${root} type='x'/>`), root);
    assert.equal(detectDocumentKind(`a/${root}.xml`, `<${root}/>`), 'libvirt-xml');
  }
  assert.equal(detectDocumentKind('pom.xml', '<project/>'), undefined);
  assert.equal(detectDocumentKind('untitled-1', '<domain type="kvm"/>'), 'libvirt-xml');
  assert.equal(detectDocumentKind('custom.xml', '<project/>', true), 'libvirt-xml');
});

test('shell scripts by extension or shebang', () => {
  assert.equal(detectDocumentKind('launch-vm.sh', 'qemu-system-x86_64'), 'launch-script');
  assert.equal(detectDocumentKind('start-vm', '#!/bin/bash\nqemu-kvm'), 'launch-script');
  assert.equal(detectDocumentKind('start-vm', '#!/usr/bin/env sh\n'), 'launch-script');
  assert.equal(detectDocumentKind('notes.txt', 'qemu-system-x86_64 -net nic'), undefined);
  assert.equal(detectDocumentKind('script.py', '#!/usr/bin/env python3\n'), undefined);
});

test("every root virt-xml-validate knows is a libvirt kind with that tool's schema file", () => {
  // virt-xml-validate's own table (its case on the root name), for the names libvirt writes.
  const expected: Record<string, string> = {
    domain: 'domain.rng', domainsnapshot: 'domainsnapshot.rng', domaincheckpoint: 'domaincheckpoint.rng', domainbackup: 'domainbackup.rng',
    domainCapabilities: 'domaincaps.rng', network: 'network.rng', networkport: 'networkport.rng', pool: 'storagepool.rng',
    storagepoolCapabilities: 'storagepoolcaps.rng', volume: 'storagevol.rng', capabilities: 'capability.rng', device: 'nodedev.rng',
    filter: 'nwfilter.rng', filterbinding: 'nwfilterbinding.rng', secret: 'secret.rng', interface: 'interface.rng', cpu: 'cpu.rng',
  };
  assert.deepEqual(ROOT_SCHEMAS, expected);
  for (const [root, schema] of Object.entries(expected)) {
    const attrs = root === 'interface' ? " type='ethernet' name='eth0'" : '';
    assert.deepEqual({ ...libvirtKind(`<${root}${attrs}/>`), name: '' }, { kind: 'document', root, schema, name: '' }, root);
  }
});

test('a lone <interface> with name= is a host interface (iface-define); without, a guest NIC fragment (attach-device)', () => {
  assert.equal(libvirtKind("<interface type='ethernet' name='eth0'>\n  <start mode='onboot'/>\n</interface>")?.kind, 'document');
  assert.equal(libvirtKind("<interface type='bridge' name=\"br0\"><bridge/></interface>")?.kind, 'document');
  assert.equal(libvirtKind("<interface type='bridge'>\n  <source bridge='br0'/>\n</interface>")?.kind, 'fragment');
  assert.equal(libvirtKind("<interface type='bridge' x='a name=b'><source bridge='br0'/></interface>")?.kind, 'fragment', 'name= inside a value is no attribute');
  assert.equal(libvirtKind("<hostdev mode='subsystem' type='pci'/>")?.kind, 'fragment');
  assert.ok(isGuestXml(libvirtKind("<interface type='network'/>")));
  assert.ok(isGuestXml(libvirtKind("<domain type='kvm'/>")));
  assert.ok(!isGuestXml(libvirtKind("<interface type='ethernet' name='eth0'/>")));
  assert.ok(!isGuestXml(libvirtKind('<network/>')));
});

test("generic root names in someone else's vocabulary are not libvirt's", () => {
  assert.equal(libvirtKind('<filter xmlns="http://java.sun.com/xml/ns/javaee"><filter-name>x</filter-name></filter>'), undefined);
  assert.equal(detectDocumentKind('web-fragment.xml', '<filter xmlns="urn:x"/>'), undefined);
  assert.equal(libvirtKind("<filter name='clean-traffic' xmlns:x='urn:x'/>")?.root, 'filter', 'a prefixed namespace is fine');
  assert.equal(libvirtKind('<volumes/>'), undefined);
});
