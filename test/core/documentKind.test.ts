import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectDocumentKind, libvirtRoot, rootElementName } from '../../src/core/documentKind';

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
