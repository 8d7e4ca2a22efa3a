import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import type { Finding } from '../../../../src/core/findings';
import { lintLibvirtXml } from '../../../../src/core/xml/lint';
import { SchemaCode } from '../../../../src/core/xml/schema/codes';
import { CHUNK_ABOVE, DEVICE_CHUNK, validateWithSchema } from '../../../../src/core/xml/schema/validate';
import { describeSchemaSet, resolveSchemaSet, SYSTEM_SCHEMA_DIR, VERSION_MARKER } from '../../../../src/core/xml/schema/schemaSet';

// Needs libvirt's schemas (Debian libvirt-clients / libvirt0): fail loudly when they are missing.
const system = resolveSchemaSet().set;
assert.ok(system, `${SYSTEM_SCHEMA_DIR} is missing: apt-get install libvirt-clients (Debian package)`);

const lint = (text: string): Promise<Finding[]> => lintLibvirtXml(text, { schemaThread: 'inline' });
const schema = (fs: Finding[]): Finding[] => fs.filter((f) => f.source === 'kvmnet-schema');
/** `line:col-line:col` 1-based, like the CLI. */
const at = (f: Finding): string => `${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1}`;

function domain(devices: string): string {
  return `<domain type='kvm'>\n  <name>t</name>\n  <memory>131072</memory>\n  <os><type>hvm</type></os>\n  <devices>\n${devices}\n  </devices>\n</domain>\n`;
}

test('a valid domain, network, node device and fragments have no schema findings', async () => {
  assert.deepEqual(schema(await lint(domain(`    <interface type='network'><source network='default'/><model type='virtio'/></interface>`))), []);
  assert.deepEqual(schema(await lint(`<network><name>n</name><forward mode='nat'/><bridge name='virbr9'/></network>`)), []);
  assert.deepEqual(schema(await lint(`<device><name>pci_0000_00_00_0</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>0</slot><function>0</function><product id='0x1234'/><vendor id='0x8086'/></capability></device>`)), []);
  // A lone <interface> is a domain NIC fragment (virsh attach-device), not a netcf host interface.
  assert.deepEqual(schema(await lint(`<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>`)), []);
  assert.deepEqual(schema(await lint(`<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x1'/></source></hostdev>`)), []);
});

test("slot='0x20' deep in <devices>: on the attribute value, saying the allowed range (libxml2 only says 'Extra element devices')", async () => {
  const text = domain(`    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n        <address domain='0x0000' bus='0x06' slot='0x20' function='0x0'/>\n      </source>\n    </hostdev>`);
  const fs = await lintLibvirtXml(text, { schemaThread: 'inline' });
  const f = fs.find((x) => /slot/.test(x.message) && x.severity === 'error');
  assert.ok(f, JSON.stringify(fs));
  // The slot value 0x20 sits on line 8 at columns 55–58 (or the rule's whole attribute slot='0x20').
  const line = text.split('\n')[7]!;
  assert.equal(f.range.start.line, 7);
  assert.ok(line.slice(f.range.start.character, f.range.end.character).includes('0x20'));
  assert.match(f.message, /0x00–0x1f/);
});

test('schema-only errors get the exact attribute range and what is allowed', async () => {
  const text = domain(`    <interface type='bridge' bogus='1'>\n      <source bridge='br0'/>\n      <model type='virtio'/>\n    </interface>`);
  const [f, ...rest] = schema(await lint(text));
  assert.equal(rest.length, 0);
  assert.equal(f!.code, SchemaCode.UnknownAttribute);
  assert.equal(at(f!), '6:30-6:35');
  assert.match(f!.message, /no attribute 'bogus'.*allowed: .*type/);

  const [g] = schema(await lint(domain(`    <interface type='brdge'>\n      <source bridge='br0'/>\n    </interface>`)));
  assert.equal(g!.code, SchemaCode.InvalidValue);
  assert.equal(at(g!), '6:22-6:27');
  assert.match(g!.message, /'bridge'.*'network'/);

  const [h] = schema(await lint(domain(`    <interface type='bridge'>\n      <source bridge='br0'/>\n      <model type='virtio'/>\n      <bogus/>\n    </interface>`)));
  assert.equal(h!.code, SchemaCode.UnexpectedElement);
  assert.equal(at(h!), '9:8-9:13');
  assert.match(h!.message, /allowed here: .*mac/);

  const [m] = schema(await lint(`<domain type='kvm'>\n<name>t</name>\n<uuid>not-a-uuid</uuid>\n<memory>1</memory>\n<os><type>hvm</type></os>\n</domain>`));
  assert.equal(m!.code, SchemaCode.InvalidValue);
  assert.equal(at(m!), '3:7-3:17');
  assert.match(m!.message, /UUID/);
});

test('fragments: an <interface> error is located inside the fragment, with lines of the file itself', async () => {
  const text = `<interface type='bridge'>\n  <source bridge='br0'/>\n  <model type='virtio'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x9'/>\n</interface>\n`;
  const fs = (await lint(text)).filter((f) => f.severity === 'error');
  assert.equal(fs.length, 1, JSON.stringify(fs));
  assert.equal(fs[0]!.range.start.line, 3);
  assert.match(text.split('\n')[3]!.slice(fs[0]!.range.start.character, fs[0]!.range.end.character), /0x9/);
});

test('a missing required attribute is reported on the element', async () => {
  const text = domain(`    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>\n      <source>\n        <address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>\n      </source>\n    </hostdev>`);
  const fs = schema(await lint(text));
  assert.ok(fs.some((f) => f.code === SchemaCode.MissingAttribute && /'uuid'/.test(f.message) && at(f) === '8:10-8:17'), JSON.stringify(fs));
});

test('not well-formed XML: exactly one located error, no schema cascade', async () => {
  const fs = await lint(`<domain type='kvm'>\n  <name>t</name>\n  <memory>1</memory\n  <devices><interface type='bridge'></devices>\n</domain>`);
  assert.equal(fs.length, 1, JSON.stringify(fs));
  assert.equal(fs[0]!.code, SchemaCode.NotWellFormed);
  assert.equal(fs[0]!.severity, 'error');
  assert.ok(fs[0]!.range.start.line >= 2 && fs[0]!.range.start.line <= 3, at(fs[0]!));
});

test('the worker thread gives the same findings as in-process validation', async () => {
  const text = domain(`    <interface type='bridge' trustGuestRxFilters='maybe'>\n      <source bridge='br0'/>\n      <model type='virtio'/>\n    </interface>`);
  const inline = schema(await lintLibvirtXml(text, { schemaThread: 'inline' }));
  const worker = schema(await lintLibvirtXml(text));
  assert.deepEqual(worker, inline);
  assert.ok(inline.length > 0);
});

test('schema set: setting → system → bundled, with the libvirt version', () => {
  assert.equal(system.origin, 'system');
  assert.match(system.version ?? '', /^\d+\.\d+\.\d+/);
  assert.match(describeSchemaSet(system), /^libvirt \d+\.\d+\.\d+.* schemas, installed on this machine$/);

  const missing = resolveSchemaSet('/nonexistent/schemas');
  assert.equal(missing.set, undefined);
  assert.match(missing.problem ?? '', /no domain\.rng/);

  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-schemas-'));
  try {
    for (const f of readdirSync(SYSTEM_SCHEMA_DIR)) cpSync(path.join(SYSTEM_SCHEMA_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, VERSION_MARKER), '8.0.0-target-host\n');
    const set = resolveSchemaSet(dir).set;
    assert.deepEqual(set, { dir, origin: 'setting', version: '8.0.0-target-host' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad schema setting is one information finding, never an exception', async () => {
  const fs = await lintLibvirtXml(domain(''), { schemaDir: '/nonexistent/schemas', schemaThread: 'inline' });
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.code, SchemaCode.Unavailable);
  assert.equal(fs[0]!.severity, 'info');
});

test(`a large <devices> (over ${CHUNK_ABOVE} devices: errors explained in chunks of ${DEVICE_CHUNK}) has virt-xml-validate's verdict and exact locations`, async () => {
  const nic = (i: number, slot = (i % 31) + 1): string =>
    `    <interface type='bridge'>\n      <source bridge='br0'/>\n      <model type='virtio'/>\n      <address type='pci' domain='0x0000' bus='0x${(1 + (i >> 5)).toString(16).padStart(2, '0')}' slot='0x${slot.toString(16).padStart(2, '0')}' function='0x0'/>\n    </interface>`;
  const nics = Array.from({ length: CHUNK_ABOVE + DEVICE_CHUNK + 10 }, (_, i) => nic(i));
  const cases: [string, string][] = [
    ['valid', domain(['    <emulator>/usr/bin/qemu-system-x86_64</emulator>', ...nics, "    <memballoon model='virtio'/>"].join('\n'))],
    ['bad slot in NIC 200', domain([...nics.slice(0, 200), nic(200, 0x20), ...nics.slice(201)].join('\n'))],
    ['two memballoons far apart', domain(["    <memballoon model='virtio'/>", ...nics, "    <memballoon model='none'/>"].join('\n'))],
  ];
  for (const [label, text] of cases) {
    const oracle = virtXmlValidate(text);
    const outcome = await validateWithSchema(text, system);
    const fs = outcome.findings;
    assert.equal(outcome.valid, oracle, `${label}: verdict differs from virt-xml-validate`);
    assert.equal(fs.length === 0, oracle, `${label}: findings do not match the verdict`);
    if (label === 'bad slot in NIC 200') {
      const line = text.split('\n').findIndex((l) => l.includes("slot='0x20'"));
      // The semantic rule owns slot='0x20' (it replaces the schema finding on the same attribute); the schema layer must have found it too.
      const all = await lintLibvirtXml(text, { schemaThread: 'inline' });
      assert.ok(all.some((f) => f.severity === 'error' && f.range.start.line === line), JSON.stringify(all));
    }
    if (label === 'two memballoons far apart') assert.ok(fs.some((f) => f.severity === 'error'), JSON.stringify(fs));
  }
});

function virtXmlValidate(text: string): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvmnet-vxv-'));
  try {
    const file = path.join(dir, 'd.xml');
    writeFileSync(file, text);
    const r = spawnSync('virt-xml-validate', [file], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'virt-xml-validate is missing: apt-get install libvirt-clients (Debian package)');
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
